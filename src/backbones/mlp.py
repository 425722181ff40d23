"""MLP backbone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from einops.layers.torch import Rearrange
from torch import Tensor, nn

from src.backbones.layers import ACTIVATIONS, NORMS, choose


class MLP(nn.Module):
    """Multi-layer perceptron over the flattened input.

    ``depth`` × [Linear → norm → activation → dropout].  (B, *in_shape) -> (B, width): any fixed shape (a vector,
    an image, a fixed-length sequence) is flattened.
    """

    inputs: ClassVar[tuple[str, ...]] = ("real", "sequence")  # the DataSpec input kinds it takes (fixed shape only)
    variable_length: ClassVar[bool] = False  # padding would enter its features: no variable-length data
    features: ClassVar[str] = "sample"  # one feature vector per sample

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        depth: int = 2,  # hidden layers
        width: int = 128,  # units per hidden layer; also the feature size (out_dim) the task's decoder reads
        activation: str = "relu",  # relu | gelu | silu | tanh
        dropout: float = 0.0,  # after each layer
        norm: str = "none",  # none | batch | layer
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1:
            raise ValueError(f"need depth >= 1 and width >= 1, got depth={depth}, width={width}")
        act, make_norm = choose("activation", activation, ACTIVATIONS), choose("norm", norm, NORMS)
        layers: list[nn.Module] = [Rearrange("b ... -> b (...)")]  # any input shape -> (B, prod(in_shape))
        fan_in = math.prod(in_shape)
        for _ in range(depth):
            layers += [nn.Linear(fan_in, width), make_norm(width), act(), nn.Dropout(dropout)]
            fan_in = width
        self.net = nn.Sequential(*layers)
        self.out_dim = width

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, *in_shape) -> (B, out_dim); fixed-shape inputs carry no mask."""
        return self.net(x)
