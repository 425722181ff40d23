"""A job's own Optuna trial: the sweeper names it in the job's environment, the job reports to it each epoch.

Through the study's storage, so that a trial run in another process or on another machine (submitit) reports its
validation metric, and the study's pruner can stop it there (``src.callbacks.ReportToTrial``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna

TRIAL_ENV = "TASKTRIAD_TRIAL"  # the job's trial number, set by the sweeper through hydra.job.env_set


@dataclass(frozen=True)
class JobTrial:
    """The Optuna trial a job of a sweep runs: its number, and where its study lives (empty in a DDP child)."""

    number: int
    storage: str = ""
    study_name: str = ""
    sweep_dir: Path = Path(".")
    pruner: str = "none"
    pruner_args: dict[str, Any] = field(default_factory=dict)

    def open(self) -> optuna.trial.Trial:
        """The live trial, with the study's pruner."""
        import optuna

        from src.runs.study import open_storage, pruner, trial_id

        storage = open_storage(self.storage, self.sweep_dir)
        study = optuna.load_study(
            study_name=self.study_name, storage=storage, pruner=pruner(self.pruner, self.pruner_args)
        )
        return optuna.trial.Trial(study, trial_id(storage, self.study_name, self.number))


def job_trial() -> JobTrial | None:
    """The job's trial, if the sweeper that launched it named one; its study as the job's Hydra config says."""
    if TRIAL_ENV not in os.environ:
        return None
    from hydra.core.hydra_config import HydraConfig

    number = int(os.environ[TRIAL_ENV])
    sweeper = HydraConfig.get().sweeper if HydraConfig.initialized() else {}
    if "study_name" not in sweeper:
        return JobTrial(number)  # a DDP child, launched as a single run: rank 0 speaks to the study
    return JobTrial(
        number,
        str(sweeper.storage),
        str(sweeper.study_name),
        Path(HydraConfig.get().sweep.dir),
        str(sweeper.get("pruner", "none")),
        dict(sweeper.get("pruner_args") or {}),
    )


def folder_name(number: int, seed: int | None = None) -> str:
    """A trial's job folder in the sweep dir: its number; with repeats, one per seed (``3_seed1``)."""
    return str(number) if seed is None else f"{number}_seed{seed}"


def trial_folders(sweep_dir: Path, number: int) -> list[Path]:
    """The job folders of a trial (one, or one per seed)."""
    return [p for p in [sweep_dir / str(number), *sorted(sweep_dir.glob(f"{number}_seed*"))] if p.is_dir()]
