"""Kills, SIGTERM and Ctrl-C at random points of a run, as a user (or SLURM) does it, then resume."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from src.runs.checkpoints import read_checkpoint
from src.runs.metrics import read_rows, rows
from tests.helpers import finish, run_cli, start_cli, wait_until

pytestmark = pytest.mark.train  # every test here runs commands
RUN = ["data.num_train=30000", "trainer.max_epochs=6", "callbacks.early_stopping.patience=10"]  # 0.3-1 s an epoch
TOLERANCE = 1e-6  # the same batches and optimiser states: only summation order may differ


def epochs_saved(run: Path) -> int:
    """Epochs finished and saved in last.ckpt (0 before the first)."""
    last = run / "checkpoints" / "last.ckpt"
    return int(read_checkpoint(last)["epoch"]) + 1 if last.is_file() else 0


def values(run: Path) -> dict[str, list[tuple[int, float]]]:
    """Each metric's (step, value) sequence in metrics.csv."""
    series: dict[str, list[tuple[int, float]]] = {}
    for row in rows(run / "metrics.csv"):
        for key, value in row.items():
            if key not in ("epoch", "step"):
                series.setdefault(key, []).append((int(row["step"]), value))
    return series


def interrupt(args: list[str], run: Path, signum: int, rng: random.Random) -> str:
    """Start a run, time the next epoch it saves, then send ``signum`` at a random point of the epoch after.

    The point is a random share of an epoch as long as the one just timed, so that it falls inside the next epoch
    however fast this machine runs (a fixed delay once outlasted whole epochs, and the run ended before the signal).
    """
    process = start_cli("src.train", *args, output=run.parent / f"{run.name}-{signum}.out")
    first = epochs_saved(run)  # 0 for a new run; what it resumes from otherwise
    wait_until(lambda: epochs_saved(run) > first, process)
    start = time.monotonic()
    wait_until(lambda: epochs_saved(run) > first + 1, process)
    epoch = time.monotonic() - start
    time.sleep(rng.uniform(0.0, 0.8) * epoch)  # the fault's random point (not a wait to pass)
    os.kill(process.pid, signum)
    result = finish(process)
    expected = 128 + signum if signum != signal.SIGKILL else -signal.SIGKILL
    assert result.returncode == expected, result.stdout[-3000:]
    return result.stdout


def test_kill9_then_sigterm_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    rng = random.Random()  # a new random point each time the suite runs; the seed is printed on failure
    seed = rng.randrange(2**32)
    rng.seed(seed)
    print(f"fault points drawn with random.Random({seed})")
    straight, run = tmp_path / "straight", tmp_path / "run"
    assert run_cli("src.train", *RUN, f"hydra.run.dir={straight}").returncode == 0

    interrupt([*RUN, f"hydra.run.dir={run}"], run, signal.SIGKILL, rng)  # in epoch 3 of 6, as a rule
    said = interrupt([f"resume={run}"], run, signal.SIGTERM, rng)  # in the third epoch it trains: 5 of 6
    assert "stopped by SIGTERM" in said and f"python -m src.train resume={run}" in said and "Traceback" not in said
    result = run_cli("src.train", f"resume={run}")
    assert result.returncode == 0, result.stderr[-3000:]

    expected, got = values(straight), values(run)
    assert got.keys() == expected.keys()
    for name, series in expected.items():
        assert [s for s, _ in got[name]] == [s for s, _ in series], name  # one value per step: no gap, no duplicate
        assert [v for _, v in got[name]] == pytest.approx([v for _, v in series], abs=TOLERANCE), name
    header, stored = read_rows(run / "metrics.csv")
    assert len(stored) == len(read_rows(straight / "metrics.csv")[1])  # not one row more than the straight run


def test_ctrl_c_before_the_first_epoch_ends_says_there_is_nothing_to_resume(tmp_path: Path) -> None:
    run = tmp_path / "run"
    process = start_cli("src.train", "data.num_train=400000", f"hydra.run.dir={run}", output=tmp_path / "out")
    wait_until(lambda: (run / "hparams.yaml").is_file(), process)  # fitting has started
    os.kill(process.pid, signal.SIGINT)
    result = finish(process)
    assert result.returncode == 130, result.stdout[-3000:]
    assert "stopped by SIGINT" in result.stdout and "nothing to resume" in result.stdout
    assert "Traceback" not in result.stdout


def test_a_requeued_slurm_job_continues_its_own_folder(tmp_path: Path) -> None:
    """SLURM re-runs a requeued job's command (same folder), with SLURM_RESTART_COUNT set: it continues last.ckpt."""
    straight, run = tmp_path / "straight", tmp_path / "run"
    assert run_cli("src.train", *RUN, f"hydra.run.dir={straight}").returncode == 0
    interrupt([*RUN, f"hydra.run.dir={run}"], run, signal.SIGKILL, random.Random(0))  # the time limit
    result = run_cli("src.train", *RUN, f"hydra.run.dir={run}", env={"SLURM_RESTART_COUNT": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SLURM requeue #1: continuing" in result.stdout + result.stderr
    expected, got = values(straight), values(run)
    assert got.keys() == expected.keys()
    for name, series in expected.items():
        assert [s for s, _ in got[name]] == [s for s, _ in series], name
        assert [v for _, v in got[name]] == pytest.approx([v for _, v in series], abs=TOLERANCE), name
    again = run_cli("src.train", *RUN, f"hydra.run.dir={run}")  # the same command outside a requeue: refused
    assert again.returncode == 2 and "already holds a run" in again.stderr
