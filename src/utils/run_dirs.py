"""What a finished run folder holds, for the code that reads old runs: resume, sweep summaries, transfer presets.

Only the standard library and OmegaConf: the sweep callback and the config resolvers import this before torch.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf


def overrides_file(run: Path) -> Path:
    """Where Hydra wrote the overrides a run was started with."""
    return run / ".hydra" / "overrides.yaml"


def overrides(run: Path) -> list[str]:
    """The command-line overrides a run was started with; none for a folder that is not a run."""
    path = overrides_file(run)
    return [str(o) for o in OmegaConf.load(path)] if path.is_file() else []
