"""Between a backbone's features and a task's outputs: mask-aware pooling, and the decoder heads.

Pooling turns per-position features into one vector per sample, over the real positions only, for sample-level
targets (``task.pool``). A task names its head in ``decoder_cls``, so several tasks can share one.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from einops import reduce
from torch import Tensor, nn

from src.data.spec import DataSpec, Level
from src.errors import IncompatibleDataError

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


def pooling(pool: str, features: Level, spec: DataSpec) -> str | None:
    """The pooling that ``features`` (per sample or per position) need for ``spec``'s targets; None where none is.

    ``pool=auto`` means mean where pooling is needed. An impossible pairing is an IncompatibleDataError: targets per
    position on features per sample, or a pooling named where there is nothing to pool.
    """
    if pool not in ("auto", *POOLS):
        raise ValueError(f"task.pool must be one of auto, {', '.join(POOLS)}; got {pool!r}")
    if features == "sample" and spec.target_level == "position":
        raise IncompatibleDataError("the data has one target per position, but the backbone gives one per sample")
    if pool != "auto" and (features == "sample" or spec.target_level == "position"):
        why = "the backbone gives one vector per sample" if features == "sample" else "the targets are per position"
        raise IncompatibleDataError(f"task.pool={pool} has nothing to pool: {why}")
    if features == "position" and spec.target_level == "sample":
        return "mean" if pool == "auto" else pool
    return None


class LinearDecoder(nn.Module):
    """Linear map from features to the task's outputs, per sample or per position (the task pools, not the head)."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_dim, out_dim)

    def forward(self, features: Tensor) -> Tensor:
        """(B, D) -> (B, out_dim), or (B, L, D) -> (B, L, out_dim)."""
        return self.proj(features)
