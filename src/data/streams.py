"""Seeded batch streams: batch b of a split is a pure function of (seed, split, epoch, b).

Every rank and every DataLoader worker is handed different batch indices, so each draws its own data;
because nothing depends on RNG state, a resumed run replays exactly and nothing needs saving.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator

import torch
import torch.distributed as dist
from torch import Tensor
from torch.utils.data import Dataset, DistributedSampler

from src.data.samplers.base import Sampler

BatchKey = tuple[int, int]  # (epoch, batch index)


def stream_seed(seed: int, split: str, epoch: int, index: int) -> int:
    """A 63-bit seed that differs for every (seed, split, epoch, batch index)."""
    digest = hashlib.blake2b(f"{seed}/{split}/{epoch}/{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


class SimulatedBatches(Dataset):
    """A map-style dataset whose items are whole batches, drawn in one vectorised sampler call."""

    def __init__(self, sampler: Sampler, *, split: str, num_samples: int, batch_size: int, seed: int) -> None:
        self.sampler, self.split, self.seed = sampler, split, seed
        self.num_samples, self.batch_size = num_samples, batch_size

    def __len__(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    def __getitem__(self, key: BatchKey | int) -> tuple[Tensor, Tensor]:
        epoch, index = key if isinstance(key, tuple) else (0, key)
        if not 0 <= index < len(self):
            raise IndexError(index)
        n = min(self.batch_size, self.num_samples - index * self.batch_size)  # the last batch may be short
        generator = torch.Generator().manual_seed(stream_seed(self.seed, self.split, epoch, index))
        return self.sampler.sample(n, generator)


class EpochBatchSampler(DistributedSampler):
    """Yields ``(epoch, batch index)`` keys, this rank's share only.

    It is a DistributedSampler so that Lightning neither replaces it under DDP nor forgets to call
    ``set_epoch`` on it each epoch. With ``fresh_each_epoch=False`` (val/test) the epoch is pinned to 0:
    the same fixed set every time.
    """

    def __init__(
        self,
        num_batches: int,
        *,
        fresh_each_epoch: bool,
        epoch_source: Callable[[], int | None] | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
    ) -> None:
        if num_replicas is None or rank is None:  # outside DDP there is one replica; inside, ask the process group
            distributed = dist.is_available() and dist.is_initialized()
            num_replicas, rank = (dist.get_world_size(), dist.get_rank()) if distributed else (1, 0)
        super().__init__(range(num_batches), num_replicas=num_replicas, rank=rank, shuffle=False, drop_last=False)
        self.fresh_each_epoch, self.epoch_source = fresh_each_epoch, epoch_source

    def __iter__(self) -> Iterator[BatchKey]:  # type: ignore[override]
        # Ask the trainer when there is one: on resume, Lightning iterates the first epoch before set_epoch.
        current = self.epoch_source() if self.epoch_source is not None else None
        epoch = (self.epoch if current is None else current) if self.fresh_each_epoch else 0
        return ((epoch, index) for index in super().__iter__())
