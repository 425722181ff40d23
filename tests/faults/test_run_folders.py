"""A run folder is never damaged: failed commands change nothing in it, and resume works with every logger."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from src.runs.folder import overrides
from src.runs.metrics import read_rows
from tests.helpers import digest, options, run_cli

pytestmark = pytest.mark.train  # every test here runs commands

FAILED_RESUMES = {  # what is added to resume=<run>, and what the message says
    "a value of the wrong type": (["optimizer.lr=abc"], "'abc' is not a valid value"),
    "a key that does not exist": (["trainer.max_epoch=4"], "no key trainer.max_epoch"),
    "weights that do not fit": (["backbone.width=32"], "do not fit this model"),
    "a value torch refuses": (["optimizer.lr=-1"], "Invalid learning rate"),
    "a data size that cannot be": (["data.num_val=0"], "num_val"),
}


@pytest.mark.parametrize("case", FAILED_RESUMES)
def test_a_failed_resume_changes_nothing_in_the_run_folder(
    case: str, trained_runs: dict[str, Path], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(trained_runs["default"], run)
    before = digest(run)  # config, overrides, metrics, checkpoints, hparams, curves (not the log, which tells why)
    args, expected = FAILED_RESUMES[case]
    result = run_cli("src.train", f"resume={run}", "trainer.max_epochs=4", *args)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert digest(run) == before


@pytest.mark.parametrize("logger", options("logger"))
def test_resume_works_with_every_logger_and_records_the_new_overrides(logger: str, tmp_path: Path) -> None:
    # Every logger option, logger=none among them, is the subject: resume= once failed without the CSV logger.
    run = tmp_path / "run"
    env = {"LOG_DIR": str(tmp_path / "logs")}
    first = run_cli("src.train", f"logger={logger}", "trainer.max_epochs=1", f"hydra.run.dir={run}", env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    resumed = run_cli("src.train", f"resume={run}", "trainer.max_epochs=2", env=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "trainer.max_epochs=2" in overrides(run) and f"logger={logger}" in overrides(run)
    if logger == "csv":
        steps = [(r["epoch"], r["step"]) for r in read_rows(run / "metrics.csv")[1] if r.get("val/loss")]
        assert [epoch for epoch, _ in steps] == ["0", "1"]  # the resumed epoch follows, nothing twice


def test_a_second_run_into_a_run_folder_is_refused_before_anything_is_written(
    trained_runs: dict[str, Path], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(trained_runs["default"], run)
    before = digest(run)
    result = run_cli("src.train", "trainer.max_epochs=1", f"hydra.run.dir={run}")
    assert result.returncode == 2 and "already holds a run" in result.stderr and "Traceback" not in result.stderr
    assert digest(run) == before
