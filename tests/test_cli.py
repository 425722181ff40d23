"""The command line as a user meets it, end to end: clear errors, the run folder, eval of a checkpoint, sweeps."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import torch

from src import eval as evaluate
from tests.helpers import compose_cfg, run_cli

FAST = ["data.num_train=1024", "data.num_val=512", "data.num_test=512"]


def table_value(stdout: str, metric: str) -> float:
    match = re.search(rf"│ {re.escape(metric)}\s+│\s+([-\d.]+) │", stdout)
    assert match, f"{metric} not in the printed table:\n{stdout}"
    return float(match.group(1))


@pytest.mark.train
@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["backbone.hiden=3"], "backbone.hiden"),  # stopped when the config is composed (src/cli/overrides.py)
        (["data/sampler=teacher", "task=classification"], "Tasks that fit this data: task=regression"),  # at build
        (["data.batch_size=0"], "tasktriad: error: data: need num_train, num_val, num_test, batch_size >= 1, got"),
        ([f"data.sampler.dim={1 << 40}"], "tasktriad: error: out of memory: DefaultCPUAllocator"),  # 4 TiB at build
    ],
    ids=["misspelled-key", "incompatible", "constructor-value", "out-of-memory"],
)
def test_bad_input_stops_with_one_message_and_no_traceback(args: list[str], named: str, logs: dict[str, str]) -> None:
    result = run_cli("src.train", *args, *FAST, env=logs)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert named in output and "Traceback" not in output
    assert not list(Path(logs["LOG_DIR"]).rglob("*.ckpt"))


@pytest.mark.train
def test_train_writes_the_run_folder_and_eval_reproduces_its_metrics(logs: dict[str, str]) -> None:
    train = run_cli("src.train", *FAST, "trainer.max_epochs=2", env=logs)
    assert train.returncode == 0, train.stderr[-3000:]
    (run,) = (Path(logs["LOG_DIR"]) / "train" / "runs").iterdir()
    assert {p.name for p in run.iterdir()} >= {".hydra", "checkpoints", "metrics.csv", "train.log"}
    assert {p.name for p in (run / "checkpoints").iterdir()} == {"best.ckpt", "last.ckpt"}
    assert (run / ".hydra" / "config.yaml").is_file() and (run / ".hydra" / "overrides.yaml").is_file()
    for ckpt in (run / "checkpoints").iterdir():  # plain values only: loads under torch's safe default
        assert (
            torch.load(ckpt, map_location="cpu", weights_only=True)["hyper_parameters"]["config"]["task"]["monitor"]
            == "val/acc"
        )
    test_acc = table_value(train.stdout, "test/acc")
    assert 0.8 < test_acc <= 1.0  # measured 0.857 (1,024 samples, 2 epochs; chance 0.2)

    evaluation = run_cli("src.eval", f"ckpt_path={run / 'checkpoints' / 'best.ckpt'}", env=logs)
    assert evaluation.returncode == 0, evaluation.stderr[-3000:]
    assert table_value(evaluation.stdout, "test/acc") == test_acc
    assert table_value(evaluation.stdout, "test/f1") == table_value(train.stdout, "test/f1")
    (eval_run,) = (Path(logs["LOG_DIR"]) / "eval" / "runs").iterdir()
    assert (eval_run / "metrics.csv").is_file()


@pytest.mark.train
def test_eval_of_a_missing_checkpoint_names_the_file(tmp_path: Path, logs: dict[str, str]) -> None:
    result = run_cli("src.eval", f"ckpt_path={tmp_path / 'model.ckpt'}", env=logs)
    assert result.returncode == 2 and f"checkpoint not found: {tmp_path / 'model.ckpt'}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("content", "named"),
    [(b"not a checkpoint", "cannot read checkpoint"), ("ckpt-without-config", "holds no tasktriad run config")],
)
def test_eval_of_a_foreign_checkpoint_names_the_file(
    content: object, named: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "model.ckpt"
    if content == "ckpt-without-config":
        torch.save({"state_dict": {}}, path)
    else:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        evaluate.main(compose_cfg("eval", [f"ckpt_path={path}"], tmp_path))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and named in err and str(path) in err and "Traceback" not in err


def test_eval_without_a_checkpoint_says_which_value_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        evaluate.main(compose_cfg("eval", [], tmp_path))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "ckpt_path: no value given" in err and "Traceback" not in err


@pytest.mark.train
def test_multirun_sweeps_tasks_in_one_command(logs: dict[str, str]) -> None:
    result = run_cli(
        "src.train", "-m", "task=classification,integer_regression", "trainer.fast_dev_run=true", *FAST, env=logs
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (sweep,) = (Path(logs["LOG_DIR"]) / "train" / "multiruns").iterdir()
    assert sorted(p.name for p in sweep.iterdir() if p.is_dir()) == ["0", "1"]
    summary = list(csv.DictReader((sweep / "summary.csv").open()))  # written by the sweep-summary callback
    assert [row["task"] for row in summary] == ["classification", "integer_regression"]
    assert all(row["run_dir"].startswith(str(sweep)) for row in summary)  # fast_dev_run logs no metrics


@pytest.mark.train
def test_dotenv_sets_paths_and_the_shell_wins(tmp_path: Path) -> None:
    """Hydra makes the run folder first; eval with no checkpoint then stops at once: a cheap probe of LOG_DIR."""
    (tmp_path / ".env").write_text(f"LOG_DIR={tmp_path / 'from_dotenv'}\n")
    from_file = run_cli("src.eval", cwd=tmp_path, env={"LOG_DIR": None})
    shell = run_cli("src.eval", cwd=tmp_path, env={"LOG_DIR": str(tmp_path / "from_shell")})
    assert from_file.returncode == shell.returncode == 2  # the probe's expected "ckpt_path: no value given"
    assert len(list((tmp_path / "from_dotenv" / "eval" / "runs").iterdir())) == 1
    assert len(list((tmp_path / "from_shell" / "eval" / "runs").iterdir())) == 1
