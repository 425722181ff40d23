"""A run's life: new, resumed or requeued, decided once; resumed training equals uninterrupted training."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from src import train
from src.errors import TriadError
from src.runs.life import check_folder, decide, expand_resume
from src.runs.metrics import final_values, rows
from tests.helpers import fast_train_cfg, run_cli

SIZES = ["data.num_train=1024", "data.num_val=256", "data.num_test=256"]


def fake_run(folder: Path, overrides: list[str], step: int) -> Path:
    """A run folder as src.train leaves it: its overrides and a last.ckpt saved at ``step``."""
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    (folder / "checkpoints").mkdir()
    torch.save({"state_dict": {}, "global_step": step}, folder / "checkpoints" / "last.ckpt")
    return folder


def test_resume_expands_to_the_runs_overrides_then_the_new_ones_then_what_continues_it(tmp_path: Path) -> None:
    run = fake_run(tmp_path / "run", ["task=integer_regression", "hydra.job.chdir=false", "ckpt_path=x"], step=64)
    argv = expand_resume([f"resume={run}", "trainer.max_epochs=4"])
    assert argv == [
        "task=integer_regression",  # the run's own (its hydra.* and ckpt_path= go: it continues from last.ckpt)
        "trainer.max_epochs=4",  # the new ones win over the run's own
        f"resume={run}",
        f"hydra.run.dir={run}",
        "hydra.output_subdir=null",  # .hydra/ is rewritten only once training starts
    ]
    assert expand_resume(["task=regression"]) == ["task=regression"]  # nothing to expand


def test_the_run_is_decided_once_new_resumed_or_requeued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = fake_run(tmp_path / "run", ["seed=1"], step=64)
    last = str(run / "checkpoints" / "last.ckpt")
    assert decide(tmp_path / "fresh").start == "new" and decide(tmp_path / "fresh").checkpoint is None
    started = decide(tmp_path / "fresh", ckpt_path=last)
    assert (started.start, started.checkpoint, started.continue_after) == ("new", last, None)  # a new folder
    resumed = decide(run, resume=str(run))
    assert (resumed.start, resumed.checkpoint, resumed.continue_after) == ("resumed", last, 64)
    monkeypatch.setenv("SLURM_RESTART_COUNT", "1")
    requeued = decide(run)
    assert (requeued.start, requeued.checkpoint, requeued.continue_after) == ("requeued", last, 64)
    (tmp_path / "early").mkdir()
    (tmp_path / "early" / "metrics.csv").write_text("epoch,step\n")  # killed before its first epoch was saved
    assert (decide(tmp_path / "early").start, decide(tmp_path / "early").continue_after) == ("requeued", -1)


def test_a_new_run_into_a_folder_holding_one_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    run = fake_run(tmp_path / "run", ["seed=1"], step=64)
    with pytest.raises(TriadError, match=f"already holds a run.*resume={run}"):
        check_folder(decide(run), writes_hydra_files=True)
    check_folder(decide(run, resume=str(run)), writes_hydra_files=False)  # it continues
    (blocker := tmp_path / "a_file").write_text("")
    with pytest.raises(TriadError, match="is a file, not a folder"):
        check_folder(decide(blocker / "logs" / "run"), writes_hydra_files=True)


def test_resume_of_a_folder_that_is_not_a_run_names_it(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match=f"cannot resume {tmp_path}"):
        expand_resume([f"resume={tmp_path}"])


@pytest.mark.train
def test_ckpt_path_continues_training_exactly(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["trainer.max_epochs=4"], tmp_path / "straight"))
    train.main(fast_train_cfg(["trainer.max_epochs=2"], tmp_path / "first"))
    last = tmp_path / "first" / "checkpoints" / "last.ckpt"
    train.main(fast_train_cfg(["trainer.max_epochs=4", f"ckpt_path={last}"], tmp_path / "resumed"))
    assert final_values(tmp_path / "resumed" / "metrics.csv") == final_values(tmp_path / "straight" / "metrics.csv")


@pytest.mark.train
def test_resume_a_run_dir_in_place_with_no_duplicated_rows(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    first = run_cli("src.train", *SIZES, "trainer.max_epochs=2", env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    (run,) = (tmp_path / "logs" / "train" / "runs").iterdir()
    resumed = run_cli("src.train", f"resume={run}", "trainer.max_epochs=4", env=env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert len(list((tmp_path / "logs" / "train" / "runs").iterdir())) == 1  # the same run dir
    logged = rows(run / "metrics.csv")
    assert [int(r["epoch"]) for r in logged if "train/loss" in r] == [0, 1, 2, 3]
    assert len([r for r in logged if "test/acc" in r]) == 1  # the interrupted run's test row was replaced
    train.main(fast_train_cfg([*SIZES, "trainer.max_epochs=4"], tmp_path / "straight"))
    # the same config through resume's own overrides: the same numbers
    assert final_values(run / "metrics.csv") == final_values(tmp_path / "straight" / "metrics.csv")


@pytest.mark.train
def test_resume_of_a_folder_that_is_not_a_run_stops_the_command(tmp_path: Path) -> None:
    result = run_cli("src.train", f"resume={tmp_path}", env={"LOG_DIR": str(tmp_path / "logs")})
    assert result.returncode == 2 and f"cannot resume {tmp_path}" in result.stderr and "Traceback" not in result.stderr
