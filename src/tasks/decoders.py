"""Decoder heads; a task names its head in ``decoder_cls`` so several tasks can share one."""

from __future__ import annotations

from torch import Tensor, nn


class LinearDecoder(nn.Module):
    """Linear map from features to the task's outputs, per sample or per position (the task pools, not the head)."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_dim, out_dim)

    def forward(self, features: Tensor) -> Tensor:
        """(B, D) -> (B, out_dim), or (B, L, D) -> (B, L, out_dim)."""
        return self.proj(features)
