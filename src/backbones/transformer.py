"""Transformer backbone: pre-norm blocks of multi-head self-attention and an MLP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import Tensor, nn

from src.backbones.sequence import InputEmbedding, sinusoids, through


class SelfAttention(nn.Module):
    """Multi-head attention through PyTorch's scaled_dot_product_attention (fused kernels where available)."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)

    def forward(self, h: Tensor, allowed: Tensor | None, causal: bool) -> Tensor:
        """(B, L, D) -> (B, L, D); ``allowed``: (B, 1, L, L) bool, which keys each query may see (None: all)."""
        q, k, v = rearrange(self.qkv(h), "b l (three h d) -> three b h l d", three=3, h=self.heads)
        p = self.dropout if self.training else 0.0
        o = F.scaled_dot_product_attention(
            q, k, v, attn_mask=allowed, dropout_p=p, is_causal=causal and allowed is None
        )
        return self.out(rearrange(o, "b h l d -> b l (h d)"))


class Block(nn.Module):
    """h + Attention(LayerNorm(h)), then h + MLP(LayerNorm(h))."""

    def __init__(self, width: int, heads: int, expansion: int, dropout: float) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = SelfAttention(width, heads, dropout)
        self.mlp = nn.Sequential(
            nn.Linear(width, expansion * width), nn.GELU(), nn.Linear(expansion * width, width), nn.Dropout(dropout)
        )

    def forward(self, h: Tensor, allowed: Tensor | None, causal: bool) -> Tensor:
        """(B, L, D) -> (B, L, D)."""
        h = h + self.attention(self.norm1(h), allowed, causal)
        return h + self.mlp(self.norm2(h))


class Transformer(nn.Module):
    """Pre-norm transformer over sequences or tokens: one feature vector per position.

    Embedding + positions → ``depth`` blocks → LayerNorm.  (B, L[, C]) -> (B, L, width).

    ``causal``: each position attends to itself and earlier ones only. Padded keys are never attended to, so
    padding changes no output at a real position, causal or not.
    """

    inputs: ClassVar[tuple[str, ...]] = ("sequence", "tokens")
    variable_length: ClassVar[bool] = True  # padded keys are masked out of attention
    features: ClassVar[str] = "position"

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        vocab_size: int | None = None,  # token inputs: the vocabulary (from the data)
        depth: int = 2,  # blocks
        width: int = 64,  # model width; also the feature size (out_dim) the task's decoder reads
        heads: int = 4,  # attention heads; width must be divisible by heads
        expansion: int = 4,  # MLP hidden units per block = expansion * width
        dropout: float = 0.0,  # in attention and after each MLP
        causal: bool = True,  # each position attends to itself and earlier positions only; false: to every position
        positions: str = "learned",  # learned | sinusoidal
        checkpointing: bool = False,  # recompute each block's activations in the backward pass: less memory, more time
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1 or heads < 1 or width % heads:
            raise ValueError(f"need depth >= 1 and width divisible by heads >= 1, got {depth}, {width}, {heads}")
        if positions not in ("learned", "sinusoidal"):
            raise ValueError(f"positions must be learned or sinusoidal, got {positions!r}")
        self.embedding = InputEmbedding("transformer", in_shape, vocab_size, width)
        table = sinusoids(self.embedding.max_length, width)  # (L, D)
        if positions == "learned":
            self.positions: Tensor = nn.Parameter(0.02 * torch.randn_like(table))
        else:
            self.register_buffer("positions", table, persistent=False)
        self.blocks = nn.ModuleList(Block(width, heads, expansion, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(width)
        self.causal, self.out_dim, self.checkpointing = causal, width, checkpointing

    @staticmethod
    def attention_bytes(length: int, batch_size: int, padded: bool) -> int:
        """Bytes the attention's (L, L) masks take at once, for ``batch_size`` sequences of ``length`` positions.

        With padding (``padded``), the padding-and-causal mask is (B, 1, L, L) booleans, which the attention kernel
        turns into additive floats: B L² 5 bytes, and L² more for the causal mask (measured: 5.5 bytes per L² at
        8k, batch 1). Without padding, the fused kernel's memory grows linearly with L: nothing quadratic.
        """
        return (batch_size * 5 + 1) * length**2 if padded else 0

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, L) ids or (B, L, C) values, (B, L) padding mask -> (B, L, width)."""
        length = x.shape[1]
        h = self.embedding(x) + self.positions[:length]  # (B, L, D)
        allowed = None
        if mask is not None:
            allowed = mask[:, None, None, :]  # (B, 1, 1, L): real keys only
            if self.causal:
                allowed = allowed & torch.ones(length, length, dtype=torch.bool, device=x.device).tril()
        for block in self.blocks:
            h = through(block, h, allowed, self.causal, checkpointing=self.checkpointing)
        return self.norm(h)
