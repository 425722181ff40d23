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


@store("backbone/transformer")
@dataclass
class TransformerConf(BackboneConf):
    """Pre-norm transformer over sequences or tokens: one feature vector per position."""

    _target_: str = "src.backbones.transformer.Transformer"
    depth: int = 2  # blocks
    width: int = 64  # model width; also the feature size (out_dim) the task's decoder reads
    heads: int = 4  # attention heads; width must be divisible by heads
    expansion: int = 4  # MLP hidden units per block = expansion * width
    dropout: float = 0.0  # in attention and after each MLP
    causal: bool = True  # each position attends to itself and earlier positions only; false: to every position
    positions: str = "learned"  # learned | sinusoidal


@store("backbone/gru")
@dataclass
class GRUConf(BackboneConf):
    """Stacked GRU over sequences or tokens: one feature vector per position."""

    _target_: str = "src.backbones.gru.GRU"
    depth: int = 2  # GRU layers
    width: int = 64  # features per position (out_dim); bidirectional: width / 2 per direction
    bidirectional: bool = False  # false: causal (each position sees only the past)
    dropout: float = 0.0  # between layers


@store("backbone/tcn")
@dataclass
class TCNConf(BackboneConf):
    """Temporal convolutional network: residual blocks of dilated causal convolutions."""

    _target_: str = "src.backbones.tcn.TCN"
    depth: int = 4  # blocks, with dilations 1, 2, 4, ...: receptive field 1 + 2 (kernel_size - 1) (2^depth - 1)
    width: int = 64  # channels; also the feature size (out_dim) the task's decoder reads
    kernel_size: int = 3
    dropout: float = 0.0  # after each convolution


@store("backbone/hyena")
@dataclass
class HyenaConf(BackboneConf):
    """Hyena: gated long convolutions (FFT) with implicit, MLP-made filters, in pre-norm blocks; causal."""

    _target_: str = "src.backbones.hyena.Hyena"
    depth: int = 2  # blocks
    width: int = 64  # model width; also the feature size (out_dim) the task's decoder reads
    order: int = 2  # N: gated long convolutions per operator
    filter_hidden: int = 64  # units of the MLP that makes the long filters
    filter_bands: int = 8  # sine/cosine frequencies of position the filter MLP reads
    short_kernel: int = 3  # the depthwise causal convolution applied to each projection
    expansion: int = 2  # MLP hidden units per block = expansion * width
    dropout: float = 0.0
