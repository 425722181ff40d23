"""How file-backed samples are divided into train/val/test: seeded, by file or by sample."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch

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
