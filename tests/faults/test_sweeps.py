"""Sweeps that meet failures: a failing job is recorded and the sweep goes on; a stopped sweep keeps its summary."""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import optuna
import pytest

from tests.helpers import finish, run_cli, start_cli, wait_until

pytestmark = pytest.mark.train  # every test here runs commands
SMALL = ["trainer.max_epochs=1", "data.num_train=512", "data.num_val=256", "data.num_test=256"]


def summary(sweep: Path) -> list[dict[str, str]]:
    with (sweep / "summary.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_a_failing_job_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    result = run_cli("src.train", "-m", "optimizer.lr=3e-3,-1,1e-3", *SMALL, f"hydra.sweep.dir={sweep}")
    screen = result.stdout + result.stderr
    assert result.returncode == 1 and "1 of 3 jobs failed" in screen and "Traceback" not in screen, screen[-3000:]
    rows = summary(sweep)
    assert [r["status"] for r in rows] == ["completed", "failed", "completed"]  # the job after the failure ran
    assert "Invalid learning rate" in rows[1]["reason"] and rows[0]["test/acc"] and rows[2]["test/acc"]
    assert (sweep / "1" / "failure.txt").is_file() and not (sweep / "0" / "failure.txt").exists()


def test_an_optuna_study_whose_trials_all_fail_ends_with_one_message(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    args = [
        "hparams_search=clusters_optuna",
        "hydra.sweeper.n_trials=2",
        "data.num_train=0",
        f"hydra.sweep.dir={sweep}",
    ]
    result = run_cli("src.train", *args)
    screen = result.stdout + result.stderr
    assert result.returncode == 1 and "2 of 2 jobs failed" in screen and "no trial completed" in screen
    assert "Traceback" not in screen, screen[-3000:]
    study = optuna.load_study(study_name="clusters_optuna", storage=f"sqlite:///{sweep / 'optuna.db'}")
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.FAIL] * 2  # none left RUNNING


def test_a_sweep_stopped_by_sigterm_keeps_the_jobs_it_finished(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    args = ["-m", "optimizer.lr=1e-3,2e-3,3e-3", "data.num_train=100000", "trainer.max_epochs=3"]
    args.append(f"hydra.sweep.dir={sweep}")
    process = start_cli("src.train", *args, output=tmp_path / "out")
    wait_until(lambda: (sweep / "summary.csv").is_file() and (sweep / "1" / "hparams.yaml").is_file(), process)
    os.kill(process.pid, signal.SIGTERM)  # while job 1 trains
    result = finish(process)
    assert result.returncode == 143 and "stopped by SIGTERM" in result.stdout and "Traceback" not in result.stdout
    assert f"resume={sweep / '1'}" in result.stdout or "nothing to resume" in result.stdout
    assert [r["status"] for r in summary(sweep)] == ["completed"]  # job 0, finished before the signal
    assert not (sweep / "2").exists()  # the sweep stopped


@pytest.mark.parametrize(
    ("override", "said"),
    [
        ("hydra.sweeper.storage=postgresql://nobody@127.0.0.1:1/none", "cannot open the study's storage"),
        ("hydra.sweeper.pruner=medain", "hydra.sweeper.pruner=medain: Optuna has no such pruner. Pruners: hyperband"),
        ("hydra.sweeper.direction=minimize", "was made to maximize, and this sweep would minimize it"),
    ],
)
def test_a_study_that_cannot_run_is_one_message(override: str, said: str, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    storage = f"sqlite:///{sweep / 'optuna.db'}"
    optuna.create_study(study_name="clusters_optuna", storage=storage, direction="maximize")  # made by a first sweep
    before = (sweep / "optuna.db").read_bytes()
    result = run_cli("src.train", "hparams_search=clusters_optuna", override, f"hydra.sweep.dir={sweep}")
    screen = result.stdout + result.stderr
    assert result.returncode == 2 and said in screen and "Traceback" not in screen, screen[-3000:]
    assert sorted(p.name for p in sweep.iterdir()) == ["optuna.db"] and (sweep / "optuna.db").read_bytes() == before
