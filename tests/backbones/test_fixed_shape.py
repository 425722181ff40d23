"""The fixed-shape backbones' own settings: mlp, resmlp, cnn, built in one line each."""

from __future__ import annotations

import pytest
import torch

from src.backbones.cnn import CNN
from src.backbones.mlp import MLP
from src.backbones.resmlp import ResMLP


@pytest.mark.parametrize("activation", ["relu", "gelu", "silu", "tanh"])
@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_mlp_activation_and_norm_choices(activation: str, norm: str) -> None:
    net = MLP(in_shape=(6,), activation=activation, norm=norm)
    assert net(torch.randn(4, 6)).shape == (4, net.out_dim)


@pytest.mark.parametrize("cls", [MLP, ResMLP])
def test_width_sets_out_dim(cls: type) -> None:
    assert cls(in_shape=(10,), width=24).out_dim == 24


def test_cnn_out_dim_follows_depth_and_channels() -> None:
    net = CNN(in_shape=(3, 16, 16), depth=3, channels=8)
    assert net.out_dim == 32 and net(torch.randn(2, 3, 16, 16)).shape == (2, 32)
    assert CNN(in_shape=(8, 8))(torch.randn(2, 8, 8)).shape[0] == 2  # (H, W): one channel
