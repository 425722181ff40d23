"""What every backbone class declares about itself: the build checks it against the data before building one."""

from __future__ import annotations

from typing import ClassVar, Protocol

from torch import Tensor


class Backbone(Protocol):
    """A backbone: a plain ``nn.Module`` from inputs of the data's shape (and their padding mask) to features.

    The class attributes say what it takes and returns, so that an impossible pairing with the data stops before
    anything is built; the constructor takes ``in_shape`` (and, for token inputs, ``vocab_size``) from the data,
    its own hyper-parameters with their defaults, and sets ``out_dim``. A backbone with features per position also
    sets ``causal``: whether each position sees only itself and earlier ones (the tests hold it to that). A class may
    also declare ``input_ranks``, the ranks of ``in_shape`` it takes (the cnn: (H, W) or (C, H, W)), and
    ``attention_bytes(length, batch_size, padded)``, the bytes of what grows faster than the sequence (the
    transformer's (L, L) masks): a run that would need more than the machine's memory stops before it starts.
    """

    inputs: ClassVar[tuple[str, ...]]  # the DataSpec input kinds it takes: real | sequence | tokens
    variable_length: ClassVar[bool]  # True only if padding (the mask) changes none of its outputs at real positions
    features: ClassVar[str]  # sample: (B, out_dim) | position: (B, L, out_dim)
    out_dim: int  # features per sample or per position: the size of what the task's decoder reads

    def __call__(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, *in_shape) inputs and their (B, L) padding mask (None: no padding) -> features."""


INPUT_KINDS = ("real", "sequence", "tokens")
LEVELS = ("sample", "position")


def undeclared(cls: type) -> list[str]:
    """What ``cls`` does not declare, or declares wrongly, of the class attributes the Backbone protocol asks for."""
    missing = [name for name, hint in Backbone.__annotations__.items() if "ClassVar" in str(hint)]
    problems = [f"{name} (not set)" for name in missing if not hasattr(cls, name)]
    if hasattr(cls, "inputs") and not (cls.inputs and set(cls.inputs) <= set(INPUT_KINDS)):
        problems.append(f"inputs={cls.inputs!r} (a tuple of {', '.join(INPUT_KINDS)})")
    if hasattr(cls, "features") and cls.features not in LEVELS:
        problems.append(f"features={cls.features!r} (sample or position)")
    return problems
