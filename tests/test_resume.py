"""Resuming: from a checkpoint file, or a whole run dir in place; resumed training equals uninterrupted training."""

from __future__ import annotations

import csv
from pathlib import Path

from src import train
from tests.helpers import fast_train_cfg, run_cli

SIZES = ["data.num_train=1024", "data.num_val=256", "data.num_test=256", "trainer.enable_progress_bar=false"]


def rows(run_dir: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((run_dir / "metrics.csv").open()))


def final(run_dir: Path) -> dict[str, str]:
    """The last value of every metric column: test metrics, and the last epoch's train/val metrics."""
    out: dict[str, str] = {}
    for row in rows(run_dir):
        out |= {k: v for k, v in row.items() if v and "/" in k}
    return out


def test_ckpt_path_continues_training_exactly(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["trainer.max_epochs=4"], tmp_path / "straight"))
    train.main(fast_train_cfg(["trainer.max_epochs=2"], tmp_path / "first"))
    last = tmp_path / "first" / "checkpoints" / "last.ckpt"
    train.main(fast_train_cfg(["trainer.max_epochs=4", f"ckpt_path={last}"], tmp_path / "resumed"))
    assert final(tmp_path / "resumed") == final(tmp_path / "straight")


def test_resume_a_run_dir_in_place_with_no_duplicated_rows(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    first = run_cli("src.train", *SIZES, "trainer.max_epochs=2", env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    (run,) = (tmp_path / "logs" / "train" / "runs").iterdir()
    resumed = run_cli("src.train", f"resume={run}", "trainer.max_epochs=4", env=env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert len(list((tmp_path / "logs" / "train" / "runs").iterdir())) == 1  # the same run dir
    train_rows = [r["epoch"] for r in rows(run) if r.get("train/loss")]
    assert train_rows == ["0", "1", "2", "3"]
    assert len([r for r in rows(run) if r.get("test/acc")]) == 1  # the interrupted run's test row was replaced
    train.main(fast_train_cfg([*SIZES[:3], "trainer.max_epochs=4"], tmp_path / "straight"))
    assert final(run) == final(tmp_path / "straight")  # same config via resume's own overrides, same numbers


def test_resume_of_a_folder_that_is_not_a_run_says_so(tmp_path: Path) -> None:
    result = run_cli("src.train", f"resume={tmp_path}", env={"LOG_DIR": str(tmp_path / "logs")})
    assert result.returncode == 2 and f"cannot resume {tmp_path}" in result.stderr and "Traceback" not in result.stderr
