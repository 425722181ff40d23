"""A command's start: .env, one parse of the command line and one composition, then the job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from src.cli.hydra_driver import CONFIG_DIR, PROJECT_ROOT, parse, runs_a_job
from src.cli.launch import load_env
from tests.helpers import ROOT, require_train_marker

# Counts, in a real `python -m src.train` process, every parse of the command line and every composition.
COUNTING = """
import argparse, json, sys
from hydra._internal.config_loader_impl import ConfigLoaderImpl
counts = {"parses": 0, "compositions": 0}
parse, load = argparse.ArgumentParser.parse_known_args, ConfigLoaderImpl.load_configuration
def parse_known_args(self, *args, **kwargs):
    counts["parses"] += 1
    return parse(self, *args, **kwargs)
def load_configuration(self, *args, **kwargs):
    counts["compositions"] += 1
    return load(self, *args, **kwargs)
argparse.ArgumentParser.parse_known_args, ConfigLoaderImpl.load_configuration = parse_known_args, load_configuration
report, sys.argv = sys.argv[1], ["src.train", *sys.argv[2:]]
from src.train import cli
try:
    cli()
finally:
    with open(report, "w") as handle:
        json.dump(counts, handle)
"""


def test_dotenv_in_the_working_folder_sets_variables_and_the_shell_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("TASKTRIAD_TEST_A=from_dotenv\nTASKTRIAD_TEST_B=from_dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TASKTRIAD_TEST_A", raising=False)
    monkeypatch.setenv("TASKTRIAD_TEST_B", "from_shell")
    load_env()
    assert os.environ["TASKTRIAD_TEST_A"] == "from_dotenv" and os.environ["TASKTRIAD_TEST_B"] == "from_shell"
    monkeypatch.delenv("TASKTRIAD_TEST_A")
    assert os.environ["PROJECT_ROOT"] == str(PROJECT_ROOT) and (CONFIG_DIR / "train.yaml").is_file()


def test_hydras_parser_still_reads_the_command_line_as_the_driver_expects() -> None:
    """The driver's use of Hydra's internal parser: this fails if Hydra moves or renames what it reads."""
    args = parse(["-m", "task=regression", "--cfg", "job", "-cn", "eval"])
    assert args.overrides == ["task=regression"] and args.multirun and args.cfg == "job" and args.config_name == "eval"
    assert not (args.help or args.hydra_help or args.config_dir or args.config_path) and not runs_a_job(args)
    assert runs_a_job(parse(["task=regression", "-m"])) and runs_a_job(parse(["--help"]))


@pytest.mark.train
@pytest.mark.parametrize("args", [["debug=fdr"], ["debug=fdr", "task=integer_regression", "backbone.width=32"]])
def test_a_run_parses_its_command_line_once_and_composes_its_config_once(args: list[str], tmp_path: Path) -> None:
    require_train_marker("python -m src.train " + " ".join(args))
    report = tmp_path / "counts.json"
    env = {**os.environ, "LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run([sys.executable, "-c", COUNTING, str(report), *args], cwd=ROOT, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(report.read_text()) == {"parses": 1, "compositions": 1}
