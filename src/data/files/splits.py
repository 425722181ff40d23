"""How file-backed samples are divided into train/val/test, and the order uncached training reads them in."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler

from src.errors import TriadError

log = logging.getLogger(__name__)
SPLITS = ("train", "val", "test")
SampleRef = tuple[int, int]  # (record index, sample offset within that record's file)


def check_fractions(split: Sequence[float]) -> None:
    """Three fractions (train, val, test) that sum to 1."""
    if len(split) != 3 or abs(sum(split) - 1) > 1e-6 or min(split) < 0:
        raise TriadError(f"data.split={list(split)} must be three fractions (train, val, test) that sum to 1.")


def split_refs(refs: list[SampleRef], split: Sequence[float], seed: int, by: str) -> dict[str, list[SampleRef]]:
    """Seeded split of ``refs``: whole files (``by=file``: no file in two splits) or single samples (``by=sample``).

    By file, the files are shuffled and dealt to val, then test, until each holds its fraction of the samples;
    the rest is train. With one sample per file both ways give the same split.
    """
    check_fractions(split)
    if by not in ("file", "sample"):
        raise TriadError(f"data.split_by={by!r}: choose file (no file in two splits) or sample.")
    n_val, n_test = (round(len(refs) * f) for f in split[1:])
    generator = torch.Generator().manual_seed(seed)
    files = sorted({record for record, _ in refs})
    if by == "sample" or len(files) == 1:
        if by == "file":
            log.info("data.split_by=file with a single file: its samples are split instead")
        order = torch.randperm(len(refs), generator=generator).tolist()
        units = [[refs[i]] for i in order]
    else:
        per_file: dict[int, list[SampleRef]] = {}
        for ref in refs:
            per_file.setdefault(ref[0], []).append(ref)
        units = [per_file[files[i]] for i in torch.randperm(len(files), generator=generator).tolist()]
    parts: dict[str, list[SampleRef]] = {s: [] for s in SPLITS}
    wanted = {"val": n_val, "test": n_test}
    for unit in units:
        split_name = next((s for s in ("val", "test") if len(parts[s]) < wanted[s]), "train")
        parts[split_name] += unit
    return parts


class FileOrderSampler(Sampler[int]):
    """Training order for uncached reading: files in a fresh random order each epoch, each file's samples shuffled.

    Each file is then read once per epoch (linear in the data size) instead of once per sample. The price: a batch
    draws from few files. Lightning calls ``set_epoch`` (and wraps it for DDP).
    """

    def __init__(self, refs: list[SampleRef], seed: int) -> None:
        self.seed, self.epoch = seed, 0
        self.by_file: dict[int, list[int]] = {}
        for index, (record, _) in enumerate(refs):
            self.by_file.setdefault(record, []).append(index)

    def set_epoch(self, epoch: int) -> None:
        """Shuffle differently in each epoch."""
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        files = list(self.by_file.values())
        for f in torch.randperm(len(files), generator=generator).tolist():
            indices = files[f]
            yield from (indices[i] for i in torch.randperm(len(indices), generator=generator).tolist())

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_file.values())
