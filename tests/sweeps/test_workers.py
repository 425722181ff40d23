"""Sweeps at scale: workers that share one study (one of them killed), and trials pruned in their own process."""

from __future__ import annotations

import csv
import os
import re
import signal
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from tests.helpers import finish, run_cli, start_cli, wait_until

pytestmark = pytest.mark.train  # every test here runs commands
STUDY = "clusters_optuna"


def summary(sweep: Path) -> dict[str, dict[str, str]]:
    with (sweep / "summary.csv").open() as handle:
        return {row["job"]: row for row in csv.DictReader(handle)}


def trials(sweep: Path) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=STUDY, storage=f"sqlite:///{sweep / 'optuna.db'}").trials


def test_three_workers_share_a_study_and_a_killed_workers_trial_is_run_again(tmp_path: Path) -> None:
    sweep, n_trials = tmp_path / "sweep", 5
    args = [
        "hparams_search=clusters_optuna",
        f"hydra.sweeper.n_trials={n_trials}",
        "hydra.sweeper.heartbeat_interval=1",
        "hydra.sweeper.grace_period=10",  # a killed worker's trial counts as stopped after 10 s without a heartbeat
        "trainer.max_epochs=3",
        "data.num_train=8192",
        f"hydra.sweep.dir={sweep}",
    ]
    workers = [start_cli("src.train", *args, output=tmp_path / f"worker{i}.txt") for i in range(3)]

    def running_trial(worker: int) -> int | None:
        said = re.findall(r"Optuna trial #(\d+)", workers[worker].output.read_text())
        if not said:  # (until then the study may not exist yet)
            return None
        states = {t.number: t.state for t in trials(sweep)}
        return int(said[-1]) if states.get(int(said[-1])) == TrialState.RUNNING else None

    wait_until(lambda: running_trial(1) is not None, workers[1])
    killed = running_trial(1)
    os.kill(workers[1].pid, signal.SIGKILL)  # mid-trial: no chance to tell the study anything
    finish(workers[1])
    results = [finish(workers[i]) for i in (0, 2)]
    for result in results:
        assert result.returncode == 0 and "Traceback" not in result.stdout, result.stdout[-3000:]

    study = trials(sweep)
    by_number = {t.number: t for t in study}
    assert by_number[killed].state == TrialState.FAIL  # failed by a live worker once its heartbeat stopped
    (retry,) = [t for t in study if t.system_attrs.get("failed_trial") == killed]
    assert retry.state == TrialState.COMPLETE and retry.params == by_number[killed].params
    others = [t for t in study if t.number != killed]
    assert len(others) == n_trials and all(t.state == TrialState.COMPLETE for t in others)  # none failed, none lost
    assert all(t.intermediate_values for t in others)  # each job reported its epochs to its trial
    rows = summary(sweep)
    assert sorted(rows, key=int) == [str(t.number) for t in study]  # one folder per trial, every trial in it
    assert rows[str(killed)]["status"] == "stopped" and "no heartbeat for 10 s" in rows[str(killed)]["reason"]
    assert all(rows[str(t.number)]["status"] == "completed" for t in others)


def test_a_pruned_trial_stops_early_in_its_own_process_and_is_no_failure(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    result = run_cli(
        "src.train",
        "hparams_search=clusters_optuna",
        "hydra/launcher=submitit_local",  # each trial in a process of its own: it reaches the study by its storage
        "hydra.sweeper.n_trials=4",
        "hydra.sweeper.n_jobs=2",
        "hydra.sweeper.pruner=median",
        "+hydra.sweeper.pruner_args.n_startup_trials=1",
        "optimizer.lr=choice(1e-7,3e-3)",  # 1e-7 learns nothing: below the median after its first epoch
        "trainer.max_epochs=3",
        "data.num_train=2048",
        f"hydra.sweep.dir={sweep}",
    )
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    study, rows = trials(sweep), summary(sweep)
    pruned = [t for t in study if t.state == TrialState.PRUNED]
    assert pruned and any(t.state == TrialState.COMPLETE for t in study)
    for trial in pruned:
        row = rows[str(trial.number)]
        assert trial.params["optimizer.lr"] == 1e-7 and trial.user_attrs["pruned_after_epochs"] < 3
        assert row["status"] == "pruned" and int(row["epochs"]) == trial.user_attrs["pruned_after_epochs"]
        why = (sweep / str(trial.number) / "pruned.txt").read_text()
        assert why.startswith("pruned by the study's median pruner after epoch")
        assert not row.get("test/acc")  # stopped: not tested
    for trial in (t for t in study if t.state == TrialState.COMPLETE):
        assert int(rows[str(trial.number)]["epochs"]) == 3 and rows[str(trial.number)]["test/acc"]
