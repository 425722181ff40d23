"""Datagetters: callables named in the config that list the data's files, with labels when they have them."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import torch

from src.errors import TriadError

Label = int | float | dict[str, int | float]  # one label, or several by name (the first is the data's first target)
Record = tuple[Path, Label | None]  # a file, and its label(s) when they live outside the file


def glob_files(*, root: str, pattern: str = "**/*.npz") -> list[Record]:
    """Every file below ``root`` matching ``pattern`` (sorted, so the split is reproducible); labels in the files."""
    folder = Path(root)
    if not folder.is_dir():
        raise TriadError(
            f"data root not found: {folder}. Create it, or point the getter elsewhere "
            "(data.datagetter.root=... on the command line, or DATA_DIR in .env)."
        )
    files = sorted(p for p in folder.glob(pattern) if p.is_file())
    if not files:
        raise TriadError(f"no files match {pattern!r} in {folder}: check data.datagetter.pattern.")
    return [(p, None) for p in files]


def from_manifest(
    *,
    csv_path: str,
    path_column: str = "path",
    label_column: str = "label",
    split_column: str | None = None,  # a column naming each row's split (train/val/test); null: data.split decides
    val_fraction: float = 0.0,  # with split_column: this share of the train rows becomes the validation split
    val_seed: int = 0,  # which train rows become validation rows
    more_columns: Sequence[str] = (),  # further named targets (task=multi), one column each: see data.more_targets
) -> list[Record] | dict[str, list[Record]]:
    """Rows of ``path,label`` from a CSV manifest; relative paths are relative to the manifest's folder.

    With ``more_columns`` each row's labels are named, ``label_column``'s first: ``{"label": 3, "stage": 1}``.

    With ``split_column`` the manifest decides the split (``train``/``val``/``test``, as an archive's official split
    does); ``val_fraction`` of the train rows, drawn with ``val_seed``, then become the validation split.
    """
    manifest = Path(csv_path)
    if not manifest.is_file():
        raise TriadError(f"manifest not found: {manifest}. Check data.datagetter.csv_path (or DATA_DIR in .env).")
    with manifest.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    needed = [path_column, label_column, *more_columns]
    if rows and any(column not in rows[0] for column in needed):
        raise TriadError(f"{manifest} needs the columns {needed}; it has {list(rows[0])}.")
    records: list[Record] = [
        (manifest.parent / row[path_column], _labels(row, label_column, more_columns, manifest)) for row in rows
    ]
    if split_column is None:
        return records
    if rows and split_column not in rows[0]:
        raise TriadError(
            f"{manifest} has no column {split_column!r} (data.datagetter.split_column); it has {list(rows[0])}."
        )
    splits: dict[str, list[Record]] = {"train": [], "val": [], "test": []}
    for record, row in zip(records, rows, strict=True):
        if row[split_column] not in splits:
            raise TriadError(f"{manifest}: split {row[split_column]!r} is none of train, val, test.")
        splits[row[split_column]].append(record)
    carved = round(val_fraction * len(splits["train"]))
    order = torch.randperm(len(splits["train"]), generator=torch.Generator().manual_seed(val_seed)).tolist()
    splits["val"] += [splits["train"][i] for i in sorted(order[:carved])]
    splits["train"] = [splits["train"][i] for i in sorted(order[carved:])]
    return splits


def _labels(row: dict[str, str], label_column: str, more_columns: Sequence[str], manifest: Path) -> Label:
    """A row's label, or its labels by name when there are several."""
    if not more_columns:
        return _number(row[label_column], manifest)
    return {column: _number(row[column], manifest) for column in (label_column, *more_columns)}


def _number(text: str, manifest: Path) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise TriadError(f"{manifest}: label {text!r} is not a number.") from None
    return int(value) if value.is_integer() else value
