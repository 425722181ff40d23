"""Backbones: what each takes and returns, padding and causality, and purity (plain PyTorch only)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from src.backbones.cnn import CNN
from src.backbones.gru import GRU
from src.backbones.hyena import Hyena
from src.backbones.mlp import MLP
from src.backbones.resmlp import ResMLP
from src.backbones.tcn import TCN
from src.backbones.traits import undeclared
from src.backbones.transformer import Transformer
from src.build.compatibility import check_backbone
from src.errors import IncompatibleDataError
from tests.backbones.conftest import BACKBONES, LENGTH, SPECS, backbone_class, build, example, variants
from tests.helpers import ROOT

VARIANTS = variants()
FORBIDDEN = (
    "lightning",
    "pytorch_lightning",
    "hydra",
    "omegaconf",
    "src.tasks",
    "src.data",
    "src.build",
    "src.cli",
    "src.runs",
    "schemas",
)
KIND_OF = {"vector": "real", "image": "real", "sequence": "sequence", "tokens": "tokens"}


def variant_id(variant: tuple[str, dict[str, bool]]) -> str:
    return "+".join([variant[0], *(f"{key}={value}" for key, value in variant[1].items())])


@pytest.mark.parametrize("name", BACKBONES)
@pytest.mark.parametrize("example_kind", list(SPECS))
def test_features_per_sample_or_per_position_on_every_input_it_takes(name: str, example_kind: str) -> None:
    spec, cls = SPECS[example_kind], backbone_class(name)
    if KIND_OF[example_kind] not in cls.inputs:  # the build stops first, naming what the backbone takes
        with pytest.raises(IncompatibleDataError, match="Backbones that fit this data"):
            check_backbone(cls, spec)
        return
    ranks = getattr(cls, "input_ranks", None)  # the cnn: images only
    if ranks is not None and len(spec.in_shape) not in ranks:
        with pytest.raises(Exception, match="the data gives"):
            build(name, spec)
        return
    net = build(name, spec)
    features = net(example(spec, 7))
    expected = (7, net.out_dim) if cls.features == "sample" else (7, LENGTH, net.out_dim)
    assert features.shape == expected and features.dtype == torch.float32
    assert torch.isfinite(features).all()


@pytest.mark.parametrize("name", BACKBONES)
def test_gradients_reach_every_parameter(name: str) -> None:
    cls = backbone_class(name)
    spec = SPECS["image"] if "real" in cls.inputs else SPECS["tokens"]
    net = build(name, spec)
    net(example(spec, 5)).square().sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())


@pytest.mark.parametrize("name", BACKBONES)
def test_a_backbone_declares_its_traits_and_builds_in_one_line_with_its_defaults(name: str) -> None:
    cls = backbone_class(name)
    assert not undeclared(cls), undeclared(cls)  # the Backbone protocol: inputs, variable_length, features
    spec = SPECS["image"] if "real" in cls.inputs else SPECS["tokens"]
    net = build(name, spec)  # no config: the class's own defaults
    assert isinstance(net.out_dim, int) and net.out_dim > 0
    if cls.features == "position":
        assert isinstance(net.causal, bool)  # what the causality test below holds it to


@pytest.mark.parametrize(
    ("cls", "settings", "named"),
    [
        (MLP, {"depth": 0}, "depth"),
        (ResMLP, {"expansion": 0}, "expansion"),
        (CNN, {"channels": 0}, "channels"),
        (Transformer, {"width": 30, "heads": 4}, "divisible by heads"),
        (GRU, {"width": 5, "bidirectional": True}, "even if bidirectional"),
        (TCN, {"kernel_size": 1}, "kernel_size >= 2"),
        (Hyena, {"order": 0}, "order"),
        (MLP, {"activation": "swish"}, "relu, gelu, silu, tanh"),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_the_shipped_backbones_refuse_impossible_settings_naming_them(cls: type, settings: dict, named: str) -> None:
    spec = SPECS["image"] if "real" in cls.inputs else SPECS["sequence"]
    with pytest.raises(ValueError, match=named):
        cls(in_shape=spec.in_shape, **settings)


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@pytest.mark.parametrize("example_kind", ["sequence", "tokens"])
def test_padding_changes_no_output_at_a_real_position(variant: tuple[str, dict[str, bool]], example_kind: str) -> None:
    """A padded batch, with garbage in the padding, against each sequence run alone at its own length."""
    name, settings = variant
    spec = SPECS[example_kind]
    net = build(name, spec, **settings).eval()
    x = example(spec, 3)
    lengths = [LENGTH, 7, 4]
    mask = torch.arange(LENGTH)[None, :] < torch.tensor(lengths)[:, None]  # (3, L)
    padded = net(x, mask)
    for i, length in enumerate(lengths):
        alone = net(x[i : i + 1, :length])  # no padding at all
        assert torch.allclose(padded[i, :length], alone[0], atol=1e-5), f"sample {i} (length {length})"


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_a_causal_backbone_ignores_later_tokens_and_a_bidirectional_one_reads_them(
    variant: tuple[str, dict[str, bool]],
) -> None:
    name, settings = variant
    spec = SPECS["tokens"]
    net = build(name, spec, **settings).eval()
    x = example(spec, 2)
    changed = x.clone()
    changed[:, 8:] = (changed[:, 8:] + 1) % spec.vocab_size  # every token from position 8 on
    before, after = net(x), net(changed)
    earlier_moved = not torch.allclose(before[:, :8], after[:, :8], atol=1e-6)
    assert earlier_moved != net.causal, f"causal={net.causal}, but earlier outputs moved: {earlier_moved}"
    assert not torch.allclose(before[:, 8:], after[:, 8:], atol=1e-6)  # the change itself is seen


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "backbones").glob("*.py")), ids=lambda p: p.name)
def test_backbone_sources_import_only_torch_and_einops(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
    bad = [m for m in imported if m.startswith(FORBIDDEN)]
    assert not bad, f"{path.name} imports {bad}"


def test_importing_the_backbones_loads_no_framework_module() -> None:
    frameworks = ("lightning", "pytorch_lightning", "hydra", "omegaconf")
    modules = ", ".join(f"src.backbones.{p.stem}" for p in (ROOT / "src" / "backbones").glob("[!_]*.py"))
    code = (
        f"import sys, {modules};"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {frameworks} or m.startswith(('src.tasks', 'src.data'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
