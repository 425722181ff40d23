"""Where a run keeps each file, and what it was started with: the one map of a run folder.

Only the standard library and OmegaConf: the config resolvers and the sweep callback import this before torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from omegaconf import OmegaConf

RUN_PATTERNS = ("runs/*", "multiruns/*/*")  # below logs/<job_name>/: a single run, a job of a sweep


def overrides_file(run: Path) -> Path:
    """Where Hydra wrote the overrides a run was started with."""
    return run / ".hydra" / "overrides.yaml"


def overrides(run: Path) -> list[str]:
    """The command-line overrides a run was started with; none for a folder that is not a run."""
    path = overrides_file(run)
    return [str(o) for o in OmegaConf.load(path)] if path.is_file() else []


def config_file(run: Path) -> Path:
    """Where Hydra wrote the run's composed config (unresolved)."""
    return run / ".hydra" / "config.yaml"


def is_run(path: Path) -> bool:
    """Whether ``path`` is a run folder (Hydra wrote its overrides there)."""
    return overrides_file(path).is_file()


def metrics_file(run: Path) -> Path:
    """The run's metrics.csv, written by the CSV logger (``logger=csv``)."""
    return run / "metrics.csv"


def failure_file(run: Path) -> Path:
    """Why a job of a sweep failed (one message); absent when it did not."""
    return run / "failure.txt"


def checkpoint_file(run: Path, name: str) -> Path:
    """``checkpoints/<name>.ckpt`` of the run: ``best`` (by task.monitor) or ``last``."""
    return run / "checkpoints" / f"{name}.ckpt"


def runs_below(job_log_dir: Path) -> Iterator[Path]:
    """Every run folder below ``logs/<job_name>``: single runs and the jobs of sweeps."""
    for pattern in RUN_PATTERNS:
        yield from (path for path in job_log_dir.glob(pattern) if is_run(path))
