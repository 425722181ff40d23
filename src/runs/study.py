"""A sweep's study: the storage several workers share, the heartbeats of their trials, the pruner.

Storages (``hydra.sweeper.storage``):
- ``sqlite``: ``<sweep dir>/optuna.db``, for workers on one machine (SQLite's locks are unsafe on network disks);
- ``journal``: ``<sweep dir>/optuna.journal``, Optuna's journal file, for workers on a shared filesystem;
  ``journal:<file>`` puts it elsewhere;
- any SQLAlchemy URL (``postgresql://user@host/db``, ``mysql+pymysql://...``, ``sqlite:///<file>``): a database.

A worker's running trials carry a heartbeat; a trial whose heartbeat stops (its worker was killed, its node lost)
is failed by the next worker that looks, after ``grace_period`` seconds, and run again if ``retries`` allows.
Optuna's RDB storage has this built in; its journal storage has not, so ``HeartbeatJournal`` adds it the same way,
through Optuna's ``BaseHeartbeat`` (the one private name used here: ``fail_stale_trials`` needs it;
``tests/sweeps/test_study.py`` fails if it moves). Optuna is imported with this module: only sweeps import it.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.storages import BaseStorage, JournalStorage, RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.storages._heartbeat import BaseHeartbeat
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from src.errors import TriadError
from src.runs.folder import atomic_write, exclusive, is_run, stopped_file
from src.runs.trial import trial_folders

log = logging.getLogger(__name__)
# Heartbeats and their callbacks are "experimental" in Optuna since 2.9: used knowingly, and not worth a warning each.
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
STORAGES = "sqlite | journal | journal:<file> | an SQLAlchemy URL (postgresql://user@host/db)"


@dataclass(frozen=True)
class Liveness:
    """How a worker shows its trials are alive, and what becomes of a trial whose worker stopped."""

    heartbeat_interval: int = 30  # seconds between two heartbeats of a running trial
    grace_period: int = 120  # seconds without a heartbeat before a trial counts as stopped and is failed
    retries: int = 1  # times a stopped trial is run again (as a new trial with its parameters)


def open_storage(spec: str, sweep_dir: Path, liveness: Liveness | None = None) -> BaseStorage:
    """The storage ``spec`` names (see the module docstring); with heartbeats if ``liveness`` is given."""
    beat: dict[str, Any] = {}
    if liveness is not None:
        beat = {"heartbeat_interval": liveness.heartbeat_interval, "grace_period": liveness.grace_period}
        beat["heartbeat_stale_trial_callback"] = Stopped(sweep_dir, liveness)
    try:
        if spec == "journal" or spec.startswith("journal:"):
            path = sweep_dir / "optuna.journal" if spec == "journal" else Path(spec.removeprefix("journal:"))
            path.parent.mkdir(parents=True, exist_ok=True)
            return HeartbeatJournal(path, **beat)
        url = f"sqlite:///{sweep_dir / 'optuna.db'}" if spec == "sqlite" else spec
        if "://" not in url:
            raise ValueError("it names no storage")
        if not url.startswith("sqlite:///"):
            return RDBStorage(url, **beat)
        db = Path(url.removeprefix("sqlite:///"))
        patient = {**beat, "engine_kwargs": {"connect_args": {"timeout": 60}}}  # busy workers: wait, do not fail
        if db.is_file():
            return RDBStorage(url, **patient)
        db.parent.mkdir(parents=True, exist_ok=True)
        with exclusive(db.with_name(f".{db.name}.lock")):  # workers started together: one creates the tables
            return RDBStorage(url, **patient)
    except Exception as err:  # a bad URL, a server that does not answer, a driver that is not installed
        raise TriadError(
            f"hydra.sweeper.storage={spec}: cannot open the study's storage: {type(err).__name__}: {err}\n"
            f"  Storages: {STORAGES}. A database URL needs its server running and its driver installed "
            f"(postgresql: pip install psycopg2-binary; mysql: pip install pymysql)."
        ) from err


class Stopped:
    """A trial failed because its worker stopped: its run folder says so, and it runs again if retries allow."""

    def __init__(self, sweep_dir: Path, liveness: Liveness) -> None:
        self.sweep_dir, self.grace_period = sweep_dir, liveness.grace_period
        self.retry = RetryHeartbeatStaleTrialCallback(max_retry=liveness.retries) if liveness.retries else None

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Retry it (a new trial with its parameters), then write why in its folder (if this worker sees it)."""
        if self.retry is not None:
            self.retry(study, trial)
        again = [
            t.number
            for t in study.get_trials(deepcopy=False)
            if trial.number in t.system_attrs.get("retry_history", [])
        ]
        then = f"; it runs again as trial #{again[-1]}" if again else "; no retry is left (hydra.sweeper.retries)"
        log.warning(f"Trial #{trial.number}: its worker gave no heartbeat for {self.grace_period} s{then}")
        for folder in (f for f in trial_folders(self.sweep_dir, trial.number) if is_run(f)):
            with atomic_write(stopped_file(folder)) as handle:
                handle.write(
                    f"trial #{trial.number} stopped: its worker gave no heartbeat for {self.grace_period} s (killed, "
                    f"or its node lost){then}\n"
                )


class HeartbeatJournal(JournalStorage, BaseHeartbeat):
    """Optuna's journal file storage, with each trial's heartbeat kept as a trial attribute (its worker's clock)."""

    def __init__(
        self,
        path: Path,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
        heartbeat_stale_trial_callback: Callable[..., None] | None = None,
    ) -> None:
        super().__init__(JournalFileBackend(str(path)))
        self.heartbeat_interval, self.grace_period = heartbeat_interval, grace_period
        self.stale_callback = heartbeat_stale_trial_callback

    def record_heartbeat(self, trial_id: int) -> None:
        """Now is this trial's last sign of life."""
        self.set_trial_system_attr(trial_id, "heartbeat", time.time())

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        """The running trials whose last sign of life (heartbeat, or start) is older than the grace period."""
        grace = self.grace_period or 2 * (self.heartbeat_interval or 0)
        stale = []
        for trial in self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,)):
            if "heartbeat" not in trial.system_attrs:  # not run with heartbeats: nothing says it stopped
                continue
            started = trial.datetime_start.timestamp() if trial.datetime_start else 0.0  # a retry keeps the old beat
            if time.time() - max(trial.system_attrs["heartbeat"], started) > grace:
                stale.append(trial._trial_id)
        return stale

    def get_heartbeat_interval(self) -> int | None:
        """Seconds between two heartbeats; None: no heartbeats."""
        return self.heartbeat_interval

    def get_heartbeat_stale_trial_callback(self) -> Callable[..., None] | None:
        """What runs for each trial failed as stale (the retry)."""
        return self.stale_callback


@contextmanager
def heartbeats(storage: BaseStorage, trial_ids: list[int]) -> Iterator[None]:
    """While inside, a thread records a heartbeat of each trial every ``heartbeat_interval`` seconds."""
    interval = storage.get_heartbeat_interval() if isinstance(storage, BaseHeartbeat) else None
    if interval is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while True:
            for trial_id in trial_ids:
                try:
                    storage.record_heartbeat(trial_id)
                except Exception as err:  # a busy database, a finished trial: the next beat tries again
                    log.debug(f"Heartbeat of trial id {trial_id} not recorded: {err}")
            if stop.wait(interval):
                return

    thread = threading.Thread(target=beat, name="trial-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def counted(trials: list[optuna.trial.FrozenTrial]) -> int:
    """Trials that count towards ``n_trials``: finished or running, except failed ones that a retry replaced."""
    retried = {n for t in trials for n in t.system_attrs.get("retry_history", [])}
    return sum(
        1 for t in trials if t.number not in retried and (t.state.is_finished() or t.state == TrialState.RUNNING)
    )


def trial_id(storage: BaseStorage, study_name: str, number: int) -> int:
    """The storage's id of a study's trial number (what heartbeats and attributes are keyed by)."""
    return storage.get_trial_id_from_study_id_trial_number(storage.get_study_id_from_name(study_name), number)


def snake(class_name: str) -> str:
    """``SuccessiveHalvingPruner`` -> ``successive_halving``; ``NopPruner`` -> ``none``."""
    if class_name == "NopPruner":
        return "none"
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in class_name.removesuffix("Pruner")).lstrip("_")


def pruner(name: str, args: dict[str, Any] | None = None) -> optuna.pruners.BasePruner:
    """Optuna's pruner of that name, in snake case: ``median`` (``MedianPruner``), ``hyperband``, ``none``..."""
    classes = {snake(n): getattr(optuna.pruners, n) for n in dir(optuna.pruners) if n.endswith("Pruner")}
    classes.pop("base", None)
    if name not in classes:
        raise TriadError(
            f"hydra.sweeper.pruner={name}: Optuna has no such pruner. Pruners: {', '.join(sorted(classes))}."
        )
    try:
        return classes[name](**(args or {}))
    except TypeError as err:
        raise TriadError(f"hydra.sweeper.pruner={name} with pruner_args={dict(args or {})}: {err}") from err
