"""Backbones: shapes, any input shape, out_dim, and purity (plain PyTorch only)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hydra.utils import get_class, instantiate

from tests.helpers import ROOT, compose_cfg, options

BACKBONES = options("backbone")
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


def build(name: str, in_shape: tuple[int, ...], tmp_path: Path, *overrides: str) -> torch.nn.Module:
    cfg = compose_cfg("train", [f"backbone={name}", *overrides], tmp_path)
    return instantiate(cfg.backbone, in_shape=in_shape)


@pytest.mark.parametrize("name", BACKBONES)
@pytest.mark.parametrize("in_shape", [(16,), (3, 8, 8)], ids=["vector", "image"])
def test_features_have_shape_batch_by_out_dim(name: str, in_shape: tuple[int, ...], tmp_path: Path) -> None:
    target = get_class(compose_cfg("train", [f"backbone={name}"], tmp_path).backbone._target_)
    ranks = getattr(target, "input_ranks", None)  # None: any input shape (flattened)
    if ranks is not None and len(in_shape) not in ranks:
        with pytest.raises(Exception, match=f"the data gives {re.escape(str(in_shape))}"):
            build(name, in_shape, tmp_path)
        return
    net = build(name, in_shape, tmp_path)
    features = net(torch.randn(7, *in_shape))
    assert features.shape == (7, net.out_dim) and features.dtype == torch.float32
    assert torch.isfinite(features).all()


@pytest.mark.parametrize("name", BACKBONES)
def test_gradients_reach_every_parameter(name: str, tmp_path: Path) -> None:
    net = build(name, (1, 6, 6), tmp_path)
    net(torch.randn(5, 1, 6, 6)).square().sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())


@pytest.mark.parametrize("name", BACKBONES)
def test_bad_hyper_parameters_are_rejected(name: str, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="depth"):
        build(name, (1, 6, 6), tmp_path, "backbone.depth=0")


@pytest.mark.parametrize("activation", ["relu", "gelu", "silu", "tanh"])
@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_mlp_activation_and_norm_choices(activation: str, norm: str, tmp_path: Path) -> None:
    net = build("mlp", (6,), tmp_path, f"backbone.activation={activation}", f"backbone.norm={norm}")
    assert net(torch.randn(4, 6)).shape == (4, net.out_dim)


def test_mlp_unknown_activation_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="relu, gelu, silu, tanh"):
        build("mlp", (6,), tmp_path, "backbone.activation=swish")


@pytest.mark.parametrize("name", ["mlp", "resmlp"])
def test_width_sets_out_dim(name: str, tmp_path: Path) -> None:
    assert build(name, (10,), tmp_path, "backbone.width=24").out_dim == 24


def test_cnn_out_dim_follows_depth_and_channels(tmp_path: Path) -> None:
    net = build("cnn", (3, 16, 16), tmp_path, "backbone.depth=3", "backbone.channels=8")
    assert net.out_dim == 32 and net(torch.randn(2, 3, 16, 16)).shape == (2, 32)
    assert build("cnn", (8, 8), tmp_path)(torch.randn(2, 8, 8)).shape[0] == 2  # (H, W): one channel


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "backbones").glob("*.py")), ids=lambda p: p.name)
def test_backbone_sources_import_only_torch_and_einops(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
    bad = [m for m in imported if m.startswith(FORBIDDEN)]
    assert not bad, f"{path.name} imports {bad}"


def test_importing_the_backbones_loads_no_framework_module() -> None:
    frameworks = ("lightning", "pytorch_lightning", "hydra", "omegaconf")
    code = (
        "import sys, src.backbones.mlp, src.backbones.resmlp;"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {frameworks} or m.startswith(('src.tasks', 'src.data'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
