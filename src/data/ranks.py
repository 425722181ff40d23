"""The DDP ranks data is shared between: how many, which one this process is, and whether each gets a share."""

from __future__ import annotations

import torch.distributed as dist

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
