"""How evaluation data is shared between DDP ranks: every sample on exactly one rank, no padding."""

from __future__ import annotations

from collections.abc import Iterator

import torch.distributed as dist
from torch.utils.data import DistributedSampler

from src.errors import TriadError


def world() -> tuple[int, int]:
    """(number of ranks, this rank): (1, 0) outside DDP."""
    distributed = dist.is_available() and dist.is_initialized()
    return (dist.get_world_size(), dist.get_rank()) if distributed else (1, 0)


def check_share(what: str, count: int, ranks: int) -> None:
    """Every rank needs a share: a rank without one would skip the epoch-end collectives and the others would wait."""
    if count < ranks:
        raise TriadError(
            f"{what} holds {count} sample(s), fewer than the {ranks} DDP processes: give it at least {ranks}."
        )


class EvalShareSampler(DistributedSampler):
    """Sample indices ``rank::ranks``: Lightning's DistributedSampler would pad with duplicates to even the shares.

    Evaluation needs no even shares (nothing is synchronised per step), and a duplicate would count twice in the
    metrics. A DistributedSampler subclass, so that Lightning keeps it under DDP.
    """

    def __init__(self, size: int, *, what: str, num_replicas: int | None = None, rank: int | None = None) -> None:
        if num_replicas is None or rank is None:
            num_replicas, rank = world()
        check_share(what, size, num_replicas)
        super().__init__(range(size), num_replicas=num_replicas, rank=rank, shuffle=False)
        self.indices = list(range(rank, size, num_replicas))

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)
