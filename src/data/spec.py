"""The data's description that every other piece is wired from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TargetKind = Literal["integer", "continuous"]
"""``integer``: class labels 0..num_classes-1. ``continuous``: real vectors of size target_dim."""


@dataclass(frozen=True)
class DataSpec:
    """Input shape and target description published by every DataModule and sampler."""

    in_shape: tuple[int, ...]
    target_kind: TargetKind
    num_classes: int | None = None  # integer targets
    target_dim: int | None = None  # continuous targets
    # Training-split statistics of continuous targets, when the data computed them: the task standardises
    # its targets with them, so that a loss on raw values (say, in the hundreds) stays well conditioned.
    target_mean: tuple[float, ...] | None = None
    target_std: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.target_kind == "integer" and not (self.num_classes and self.num_classes >= 2):
            raise ValueError(f"integer targets need num_classes >= 2, got {self.num_classes}")
        if self.target_kind == "continuous" and not (self.target_dim and self.target_dim >= 1):
            raise ValueError(f"continuous targets need target_dim >= 1, got {self.target_dim}")

    def describe(self) -> str:
        """One phrase for messages, e.g. ``integer targets (5 classes)``."""
        if self.target_kind == "integer":
            return f"integer targets ({self.num_classes} classes)"
        return f"continuous targets (target_dim={self.target_dim})"
