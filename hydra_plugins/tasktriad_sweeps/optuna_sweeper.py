"""OptunaSweeper: Hydra's Sweeper API on Optuna's ask-and-tell interface (``hydra/sweeper=tasktriad_optuna``).

Hydra imports this module whenever it scans its plugins, i.e. on every command, ``--help`` included; optuna is
imported only when a sweep runs (``hparams_search=...``), so nothing else pays for it. No ``from __future__ import
annotations``: Hydra's plugin scan executes this module outside ``sys.modules``, where a dataclass cannot resolve
string annotations.
"""

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, Override, RangeSweep
from hydra.core.plugins import Plugins
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

log = logging.getLogger(__name__)
DIRECTIONS = {"min": "minimize", "max": "maximize", "minimize": "minimize", "maximize": "maximize"}


def distribution(override: Override) -> "BaseDistribution | None":
    """Optuna's distribution for a sweep override; None for a fixed value."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    value = override.value()
    log_scale = "log" in getattr(value, "tags", set())
    if isinstance(value, ChoiceSweep):
        return CategoricalDistribution(list(value.list))
    if isinstance(value, RangeSweep):
        if all(isinstance(v, int) for v in (value.start, value.stop, value.step)):
            return IntDistribution(value.start, value.stop - 1, step=value.step)  # range's stop is exclusive
        return FloatDistribution(value.start, value.stop, step=value.step)
    if isinstance(value, IntervalSweep):
        if isinstance(value.start, int) and isinstance(value.end, int):
            return IntDistribution(value.start, value.end, log=log_scale)
        return FloatDistribution(float(value.start), float(value.end), log=log_scale)
    return None


@dataclass
class OptunaSweeperConf:
    """Ask-and-tell Optuna sweeper: TPE sampler, study in a SQLite file of the sweep dir."""

    _target_: str = "hydra_plugins.tasktriad_sweeps.optuna_sweeper.OptunaSweeper"
    direction: str = "minimize"  # minimize | maximize (min | max accepted: ${task.mode})
    n_trials: int = 20  # trials in the study in all: a re-run of the same sweep dir runs only the rest
    n_jobs: int = 1  # trials asked and launched together
    seed: int | None = None  # the TPE sampler's seed
    study_name: str = "tasktriad"
    storage: str | None = "sqlite:///${hydra.sweep.dir}/optuna.db"  # null: in memory
    params: dict[str, Any] = field(
        default_factory=dict
    )  # key: choice(...) | range(...) | interval(...) | tag(log, ...)


ConfigStore.instance().store(
    group="hydra/sweeper", name="tasktriad_optuna", node=OptunaSweeperConf, provider="tasktriad"
)


class OptunaSweeper(Sweeper):
    """Each trial: ask Optuna for values, launch a job with them as overrides, tell it the job's return value."""

    def __init__(
        self,
        direction: str,
        n_trials: int,
        n_jobs: int,
        seed: int | None,
        study_name: str,
        storage: str | None,
        params: dict[str, Any],
    ) -> None:
        self.direction, self.n_trials, self.n_jobs, self.seed = DIRECTIONS[direction], n_trials, n_jobs, seed
        self.study_name, self.storage, self.params = study_name, storage, dict(params)

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        """Keep the launcher that runs the trials' jobs."""
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> list[Any]:
        """Run trials until the study holds ``n_trials`` finished ones; returns the jobs' results."""
        import optuna

        parser = OverridesParser.create()
        overrides = parser.parse_overrides([*(f"{k}={v}" for k, v in self.params.items()), *arguments])
        space = {o.get_key_element(): d for o in overrides if (d := distribution(o)) is not None}
        fixed = [o.input_line for o in overrides if o.get_key_element() not in space]
        Path(self.config.hydra.sweep.dir).mkdir(parents=True, exist_ok=True)
        study = optuna.create_study(
            study_name=self.study_name, storage=self.storage, direction=self.direction, load_if_exists=True
        )
        # A continued study gets a sampler seeded past its earlier trials: re-seeded alike, it would propose them again.
        study.sampler = optuna.samplers.TPESampler(seed=None if self.seed is None else self.seed + len(study.trials))
        for stale in [t for t in study.trials if t.state == optuna.trial.TrialState.RUNNING]:
            study.tell(stale.number, state=optuna.trial.TrialState.FAIL)  # its sweep was killed: it never finished
            log.info(f"Trial #{stale.number} was left running by a stopped sweep: marked failed")
        done = [t for t in study.trials if t.state.is_finished()]
        log.info(f"Study {self.study_name!r} in {self.storage}: {len(done)} trial(s) done, {self.n_trials} wanted")
        results = []
        while (remaining := self.n_trials - len([t for t in study.trials if t.state.is_finished()])) > 0:
            trials = [study.ask(space) for _ in range(min(self.n_jobs, remaining))]
            batch = [[*fixed, *(f"{k}={v}" for k, v in t.params.items())] for t in trials]
            try:
                returns = self.launcher.launch(batch, initial_job_idx=len(study.trials) - len(trials))
            except BaseException:  # stopped (SIGTERM, Ctrl-C): these trials will never finish
                for trial in trials:
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
                raise
            for trial, ret in zip(trials, returns, strict=True):
                value = ret.return_value if ret.status.name == "COMPLETED" else None
                if isinstance(value, int | float) and math.isfinite(value):
                    study.tell(trial, float(value))
                else:  # a failed job returns None (its reason is in its failure.txt and the summary)
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
                results.append(ret)
        completed = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if completed:
            best = study.best_trial
            log.info(f"Best trial #{best.number}: {best.value} with {best.params}")
        else:
            log.error(f"Study {self.study_name!r}: no trial completed, so there is no best trial.")
        return results
