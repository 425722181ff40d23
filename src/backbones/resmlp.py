"""Residual MLP backbone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from einops.layers.torch import Rearrange
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """x + Dropout(Linear(GELU(Linear(LayerNorm(x))))): pre-norm keeps deep stacks trainable."""

    def __init__(self, width: int, expansion: int, dropout: float) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.LayerNorm(width),
            nn.Linear(width, expansion * width),
            nn.GELU(),
            nn.Linear(expansion * width, width),
            nn.Dropout(dropout),
        )

    def forward(self, x: Tensor) -> Tensor:
        """(B, width) -> (B, width)."""
        return x + self.body(x)


class ResMLP(nn.Module):
    """Residual MLP: pre-LayerNorm blocks with a skip connection.

    Flatten → Linear to width → ``depth`` residual blocks → LayerNorm.  (B, *in_shape) -> (B, width).
    """

    inputs: ClassVar[tuple[str, ...]] = ("real", "sequence")  # the DataSpec input kinds it takes (fixed shape only)
    variable_length: ClassVar[bool] = False  # padding would enter its features: no variable-length data
    features: ClassVar[str] = "sample"  # one feature vector per sample

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        depth: int = 3,  # residual blocks
        width: int = 128,  # residual stream width; also the feature size (out_dim) the task's decoder reads
        expansion: int = 2,  # hidden units per block = expansion * width
        dropout: float = 0.0,  # inside each block
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1 or expansion < 1:
            raise ValueError(f"need depth, width, expansion >= 1, got {depth}, {width}, {expansion}")
        self.net = nn.Sequential(
            Rearrange("b ... -> b (...)"),  # (B, prod(in_shape))
            nn.Linear(math.prod(in_shape), width),  # (B, width)
            *(ResidualBlock(width, expansion, dropout) for _ in range(depth)),
            nn.LayerNorm(width),
        )
        self.out_dim = width

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, *in_shape) -> (B, out_dim); fixed-shape inputs carry no mask."""
        return self.net(x)
