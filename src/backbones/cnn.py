"""Small 2-D convolutional backbone for image-shaped inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from einops.layers.torch import Rearrange, Reduce
from torch import Tensor, nn

from src.backbones.layers import ACTIVATIONS, choose


class CNN(nn.Module):
    """2-D conv net for image-shaped inputs (C, H, W).

    ``depth`` × [Conv3x3 → BatchNorm → activation (→ 2×2 max-pool)], then global average pooling. Channels double
    with every block after the first; a block pools while the image is larger than 2×2.
    (B, C, H, W) -> (B, out_dim); a (B, H, W) input is read as one channel.
    """

    input_ranks: ClassVar[tuple[int, ...]] = (2, 3)  # (H, W) or (C, H, W); tests and messages read this
    inputs: ClassVar[tuple[str, ...]] = ("real",)  # the DataSpec input kinds it takes (fixed shape only)
    variable_length: ClassVar[bool] = False  # padding would enter its features: no variable-length data
    features: ClassVar[str] = "sample"  # one feature vector per sample

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        depth: int = 3,  # conv blocks; each halves the image while it is larger than 2x2
        channels: int = 32,  # of the first block, doubled by each further one (out_dim = channels * 2^(depth-1))
        activation: str = "relu",  # relu | gelu | silu | tanh
        dropout: float = 0.0,  # on the pooled features
    ) -> None:
        super().__init__()
        if len(in_shape) not in self.input_ranks:
            raise ValueError(f"cnn needs image-shaped inputs (C, H, W) or (H, W); the data gives {tuple(in_shape)}")
        if depth < 1 or channels < 1:
            raise ValueError(f"need depth >= 1 and channels >= 1, got depth={depth}, channels={channels}")
        act = choose("activation", activation, ACTIVATIONS)
        layers: list[nn.Module] = [Rearrange("b h w -> b 1 h w")] if len(in_shape) == 2 else []
        fan_in, size = (1 if len(in_shape) == 2 else in_shape[0]), min(in_shape[-2:])
        for block in range(depth):
            width = channels * 2**block
            layers += [nn.Conv2d(fan_in, width, 3, padding=1), nn.BatchNorm2d(width), act()]
            if size > 2:
                layers.append(nn.MaxPool2d(2))  # (B, width, H/2, W/2)
                size //= 2
            fan_in = width
        layers += [Reduce("b c h w -> b c", "mean"), nn.Dropout(dropout)]  # (B, width)
        self.net = nn.Sequential(*layers)
        self.out_dim = fan_in

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, *in_shape) -> (B, out_dim); fixed-shape inputs carry no mask."""
        return self.net(x)
