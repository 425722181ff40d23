"""Mask-aware pooling: per-position features to one vector per sample, for sample-level targets."""

from __future__ import annotations

from collections.abc import Callable

import torch
from einops import reduce
from torch import Tensor

Pool = Callable[[Tensor, Tensor | None], Tensor]


def mean_pool(features: Tensor, mask: Tensor | None) -> Tensor:
    """Mean over the real positions.  (B, L, D), (B, L) -> (B, D)."""
    if mask is None:
        return reduce(features, "b l d -> b d", "mean")
    weights = mask.unsqueeze(-1).to(features.dtype)  # (B, L, 1)
    return (features * weights).sum(1) / weights.sum(1).clamp(min=1)


def max_pool(features: Tensor, mask: Tensor | None) -> Tensor:
    """Maximum over the real positions.  (B, L, D), (B, L) -> (B, D)."""
    if mask is not None:
        features = features.masked_fill(~mask.unsqueeze(-1), torch.finfo(features.dtype).min)
    return reduce(features, "b l d -> b d", "max")


def first_pool(features: Tensor, mask: Tensor | None) -> Tensor:
    """The first position (padding is always at the end).  (B, L, D) -> (B, D)."""
    return features[:, 0]


def last_pool(features: Tensor, mask: Tensor | None) -> Tensor:
    """The last real position: for a causal backbone, the only one that has seen the whole sequence."""
    if mask is None:
        return features[:, -1]
    last = (mask.sum(1) - 1).clamp(min=0)  # (B,)
    return features[torch.arange(len(features), device=features.device), last]  # (B, D)


POOLS: dict[str, Pool] = {"mean": mean_pool, "max": max_pool, "first": first_pool, "last": last_pool}
