"""A sweep's study: the storages workers share, stopped trials failed and retried, Optuna's pruners by name."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import optuna
import pytest
from optuna.storages import JournalStorage, RDBStorage, fail_stale_trials
from optuna.trial import TrialState

from hydra_plugins.tasktriad_sweeps.optuna_sweeper import OptunaSweeper
from hydra_plugins.tasktriad_sweeps.space import sampler
from src.errors import TriadError
from src.runs import study as study_module
from src.runs.folder import stopped_file
from src.runs.study import HeartbeatJournal, Liveness, counted, heartbeats, open_storage, pruner

SPACE = {"lr": optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)}


@pytest.mark.parametrize(
    ("spec", "kind", "file"),
    [
        ("sqlite", RDBStorage, "optuna.db"),
        ("journal", JournalStorage, "optuna.journal"),
        ("journal:{tmp}/elsewhere/study.journal", JournalStorage, "elsewhere/study.journal"),
        ("sqlite:///{tmp}/db/study.db", RDBStorage, "db/study.db"),
    ],
)
def test_one_option_names_the_storage(spec: str, kind: type, file: str, tmp_path: Path) -> None:
    storage = open_storage(spec.format(tmp=tmp_path), tmp_path / "sweep" if "{" not in spec else tmp_path)
    optuna.create_study(study_name="s", storage=storage)
    assert isinstance(storage, kind)
    where = (tmp_path / "sweep" if "{" not in spec else tmp_path) / file
    assert where.is_file()
    again = open_storage(spec.format(tmp=tmp_path), where.parent if "{" not in spec else tmp_path)
    assert optuna.load_study(study_name="s", storage=again).study_name == "s"  # another worker finds it


@pytest.mark.parametrize("spec", ["nonsense", "postgresql://nobody@127.0.0.1:1/none", "sqlite:////proc/no/x.db"])
def test_a_storage_that_cannot_be_opened_is_one_message(spec: str, tmp_path: Path) -> None:
    with pytest.raises(TriadError, match=rf"hydra.sweeper.storage={spec}: cannot open the study's storage") as err:
        open_storage(spec, tmp_path)
    assert "Storages: sqlite | journal" in str(err.value)
    assert not (tmp_path / "optuna.db").exists()


class Clock:
    """``time.time`` of the study module, moved on by hand from now: the grace period passes without waiting."""

    def __init__(self) -> None:
        self.now = time.time()  # a trial's start, the journal's own clock, is now

    def time(self) -> float:
        return self.now


def started_trial(tmp_path: Path, clock: Clock, retries: int) -> tuple[optuna.Study, HeartbeatJournal, int]:
    """A journal study with one running trial (a job folder of its number), its heartbeat recorded once."""
    storage = open_storage("journal", tmp_path, Liveness(heartbeat_interval=1, grace_period=5, retries=retries))
    study = optuna.create_study(study_name="s", storage=storage)
    trial = study.ask(SPACE)
    (tmp_path / str(trial.number) / ".hydra").mkdir(parents=True)
    (tmp_path / str(trial.number) / ".hydra" / "overrides.yaml").write_text("[]\n")
    trial_id = storage.get_trial_id_from_study_id_trial_number(storage.get_study_id_from_name("s"), trial.number)
    with heartbeats(storage, [trial_id]):
        pass
    clock.now += 3  # within the grace period
    return study, storage, trial.number


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(study_module, "time", SimpleNamespace(time=clock.time))
    return clock


def test_a_live_trial_is_left_alone(tmp_path: Path, clock: Clock) -> None:
    study, _, number = started_trial(tmp_path, clock, retries=1)
    fail_stale_trials(study)
    assert [t.state for t in study.trials] == [TrialState.RUNNING]
    assert not stopped_file(tmp_path / str(number)).exists()


def test_a_trial_without_heartbeat_past_the_grace_period_is_failed_and_run_again(tmp_path: Path, clock: Clock) -> None:
    study, _, number = started_trial(tmp_path, clock, retries=1)
    clock.now += 10
    fail_stale_trials(study)
    first, again = study.trials
    assert (first.state, again.state) == (TrialState.FAIL, TrialState.WAITING)
    assert again.params == first.params and again.system_attrs["failed_trial"] == number
    assert "no heartbeat for 5 s" in stopped_file(tmp_path / str(number)).read_text()
    assert f"runs again as trial #{again.number}" in stopped_file(tmp_path / str(number)).read_text()
    assert counted(study.trials) == 0  # the failed trial is replaced by its retry, still to run
    retried = study.ask()
    assert retried.number == again.number and retried.params == first.params  # the next ask runs it


def test_with_no_retries_left_a_stopped_trial_stays_failed(tmp_path: Path, clock: Clock) -> None:
    study, _, number = started_trial(tmp_path, clock, retries=0)
    clock.now += 10
    fail_stale_trials(study)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert counted(study.trials) == 1  # it counts as a finished trial of n_trials
    assert "no retry is left" in stopped_file(tmp_path / str(number)).read_text()


@pytest.mark.parametrize(
    "name", [study_module.snake(n) for n in dir(optuna.pruners) if n.endswith("Pruner") and n != "BasePruner"]
)
def test_every_optuna_pruner_is_named_in_snake_case(name: str) -> None:
    try:
        chosen = pruner(name)
    except TriadError as err:  # a pruner that needs arguments says which, naming the option
        assert f"hydra.sweeper.pruner={name} with pruner_args={{}}: " in str(err)
        return
    assert study_module.snake(type(chosen).__name__) == name


def test_a_pruner_that_does_not_exist_is_one_message_listing_those_that_do() -> None:
    with pytest.raises(TriadError, match="hydra.sweeper.pruner=medain: Optuna has no such pruner") as err:
        pruner("medain")
    assert "hyperband, median, none" in str(err.value)
    assert isinstance(pruner("median", {"n_startup_trials": 2}), optuna.pruners.MedianPruner)


def test_two_workers_on_a_grid_visit_every_point_once(tmp_path: Path) -> None:
    space = {
        "lr": optuna.distributions.CategoricalDistribution([1e-3, 1e-2]),
        "width": optuna.distributions.CategoricalDistribution([32, 64]),
    }
    sweepers = [OptunaSweeper(sampler="grid", seed=7) for _ in range(2)]
    storages = [open_storage("journal", tmp_path) for _ in range(2)]
    studies = [optuna.create_study(study_name="g", storage=storage, load_if_exists=True) for storage in storages]
    for number in range(4):  # the workers take turns
        worker = number % 2
        trial = sweepers[worker].ask(studies[worker], storages[worker], space)
        sweepers[worker].tell(studies[worker], trial, values=0.0)  # the last one ends the grid: no error
    assert sorted((t.params["lr"], t.params["width"]) for t in studies[0].trials) == [
        (1e-3, 32),
        (1e-3, 64),
        (1e-2, 32),
        (1e-2, 64),
    ]


def test_a_grid_needs_choices_and_a_sampler_a_known_name() -> None:
    with pytest.raises(TriadError, match="sampler=grid needs every swept key as choice"):
        sampler("grid", SPACE, 0)
    with pytest.raises(TriadError, match="sampler=cmaes: choose tpe, random or grid"):
        sampler("cmaes", SPACE, 0)
    assert isinstance(sampler("random", SPACE, 0), optuna.samplers.RandomSampler)
