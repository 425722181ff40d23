"""The sweeper's config, selectable as ``hydra/sweeper=tasktriad_optuna``.

No ``from __future__ import annotations``: Hydra's plugin scan executes this module outside ``sys.modules``,
where dataclasses cannot resolve string annotations.
"""

from dataclasses import dataclass, field
from typing import Any, Optional

from hydra.core.config_store import ConfigStore


@dataclass
class OptunaSweeperConf:
    """Ask-and-tell Optuna sweeper: TPE sampler, study in a SQLite file of the sweep dir."""

    _target_: str = "hydra_plugins.tasktriad_optuna.sweeper.OptunaSweeper"
    direction: str = "minimize"  # minimize | maximize (min | max accepted: ${task.mode})
    n_trials: int = 20  # trials in the study in all: a re-run of the same sweep dir runs only the rest
    n_jobs: int = 1  # trials asked and launched together
    seed: Optional[int] = None  # noqa: UP045 (Hydra loads this module without future annotations)  # the TPE sampler's seed
    study_name: str = "tasktriad"
    storage: Optional[str] = "sqlite:///${hydra.sweep.dir}/optuna.db"  # noqa: UP045  null: in memory
    params: dict[str, Any] = field(
        default_factory=dict
    )  # key: choice(...) | range(...) | interval(...) | tag(log, ...)


ConfigStore.instance().store(
    group="hydra/sweeper", name="tasktriad_optuna", node=OptunaSweeperConf, provider="tasktriad"
)
