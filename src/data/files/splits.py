"""How file-backed samples are divided into train/val/test: seeded, by file or by sample."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence

import torch

from src.data.files.getters import Record
from src.data.files.labels import first
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
    n_val, n_test = (round(len(refs) * f) for f in split[1:])
    units = _units(refs, by, torch.Generator().manual_seed(seed))
    return _deal(units, {"val": n_val, "test": n_test})


def _units(refs: list[SampleRef], by: str, generator: torch.Generator) -> list[list[SampleRef]]:
    """The samples in the units a split keeps together (a file's, or each alone), in a seeded random order."""
    if by not in ("file", "sample"):
        raise TriadError(f"data.split_by={by!r}: choose file (no file in two splits) or sample.")
    files = sorted({record for record, _ in refs})
    if by == "sample" or len(files) == 1:
        if by == "file":
            log.info("data.split_by=file with a single file: its samples are split instead")
        return [[refs[i]] for i in torch.randperm(len(refs), generator=generator).tolist()]
    per_file: dict[int, list[SampleRef]] = {}
    for ref in refs:
        per_file.setdefault(ref[0], []).append(ref)
    return [per_file[files[i]] for i in torch.randperm(len(files), generator=generator).tolist()]


def _deal(units: list[list[SampleRef]], wanted: dict[str, int]) -> dict[str, list[SampleRef]]:
    """Units dealt in order to each split of ``wanted`` until it holds that many samples; the rest to train."""
    parts: dict[str, list[SampleRef]] = {s: [] for s in SPLITS}
    for unit in units:
        split_name = next((s for s in wanted if len(parts[s]) < wanted[s]), "train")
        parts[split_name] += unit
    return parts


def fold_refs(
    refs: list[SampleRef], labels: list[Hashable | None], folds: int, fold: int, val_share: float, seed: int, by: str
) -> dict[str, list[SampleRef]]:
    """K-fold cross-validation: the test split is fold ``fold`` of ``folds``; validation is carved from the others.

    The units (files, or samples with ``by=sample``) are dealt into folds in a seeded order, each to the fold that
    holds the fewest samples of its label (``labels``: per record, None when unknown), so that every fold has about
    the same share of each class. Every sample is in exactly one fold's test split; no file is in two folds.
    ``val_share`` of the other folds' samples is validation, the rest trains.
    """
    if folds < 2 or not 0 <= fold < folds:
        raise TriadError(
            f"data.folds={folds} data.fold={fold}: folds must be at least 2, and folds are numbered 0..folds-1."
        )
    units = _units(refs, by, torch.Generator().manual_seed(seed))
    if len(units) < folds:
        kind = "files" if len(units) < len(refs) else "samples"
        raise TriadError(f"data.folds={folds} needs at least {folds} {kind} (one per fold); there are {len(units)}.")
    held: list[dict[Hashable | None, int]] = [{} for _ in range(folds)]  # samples per label in each fold
    sizes, fold_of = [0] * folds, {}
    for index in sorted(range(len(units)), key=lambda i: str(labels[units[i][0][0]])):  # stable: seeded order kept
        label, size = labels[units[index][0][0]], len(units[index])
        fold_of[index] = min(range(folds), key=lambda f: (held[f].get(label, 0), sizes[f], f))
        held[fold_of[index]][label] = held[fold_of[index]].get(label, 0) + size
        sizes[fold_of[index]] += size
    rest = [unit for index, unit in enumerate(units) if fold_of[index] != fold]
    parts = _deal(rest, {"val": round(sum(map(len, rest)) * val_share)})
    parts["test"] = [ref for index, unit in enumerate(units) if fold_of[index] == fold for ref in unit]
    return parts


def divide(
    records: list[Record],
    refs: list[SampleRef],
    explicit: dict[str, list[Record]] | None,
    split: Sequence[float],
    seed: int,
    by: str,
    folding: tuple[int, int] | None,
    target_kind: str,
) -> dict[str, list[SampleRef]]:
    """File data's train/val/test: K folds if asked for, else the getter's own split if it has one, else fractions."""
    if folding is not None:  # every sample (an official split's too) in one of K folds; val from the others
        labels = [first(y) if y is not None and target_kind == "integer" else None for _, y in records]
        parts = fold_refs(refs, labels, *folding, split[1] / (split[0] + split[1]), seed, by)
    elif explicit is not None:  # the getter decided: samples follow their files' split
        where = {r: part for part in SPLITS for r in map(str, (p for p, _ in explicit.get(part, [])))}
        parts = {s: [ref for ref in refs if where.get(str(records[ref[0]][0])) == s] for s in SPLITS}
    else:
        parts = split_refs(refs, split, seed, by)
    empty = [s for s in SPLITS if not parts[s]]
    if empty:
        raise TriadError(
            f"the {'/'.join(empty)} split is empty ({len(refs)} samples, data.split={list(split)}, "
            f"data.split_by={by}): give every split a fraction large enough to hold at least one "
            "sample (by file: one file)."
        )
    return parts
