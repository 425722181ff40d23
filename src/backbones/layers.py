"""Small building blocks shared by the backbones."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
}
NORMS: dict[str, Callable[[int], nn.Module]] = {
    "none": lambda _: nn.Identity(),
    "batch": nn.BatchNorm1d,
    "layer": nn.LayerNorm,
}


def choose(kind: str, name: str, options: dict[str, Callable]) -> Callable:
    """Look ``name`` up in ``options``, or fail with a message that lists the valid names."""
    if name not in options:
        raise ValueError(f"unknown {kind} {name!r}: choose one of {', '.join(options)}")
    return options[name]
