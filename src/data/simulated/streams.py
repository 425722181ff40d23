"""Seeded batch streams: batch b of a split is a pure function of (seed, split, epoch, b).

Every rank and every DataLoader worker is handed different training batches (and, for val/test, a different slice
of each batch), so each draws its own data; because nothing depends on RNG state, a resumed run replays exactly and
nothing needs saving. ``TrainBatchOrder`` and ``EvalBatchOrder`` are the torch index samplers that hand out those
batch keys: which batch each rank draws when (not to be confused with the problem samplers that draw them).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence

import torch
from torch.utils.data import Dataset, DistributedSampler

from src.data.base import check_share, world
from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.simulated.warmup import windows

BatchKey = tuple[int, int, int, int]  # (epoch, batch index, part, parts): samples part::parts of that batch


def stream_seed(seed: int, split: str, epoch: int, index: int) -> int:
    """A 63-bit seed that differs for every (seed, split, epoch, batch index)."""
    digest = hashlib.blake2b(f"{seed}/{split}/{epoch}/{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


class SimulatedBatches(Dataset):
    """A map-style dataset whose items are whole batches (or one rank's slice of one), drawn in one sampler call.

    On ``device`` (a GPU: no host sampling, no copy) the numbers differ from the CPU's, but are as much a pure
    function of (seed, split, epoch, index): the same on every run of that device. ``warmup``: the window length of
    each of the first epochs (``src/data/simulated/warmup.py``); the tracks of epoch ``e`` are cut into windows of
    ``warmup[e]`` positions.
    """

    def __init__(
        self,
        sampler: Sampler,
        *,
        split: str,
        num_samples: int,
        batch_size: int,
        seed: int,
        device: str = "cpu",
        warmup: Sequence[int] = (),
    ) -> None:
        self.sampler, self.split, self.seed, self.device = sampler, split, seed, torch.device(device)
        self.num_samples, self.batch_size = num_samples, batch_size
        self.warmup, self.spec = list(warmup), sampler.spec if warmup else None
        self._generator = torch.Generator(self.device)  # one per process (each DataLoader worker has its copy)

    def __len__(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    def sizes(self) -> list[int]:
        """Samples per batch: all full but the last, which may be short."""
        return [self.size(i) for i in range(len(self))]

    def size(self, index: int) -> int:
        """Samples in batch ``index``."""
        return min(self.batch_size, self.num_samples - index * self.batch_size)

    def __getitem__(self, key: BatchKey | int) -> Batch:
        epoch, index, part, parts = key if isinstance(key, tuple) else (0, key, 0, 1)
        if not 0 <= index < len(self):
            raise IndexError(index)
        generator = self._generator.manual_seed(stream_seed(self.seed, self.split, epoch, index))  # reseeded per batch
        start, size = index * self.batch_size, self.size(index)
        if self.device.type == "cpu":  # the CPU goes without a device context: it costs about 10 us a batch in Python
            batch = self.sampler.sample(size, generator)
        else:  # on a GPU the sampler's factory calls create where the generator draws
            with torch.device(self.device):
                batch = self.sampler.sample(size, generator)
        batch = batch._replace(id=torch.arange(start, start + size, device=self.device))  # the place in its split
        if epoch < len(self.warmup):
            batch = windows(batch, self.warmup[epoch], self.spec)  # type: ignore[arg-type]
        return batch if parts == 1 else batch.select(slice(part, None, parts))


class TrainBatchOrder(DistributedSampler):
    """Yields this rank's ``(epoch, batch index, 0, 1)`` keys, a fresh epoch of batches each epoch.

    It is a DistributedSampler so that Lightning neither replaces it under DDP nor forgets to call ``set_epoch`` on
    it. Every rank gets as many batches (the share is padded): DDP needs every rank to step together.
    """

    def __init__(
        self,
        num_batches: int,
        *,
        epoch_source: Callable[[], int | None] | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
    ) -> None:
        if num_replicas is None or rank is None:
            num_replicas, rank = world()
        super().__init__(range(num_batches), num_replicas=num_replicas, rank=rank, shuffle=False, drop_last=False)
        self.epoch_source = epoch_source

    def __iter__(self) -> Iterator[BatchKey]:  # type: ignore[override]
        # Ask the trainer when there is one: on resume, Lightning iterates the first epoch before set_epoch.
        current = self.epoch_source() if self.epoch_source is not None else None
        epoch = self.epoch if current is None else current
        return ((epoch, index, 0, 1) for index in super().__iter__())


class EvalBatchOrder(DistributedSampler):
    """Yields ``(0, batch index, rank, ranks)`` keys: the fixed val/test set, every sample on exactly one rank.

    Each rank takes every batch and keeps its strided slice of the samples (no padding, no duplicates), so every
    rank evaluates a share of every batch: a set of one batch still reaches every rank.
    """

    def __init__(
        self, sizes: list[int], *, what: str = "the set", num_replicas: int | None = None, rank: int | None = None
    ) -> None:
        if num_replicas is None or rank is None:
            num_replicas, rank = world()
        check_share(what, sum(sizes), num_replicas)
        super().__init__(range(len(sizes)), num_replicas=num_replicas, rank=rank, shuffle=False)
        self.keys = [(0, index, rank, num_replicas) for index, size in enumerate(sizes) if size > rank]

    def __iter__(self) -> Iterator[BatchKey]:  # type: ignore[override]
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)
