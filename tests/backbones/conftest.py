"""Example inputs of every kind a backbone may take, and the backbone variants the config folder offers."""

from __future__ import annotations

from pathlib import Path

import torch
from hydra.utils import get_class, instantiate
from torch import nn

from src.data.spec import DataSpec
from tests.helpers import compose_cfg, options

LENGTH, CHANNELS, VOCAB = 12, 3, 11
SPECS = {
    "vector": DataSpec(in_shape=(16,), target_kind="integer", num_classes=2),
    "image": DataSpec(in_shape=(3, 8, 8), target_kind="integer", num_classes=2),
    "sequence": DataSpec(in_shape=(LENGTH, CHANNELS), inputs="sequence", target_kind="integer", num_classes=2),
    "tokens": DataSpec(in_shape=(LENGTH,), inputs="tokens", vocab_size=VOCAB, target_kind="integer", num_classes=2),
}


def backbone_class(name: str, tmp_path: Path) -> type:
    return get_class(compose_cfg("train", [f"backbone={name}"], tmp_path).backbone._target_)


def build(name: str, spec: DataSpec, tmp_path: Path, *overrides: str) -> nn.Module:
    """Instantiate a backbone as src.build does: in_shape from the spec, vocab_size for tokens only."""
    cfg = compose_cfg("train", [f"backbone={name}", *overrides], tmp_path)
    tokens = {"vocab_size": spec.vocab_size} if spec.inputs == "tokens" else {}
    return instantiate(cfg.backbone, in_shape=spec.in_shape, **tokens)


def example(spec: DataSpec, n: int, seed: int = 0) -> torch.Tensor:
    """A batch of ``n`` inputs of the kind ``spec`` describes."""
    g = torch.Generator().manual_seed(seed)
    if spec.inputs == "tokens":
        return torch.randint(int(spec.vocab_size), (n, *spec.in_shape), generator=g)
    return torch.randn(n, *spec.in_shape, generator=g)


def sequence_backbones() -> list[str]:
    """The backbone options that return features per position."""
    return [name for name in options("backbone") if backbone_class(name, Path("/tmp")).features == "position"]


def variants() -> list[tuple[str, tuple[str, ...]]]:
    """Each sequence backbone as configured, then once per other value of each of its boolean options (causal...)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for name in sequence_backbones():
        found.append((name, ()))
        config = compose_cfg("train", [f"backbone={name}"], Path("/tmp")).backbone
        found += [(name, (f"backbone.{key}={not value}",)) for key, value in config.items() if isinstance(value, bool)]
    return found
