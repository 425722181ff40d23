"""The data's description that every other piece is wired from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from src.errors import IncompatibleDataError

TargetKind = Literal["integer", "continuous"]
"""``integer``: class labels 0..num_classes-1. ``continuous``: real vectors of size target_dim."""
InputKind = Literal["real", "sequence", "tokens"]
"""``real``: a fixed-shape real tensor (a vector or an image). ``sequence``: real values of shape (length, channels).
``tokens``: integer ids of shape (length,) below ``vocab_size``."""
Level = Literal["sample", "position"]
"""``sample``: one target per sample. ``position``: one target per position of a sequence."""


@dataclass(frozen=True)
class Target:
    """A further named target of the data (``DataSpec.more_targets``): its kind, its size and its level."""

    name: str
    kind: TargetKind
    num_classes: int | None = None  # integer targets
    target_dim: int | None = None  # continuous targets
    level: Level = "sample"
    mean: tuple[float, ...] | None = None  # continuous targets: their statistics, when the data knows them
    std: tuple[float, ...] | None = None


@dataclass(frozen=True)
class DataSpec:
    """Input and target description published by every DataModule and sampler.

    For sequences ``in_shape`` is ``(length, channels)`` (real values) or ``(length,)`` (tokens); with
    ``variable_length`` the length is the longest one, shorter sequences are padded at the end, and batches carry
    a padding mask. Position-level targets are ``(length,)`` per sample (``(length, target_dim)`` if continuous);
    a batch's ``target_mask`` says which positions count.

    Data may publish several targets: the fields above describe the first, named ``target_name``, which a run of
    one task learns; ``more_targets`` describe the others, which a batch carries in ``Batch.targets``. A head of
    ``task=multi`` learns any of them: ``target(name)`` is the spec as that head sees it.
    """

    in_shape: tuple[int, ...]
    target_kind: TargetKind
    num_classes: int | None = None  # integer targets
    target_dim: int | None = None  # continuous targets
    # Training-split statistics of continuous targets, when the data computed them: the task standardises
    # its targets with them, so that a loss on raw values (say, in the hundreds) stays well conditioned.
    target_mean: tuple[float, ...] | None = None
    target_std: tuple[float, ...] | None = None
    inputs: InputKind = "real"
    vocab_size: int | None = None  # token inputs: ids are 0..vocab_size-1
    variable_length: bool = False  # sequences: lengths differ, batches carry a padding mask
    target_level: Level = "sample"
    target_name: str = "target"  # the first target's name (a head of task=multi learns it by this name)
    more_targets: tuple[Target, ...] = ()  # further named targets, carried by name in Batch.targets

    def __post_init__(self) -> None:
        if self.target_kind == "integer" and not (self.num_classes and self.num_classes >= 2):
            raise ValueError(f"integer targets need num_classes >= 2, got {self.num_classes}")
        if self.target_kind == "continuous" and not (self.target_dim and self.target_dim >= 1):
            raise ValueError(f"continuous targets need target_dim >= 1, got {self.target_dim}")
        if (self.inputs == "tokens") != bool(self.vocab_size):
            raise ValueError(f"token inputs, and only they, need vocab_size >= 1; got {self.inputs}, {self.vocab_size}")
        expected_rank = {"sequence": 2, "tokens": 1}.get(self.inputs)
        if expected_rank is not None and len(self.in_shape) != expected_rank:
            raise ValueError(f"{self.inputs} inputs need in_shape of rank {expected_rank}, got {self.in_shape}")
        if self.inputs == "real" and (self.variable_length or self.target_level == "position"):
            raise ValueError("variable lengths and position-level targets need sequence or token inputs")
        if len(set(self.target_names)) != len(self.target_names):
            raise ValueError(f"target names must differ, got {self.target_names}")
        for more in self.more_targets:
            self.target(more.name)  # each is checked as a spec of its own

    @property
    def target_names(self) -> tuple[str, ...]:
        """Every target the data publishes, its first one first."""
        return (self.target_name, *(t.name for t in self.more_targets))

    def target(self, name: str) -> DataSpec:
        """The spec of one target alone: what a head learning ``name`` is built for."""
        if name == self.target_name:
            return replace(self, more_targets=()) if self.more_targets else self
        more = next((t for t in self.more_targets if t.name == name), None)
        if more is None:
            raise IncompatibleDataError(f"the data has no target {name!r}; its targets: {', '.join(self.target_names)}")
        return replace(
            self,
            target_name=name,
            target_kind=more.kind,
            num_classes=more.num_classes,
            target_dim=more.target_dim,
            target_level=more.level,
            target_mean=more.mean,
            target_std=more.std,
            more_targets=(),
        )

    @property
    def length(self) -> int | None:
        """The (longest) sequence length, or None for non-sequence inputs."""
        return self.in_shape[0] if self.inputs != "real" else None

    def describe(self) -> str:
        """One phrase for messages, e.g. ``integer targets (5 classes)``."""
        if self.target_kind == "integer":
            targets = f"integer targets ({self.num_classes} classes)"
        else:
            targets = f"continuous targets (target_dim={self.target_dim})"
        return targets if self.target_level == "sample" else f"{targets} per position"

    def describe_targets(self) -> str:
        """Every target by name, e.g. ``state: integer targets (5 classes) per position; mean: ...``."""
        return "; ".join(f"{name}: {self.target(name).describe()}" for name in self.target_names)

    def describe_inputs(self) -> str:
        """One phrase for messages, e.g. ``token sequences (vocabulary 64, length up to 64)``."""
        length = f"length {'up to ' if self.variable_length else ''}{self.length}"
        if self.inputs == "tokens":
            return f"token sequences (vocabulary {self.vocab_size}, {length})"
        if self.inputs == "sequence":
            channels = self.in_shape[1]
            return f"real sequences ({length}, {channels} channel{'s' if channels != 1 else ''})"
        return f"real inputs of shape {self.in_shape}"
