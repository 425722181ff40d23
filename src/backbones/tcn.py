"""Temporal convolutional network (Bai, Kolter & Koltun 2018): residual blocks of dilated causal convolutions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from torch import Tensor, nn

from src.backbones.sequence import InputEmbedding, causal_conv1d, through, zero_padding


class TemporalBlock(nn.Module):
    """h + Dropout(GELU(CausalConv(Dropout(GELU(CausalConv(h)))))), both convolutions with one dilation.

    No normalisation inside the block (the paper's block has weight normalisation only): a LayerNorm over the
    channels of a projected univariate series keeps little of its amplitude (GunPoint learned more slowly with it).
    """

    def __init__(self, width: int, kernel_size: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(width, width, kernel_size, dilation=dilation)
        self.conv2 = nn.Conv1d(width, width, kernel_size, dilation=dilation)
        self.act, self.dropout = nn.GELU(), nn.Dropout(dropout)

    def forward(self, h: Tensor) -> Tensor:
        """(B, L, D) -> (B, L, D); position t sees t - 2 (k - 1) dilation ... t."""
        u = self.dropout(self.act(causal_conv1d(self.conv1, h)))
        return h + self.dropout(self.act(causal_conv1d(self.conv2, u)))


class TCN(nn.Module):
    """Temporal convolutional network: residual blocks of dilated causal convolutions.

    Embedding → ``depth`` temporal blocks with dilations 1, 2, 4, ... → LayerNorm.  (B, L[, C]) -> (B, L, width).

    Causal by construction: an output never depends on a later position, so padding at the end changes no real
    output; padded positions are zeroed between blocks all the same. Receptive field:
    1 + 2 (kernel_size - 1) (2^depth - 1) positions.
    """

    inputs: ClassVar[tuple[str, ...]] = ("sequence", "tokens")
    variable_length: ClassVar[bool] = True
    features: ClassVar[str] = "position"

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        vocab_size: int | None = None,  # token inputs: the vocabulary (from the data)
        depth: int = 4,  # blocks, with dilations 1, 2, 4, ...: receptive field 1 + 2 (kernel_size - 1) (2^depth - 1)
        width: int = 64,  # channels; also the feature size (out_dim) the task's decoder reads
        kernel_size: int = 3,
        dropout: float = 0.0,  # after each convolution
        checkpointing: bool = False,  # recompute each block's activations in the backward pass: less memory, more time
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1 or kernel_size < 2:
            raise ValueError(f"need depth >= 1, width >= 1 and kernel_size >= 2, got {depth}, {width}, {kernel_size}")
        self.embedding = InputEmbedding("tcn", in_shape, vocab_size, width)
        self.blocks = nn.ModuleList(TemporalBlock(width, kernel_size, 2**i, dropout) for i in range(depth))
        self.norm = nn.LayerNorm(width)
        self.receptive_field = 1 + 2 * (kernel_size - 1) * (2**depth - 1)
        self.causal, self.out_dim, self.checkpointing = True, width, checkpointing

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, L) ids or (B, L, C) values, (B, L) padding mask -> (B, L, width)."""
        h = zero_padding(self.embedding(x), mask)  # (B, L, D)
        for block in self.blocks:
            h = zero_padding(through(block, h, checkpointing=self.checkpointing), mask)
        return self.norm(h)
