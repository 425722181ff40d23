"""Example inputs of every kind a backbone may take, and the backbones, built as a notebook builds them."""

from __future__ import annotations

import inspect
from typing import Any

import torch
from hydra.utils import get_object
from torch import nn

from schemas.store import options, target_of
from src.data.spec import DataSpec

LENGTH, CHANNELS, VOCAB = 12, 3, 11
SPECS = {
    "vector": DataSpec(in_shape=(16,), target_kind="integer", num_classes=2),
    "image": DataSpec(in_shape=(3, 8, 8), target_kind="integer", num_classes=2),
    "sequence": DataSpec(in_shape=(LENGTH, CHANNELS), inputs="sequence", target_kind="integer", num_classes=2),
    "tokens": DataSpec(in_shape=(LENGTH,), inputs="tokens", vocab_size=VOCAB, target_kind="integer", num_classes=2),
}
BACKBONES = list(options("backbone"))  # every registered option: a new backbone is tested without editing a test


def backbone_class(name: str) -> Any:
    """The class behind ``backbone=<name>``."""
    return get_object(str(target_of(options("backbone")[name])))


def build(name: str, spec: DataSpec, **settings: Any) -> nn.Module:
    """A backbone in one line, with its defaults, as the build makes it: in_shape from the spec, vocab_size (tokens)."""
    tokens = {"vocab_size": spec.vocab_size} if spec.inputs == "tokens" else {}
    return backbone_class(name)(in_shape=spec.in_shape, **tokens, **settings)


def example(spec: DataSpec, n: int, seed: int = 0) -> torch.Tensor:
    """A batch of ``n`` inputs of the kind ``spec`` describes."""
    g = torch.Generator().manual_seed(seed)
    if spec.inputs == "tokens":
        return torch.randint(int(spec.vocab_size), (n, *spec.in_shape), generator=g)
    return torch.randn(n, *spec.in_shape, generator=g)


def sequence_backbones() -> list[str]:
    """The backbone options that return features per position."""
    return [name for name in BACKBONES if backbone_class(name).features == "position"]


def variants() -> list[tuple[str, dict[str, bool]]]:
    """Each sequence backbone with its defaults, then once per other value of each of its boolean settings."""
    found: list[tuple[str, dict[str, bool]]] = []
    for name in sequence_backbones():
        found.append((name, {}))
        parameters = inspect.signature(backbone_class(name)).parameters.values()
        found += [(name, {p.name: not p.default}) for p in parameters if isinstance(p.default, bool)]
    return found
