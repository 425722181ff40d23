"""Decoder heads; a task names its head in ``decoder_cls`` so several tasks can share one."""

from __future__ import annotations

from einops import reduce
from torch import Tensor, nn


class LinearDecoder(nn.Module):
    """Linear map from features to the task's outputs; sequence features are mean-pooled first."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_dim, out_dim)

    def forward(self, features: Tensor) -> Tensor:
        """(B, D) or (B, L, D) -> (B, out_dim)."""
        if features.dim() == 3:
            features = reduce(features, "b l d -> b d", "mean")
        return self.proj(features)
