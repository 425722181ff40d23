"""OptunaSweeper: Hydra's Sweeper API on Optuna's ask-and-tell interface (``hydra/sweeper=tasktriad_optuna``).

Any number of sweep processes (workers) pointed at one study run it together: each asks the study for a trial,
runs it as a job in the folder named by the trial's number, and tells the result. Workers see each other only
through the study's storage (``src/runs/study.py``), so they may run on one machine or on many (SLURM array jobs).

Hydra imports this module whenever it scans its plugins, i.e. on every command, ``--help`` included; optuna is
imported only when a sweep runs (``hparams_search=...``), so nothing else pays for it. No ``from __future__ import
annotations``: Hydra's plugin scan executes this module outside ``sys.modules``, where a dataclass cannot resolve
string annotations.
"""

import logging
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from hydra_plugins.tasktriad_sweeps.space import distribution, sampler, suggest

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution
    from optuna.storages import BaseStorage

log = logging.getLogger(__name__)
DIRECTIONS = {"min": "minimize", "max": "maximize", "minimize": "minimize", "maximize": "maximize"}


@dataclass
class OptunaSweeperConf:
    """Ask-and-tell Optuna sweeper: a study shared by every worker pointed at it, optional pruning and repeats."""

    _target_: str = "hydra_plugins.tasktriad_sweeps.optuna_sweeper.OptunaSweeper"
    direction: str = "minimize"  # minimize | maximize (min | max accepted: ${task.mode})
    n_trials: int = 20  # trials in the study in all, over every worker: a re-run of the same study runs only the rest
    n_jobs: int = 1  # trials a worker asks for and launches together
    sampler: str = "tpe"  # tpe | random | grid (every point of the choice(...) params once; n_trials: their product)
    seed: int | None = None  # the sampler's seed (trial n samples with seed + n)
    study_name: str = "tasktriad"
    # Where every worker finds the study: sqlite (<sweep dir>/optuna.db) | journal (<sweep dir>/optuna.journal) |
    # journal:<file> | an SQLAlchemy URL (postgresql://user@host/db)
    storage: str = "sqlite"
    pruner: str = "none"  # none | median | hyperband | ... (any of Optuna's pruners, in snake case)
    pruner_args: dict[str, Any] = field(default_factory=dict)  # the pruner's arguments (n_startup_trials: 5, ...)
    heartbeat_interval: int = 30  # seconds between two heartbeats of a worker's running trials
    grace_period: int = 120  # seconds without a heartbeat before a trial counts as stopped (its worker died)
    retries: int = 1  # times a stopped trial is run again, as a new trial with its parameters
    seeds: list[int] = field(default_factory=list)  # repeats: each trial runs once per seed, its value is the mean
    params: dict[str, Any] = field(
        default_factory=dict
    )  # key: choice(...) | range(...) | interval(...) | tag(log, ...)


ConfigStore.instance().store(
    group="hydra/sweeper", name="tasktriad_optuna", node=OptunaSweeperConf, provider="tasktriad"
)


class OptunaSweeper(Sweeper):
    """Each trial: ask Optuna for values, launch a job with them as overrides, tell it the job's return value."""

    def __init__(self, **settings: Any) -> None:
        conf = OptunaSweeperConf(**settings)
        self.direction, self.n_trials, self.n_jobs, self.seed = (
            DIRECTIONS[conf.direction],
            conf.n_trials,
            conf.n_jobs,
            conf.seed,
        )
        self.conf = conf

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        """Keep the launcher that runs the trials' jobs."""
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def study(self, storage: "BaseStorage", pruner: "optuna.pruners.BasePruner") -> "optuna.Study":
        """The study, created by the first worker and loaded by the others; one message if its direction differs."""
        import optuna

        from src.errors import TriadError

        study = optuna.create_study(
            study_name=self.conf.study_name,
            storage=storage,
            direction=self.direction,
            load_if_exists=True,
            pruner=pruner,
        )
        if study.direction.name.lower() != self.direction:
            raise TriadError(
                f"study {self.conf.study_name!r} in hydra.sweeper.storage={self.conf.storage} was made to "
                f"{study.direction.name.lower()}, and this sweep would {self.direction} it.\n"
                f"  Name another study (hydra.sweeper.study_name=...) or sweep dir, or sweep in its direction."
            )
        return study

    def sweep(self, arguments: list[str]) -> list[Any]:
        """Run trials until the study holds ``n_trials`` finished ones; returns this worker's jobs' results."""
        from optuna.storages import fail_stale_trials
        from optuna.trial import TrialState

        from src.runs.folder import atomic_write
        from src.runs.study import Liveness, counted, open_storage, pruner

        parser = OverridesParser.create()
        overrides = parser.parse_overrides([*(f"{k}={v}" for k, v in self.conf.params.items()), *arguments])
        space = {o.get_key_element(): d for o in overrides if (d := distribution(o)) is not None}
        fixed = [o.input_line for o in overrides if o.get_key_element() not in space]
        sweep_dir = Path(self.config.hydra.sweep.dir)
        chosen = pruner(self.conf.pruner, dict(self.conf.pruner_args))  # a bad name: before anything is written
        sampler(self.conf.sampler, space, self.seed)
        liveness = Liveness(self.conf.heartbeat_interval, self.conf.grace_period, self.conf.retries)
        storage = open_storage(self.conf.storage, sweep_dir, liveness)
        study = self.study(storage, chosen)
        with atomic_write(sweep_dir / "multirun.yaml", new=True) as handle:  # as Hydra's sweeper: the sweep's config
            handle.write(OmegaConf.to_yaml(self.config))
        trials = study.get_trials(deepcopy=False)
        log.info(
            f"Study {self.conf.study_name!r} ({self.conf.storage}): {counted(trials)} trial(s) done or running, "
            f"{self.n_trials} wanted"
        )
        results: list[Any] = []
        waiting_on: list[int] = []
        while True:
            fail_stale_trials(study)  # trials whose worker stopped: failed, and retried if allowed
            trials = study.get_trials(deepcopy=False)
            free = self.n_trials - counted(trials)
            if free > 0:
                asked = [self.ask(study, storage, space) for _ in range(min(self.n_jobs, free))]
                results += self.run(study, storage, asked, fixed, sweep_dir)
                continue
            running = [t.number for t in trials if t.state == TrialState.RUNNING]
            if not running:
                break
            if running != waiting_on:
                log.info(f"Waiting for trial(s) {running} of other workers (or of a stopped one) to finish")
                waiting_on = running
            time.sleep(min(self.conf.heartbeat_interval, 10))
        self.report_best(study)
        return results

    def ask(
        self, study: "optuna.Study", storage: "BaseStorage", space: dict[str, "BaseDistribution"]
    ) -> "optuna.trial.Trial":
        """A new trial (or a stopped one's retry), sampled with ``seed + its number``: workers never sample alike.

        A grid sampler picks its point as the trial is made (an unvisited one: two workers asking at the same instant
        may both take the last), so it is set before.
        """
        import optuna

        from src.runs.study import trial_id

        seed = lambda n: None if self.seed is None else self.seed + n  # noqa: E731
        if self.conf.sampler == "grid":  # one seed for every worker: it orders the grid's points, the same for all
            study.sampler = sampler("grid", space, self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Heartbeat ... to be used with Study.optimize": we beat ourselves
            trial = study.ask()
        if self.conf.sampler != "grid":
            study.sampler = sampler(self.conf.sampler, space, seed(trial.number))
        for name, dist in space.items():
            suggest(trial, name, dist)
        if self.conf.sampler == "grid":  # told a result, a grid sampler stops the study when it is done: allowed only
            study.sampler = optuna.samplers.RandomSampler()  # inside study.optimize (the next ask seeds a grid again)
        attrs = storage.get_trial_system_attrs(trial_id(storage, study.study_name, trial.number))
        if "failed_trial" in attrs:
            log.info(f"Trial #{trial.number} runs trial #{attrs['failed_trial']} again: its worker stopped")
        return trial

    def run(
        self, study: "optuna.Study", storage: "BaseStorage", trials: list[Any], fixed: list[str], sweep_dir: Path
    ) -> list[Any]:
        """Launch the trials' jobs (each in the folder of its number), with heartbeats; tell the study each result.

        With ``seeds``, a trial is a job per seed (folders ``<number>_seed<seed>``), and its value their mean: a trial
        with a failed repeat fails; one whose repeats were pruned is pruned.
        """
        from optuna.trial import TrialState

        from src.errors import TriadError
        from src.runs.folder import is_run
        from src.runs.study import heartbeats, trial_id
        from src.runs.trial import TRIAL_ENV, folder_name

        ids = [trial_id(storage, study.study_name, t.number) for t in trials]
        seeds = list(self.conf.seeds) or [None]  # repeats: each trial's jobs, one per seed
        jobs = [(t, seed, folder_name(t.number, seed)) for t in trials for seed in seeds]
        taken = [name for _, _, name in jobs if is_run(sweep_dir / name)]
        if taken:
            for each in trials:
                study.tell(each, state=TrialState.FAIL)
            raise TriadError(
                f"{sweep_dir / taken[0]} already holds a run, not of study {study.study_name!r}'s trial: two studies "
                f"share this sweep dir. Give each its own hydra.sweep.dir."
            )
        batch = [
            [
                *fixed,
                *(f"{k}={v}" for k, v in t.params.items()),
                *([f"seed={seed}"] if seed is not None else []),
                f"hydra.sweep.subdir={name}",
                f"++hydra.job.env_set.{TRIAL_ENV}={t.number}",
            ]
            for t, seed, name in jobs
        ]
        try:
            with heartbeats(storage, ids):
                returns = self.launcher.launch(batch, initial_job_idx=trials[0].number)
        except BaseException:  # stopped (SIGTERM, Ctrl-C): these trials will never finish
            for trial in trials:
                self.tell(study, trial, state=TrialState.FAIL)
            raise
        for index, (trial, stored) in enumerate(zip(trials, ids, strict=True)):
            repeats = returns[index * len(seeds) : (index + 1) * len(seeds)]
            values = [r.return_value if r.status.name == "COMPLETED" else None for r in repeats]
            if "pruned_after_epochs" in storage.get_trial(stored).user_attrs:
                self.tell(study, trial, state=TrialState.PRUNED)
            elif all(isinstance(v, int | float) and math.isfinite(v) for v in values):
                self.tell(study, trial, values=sum(values) / len(values))  # over the seeds, if repeated
            else:  # a failed job returns None (its reason is in its failure.txt and the summary)
                self.tell(study, trial, state=TrialState.FAIL)
        return list(returns)

    def tell(self, study: "optuna.Study", trial: Any, **result: Any) -> None:
        """Tell the study a trial's result, unless another worker has failed it meanwhile (no heartbeat in time)."""
        from optuna.exceptions import UpdateFinishedTrialError

        try:
            study.tell(trial, **result)
        except (UpdateFinishedTrialError, ValueError) as err:
            log.warning(f"Trial #{trial.number}: its result was not recorded in the study ({err})")

    def report_best(self, study: "optuna.Study") -> None:
        """Log the study's best trial, or that none completed."""
        from optuna.trial import TrialState

        if any(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False)):
            best = study.best_trial
            log.info(f"Best trial #{best.number}: {best.value} with {best.params}")
        else:
            log.error(f"Study {self.conf.study_name!r}: no trial completed, so there is no best trial.")
