"""Backbones: pure PyTorch feature extractors (configs/backbone/, src/backbones/)."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import store


@dataclass
class BackboneConf:
    """Any backbone. ``in_shape`` is wired from the data at build time, never typed here."""

    _target_: str = MISSING


@store("backbone/mlp")
@dataclass
class MLPConf(BackboneConf):
    """Multi-layer perceptron over the flattened input."""

    _target_: str = "src.backbones.mlp.MLP"
    depth: int = 2  # hidden layers
    width: int = 128  # units per hidden layer; also the feature size (out_dim) the task's decoder reads
    activation: str = "relu"  # relu | gelu | silu | tanh
    dropout: float = 0.0  # after each layer
    norm: str = "none"  # none | batch | layer


@store("backbone/resmlp")
@dataclass
class ResMLPConf(BackboneConf):
    """Residual MLP: pre-LayerNorm blocks with a skip connection."""

    _target_: str = "src.backbones.resmlp.ResMLP"
    depth: int = 3  # residual blocks
    width: int = 128  # residual stream width; also the feature size (out_dim) the task's decoder reads
    expansion: int = 2  # hidden units per block = expansion * width
    dropout: float = 0.0  # inside each block


@store("backbone/cnn")
@dataclass
class CNNConf(BackboneConf):
    """2-D conv net for image-shaped inputs (C, H, W)."""

    _target_: str = "src.backbones.cnn.CNN"
    depth: int = 3  # conv blocks; each halves the image while it is larger than 2x2
    channels: int = 32  # of the first block, doubled by each further one (out_dim = channels * 2^(depth-1))
    activation: str = "relu"  # relu | gelu | silu | tanh
    dropout: float = 0.0  # on the pooled features
