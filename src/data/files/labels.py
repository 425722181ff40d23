"""Targets of file-backed data: how many classes the labels make, and the further named targets (task=multi)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import torch
from torch import Tensor

from src.data.files.getters import Record
from src.data.spec import Target
from src.errors import TriadError

T = TypeVar("T")


def class_count(records: list[Record], num_classes: int | None) -> int:
    """The number of classes: ``num_classes`` checked against the records' labels, or the labels found (0..K-1).

    Labels stored inside the files are checked as they are read (``FileSamples``), not here.
    """
    labels = [first(label) for _, label in records if label is not None]
    if num_classes is None:
        if len(labels) < len(records):
            raise TriadError("integer targets stored inside the files: set data.num_classes.")
        found = sorted(set(labels))
        if found != list(range(len(found))):  # never size a head from max(label): 1e9 would allocate 1e9 outputs
            shown = ", ".join(f"{v:g}" for v in found[:10]) + (", ..." if len(found) > 10 else "")
            raise TriadError(
                f"integer labels must be the classes 0..K-1; the files' labels are {shown} "
                f"({len(found)} distinct).\n"
                "  Map them to 0..K-1 in the getter, or set data.num_classes=K if some classes are just absent."
            )
        return len(found)
    for path, named in records:
        label = first(named) if named is not None else None
        if label is not None and not (float(label).is_integer() and 0 <= label < num_classes):
            raise TriadError(f"{path}: label {label} is outside 0..{num_classes - 1} (data.num_classes={num_classes}).")
    return num_classes


def first(y: T | dict[str, T]) -> T:
    """The first target of a sample or a record: ``y`` itself, or the first of its named targets."""
    return next(iter(y.values())) if isinstance(y, dict) else y


def further_targets(
    x: Tensor, y: Tensor | dict[str, Tensor], wanted: Mapping[str, int | None], inputs: str
) -> tuple[Target, ...]:
    """What ``data.more_targets`` names, described from the first sample.

    A target is per position when the input is a sequence and the target's first dimension is the sequence's
    length; an integer target has the classes ``data.more_targets`` gives it, a continuous one (null) its size.
    """
    if not wanted:
        return ()
    if not isinstance(y, dict):
        raise TriadError(
            f"data.more_targets names {list(wanted)}, but each sample has one target. Read them with the getter "
            "(data.datagetter.more_columns=[...], manifest columns) or the reader (data.reader.more_keys=[...], .npz "
            "arrays)."
        )
    missing = [name for name in wanted if name not in y]
    if missing:
        raise TriadError(f"data.more_targets names {missing}, which the samples do not have; they have {list(y)}.")
    return tuple(described(name, y[name], x, inputs, classes) for name, classes in wanted.items())


def described(name: str, value: Tensor, x: Tensor, inputs: str, num_classes: int | None) -> Target:
    """A stored target described from one sample: its level, its kind and its size.

    Per position when the input is a sequence and the target's first dimension is the sequence's length; integer
    with ``num_classes``, else continuous of its size.
    """
    level = "position" if inputs != "real" and value.dim() >= 1 and value.shape[0] == x.shape[0] else "sample"
    size = value[0].numel() if level == "position" else value.numel()
    kind = "integer" if num_classes is not None else "continuous"
    return Target(name, kind, num_classes=num_classes, target_dim=None if num_classes else size, level=level)


def as_trained(value: Tensor, target: Target) -> Tensor:
    """A stored target as the task reads it: class ids as int64; values as (target_dim,), or (L, target_dim)."""
    if target.kind == "integer":
        return value.long()
    return value.float().reshape(len(value), -1) if target.level == "position" else value.float().reshape(-1)


def problem(value: Tensor, target: Target, length: int, classes_from: str = "data.more_targets") -> str | None:
    """What is wrong with one sample's target, or None: its length, its classes, its finiteness."""
    what = "its target" if target.name == "target" else f"target {target.name}"  # a data set's one unnamed target
    if target.level == "position" and (value.dim() < 1 or value.shape[0] != length):
        return f"{what} has shape {tuple(value.shape)}, not one value per position ({length})"
    if target.kind == "integer" and not (
        bool((value == value.round()).all())
        and int(value.min()) >= 0
        and int(value.max()) < int(target.num_classes or 0)
    ):
        return f"{what} has values outside 0..{int(target.num_classes or 0) - 1} ({classes_from})"
    if value.is_floating_point() and not bool(torch.isfinite(value).all()):
        return f"{what} has non-finite values (NaN or inf)"
    return None
