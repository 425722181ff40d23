"""Datagetters: callables named in the config that list the data's files, with labels when they have them."""

from __future__ import annotations

import csv
from pathlib import Path

import torch

from src.errors import TriadError

Record = tuple[Path, int | float | None]  # a file, and its label when the label lives outside the file


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
) -> list[Record] | dict[str, list[Record]]:
    """Rows of ``path,label`` from a CSV manifest; relative paths are relative to the manifest's folder.

    With ``split_column`` the manifest decides the split (``train``/``val``/``test``, as an archive's official split
    does); ``val_fraction`` of the train rows, drawn with ``val_seed``, then become the validation split.
    """
    manifest = Path(csv_path)
    if not manifest.is_file():
        raise TriadError(f"manifest not found: {manifest}. Check data.datagetter.csv_path (or DATA_DIR in .env).")
    with manifest.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and (path_column not in rows[0] or label_column not in rows[0]):
        raise TriadError(f"{manifest} needs the columns {path_column!r} and {label_column!r}; it has {list(rows[0])}.")
    records = [(manifest.parent / row[path_column], _number(row[label_column], manifest)) for row in rows]
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


def _number(text: str, manifest: Path) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise TriadError(f"{manifest}: label {text!r} is not a number.") from None
    return int(value) if value.is_integer() else value
