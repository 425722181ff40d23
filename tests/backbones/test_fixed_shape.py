"""The fixed-shape backbones' own options: mlp, resmlp, cnn."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from src.data.spec import DataSpec
from tests.backbones.conftest import build


def on_shape(name: str, in_shape: tuple[int, ...], tmp_path: Path, *overrides: str) -> nn.Module:
    return build(name, DataSpec(in_shape=in_shape, target_kind="integer", num_classes=2), tmp_path, *overrides)


@pytest.mark.parametrize("activation", ["relu", "gelu", "silu", "tanh"])
@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_mlp_activation_and_norm_choices(activation: str, norm: str, tmp_path: Path) -> None:
    net = on_shape("mlp", (6,), tmp_path, f"backbone.activation={activation}", f"backbone.norm={norm}")
    assert net(torch.randn(4, 6)).shape == (4, net.out_dim)


def test_mlp_unknown_activation_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="relu, gelu, silu, tanh"):
        on_shape("mlp", (6,), tmp_path, "backbone.activation=swish")


@pytest.mark.parametrize("name", ["mlp", "resmlp"])
def test_width_sets_out_dim(name: str, tmp_path: Path) -> None:
    assert on_shape(name, (10,), tmp_path, "backbone.width=24").out_dim == 24


def test_cnn_out_dim_follows_depth_and_channels(tmp_path: Path) -> None:
    net = on_shape("cnn", (3, 16, 16), tmp_path, "backbone.depth=3", "backbone.channels=8")
    assert net.out_dim == 32 and net(torch.randn(2, 3, 16, 16)).shape == (2, 32)
    assert on_shape("cnn", (8, 8), tmp_path)(torch.randn(2, 8, 8)).shape[0] == 2  # (H, W): one channel
