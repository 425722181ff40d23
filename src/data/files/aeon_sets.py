"""UCR/UEA time-series sets bundled inside the aeon package, exported once as files and then read like user data.

aeon's wheel carries a few archive sets (GunPoint, ItalyPowerDemand, BasicMotions, JapaneseVowels, Covid3Month...)
and its loaders read them from the package folder without touching the network. Each set is written as one
``series/NNNN.npy`` per sample, (length, channels) float32, and ``manifest.csv`` with ``path,label,split``: the
archive's official train/test split (the getter carves validation from train). Class labels (aeon returns them as
strings) are mapped to 0..K-1 in sorted order (numerically when they are numbers), and the map is kept in
``classes.json``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from src.data.files.exports import export_once
from src.errors import TriadError

BUNDLED_HINT = (
    "The sets inside aeon's wheel: GunPoint, ArrowHead, ItalyPowerDemand, BasicMotions, JapaneseVowels, "
    "PickupGestureWiimoteZ (classification); Covid3Month, CardanoSentiment (regression). Others need a download, "
    "which tasktriad never does: export them yourself and use data=files."
)


def _load(kind: str, name: str, split: str) -> tuple[Sequence[np.ndarray], np.ndarray]:
    """Aeon's loader for one split of a bundled set: the series (each (channels, length)) and their targets."""
    os.environ.setdefault("AEON_DATA", str(Path(os.environ.get("DATA_DIR", "data")).resolve() / "aeon"))
    try:
        from aeon import datasets
    except ImportError:
        raise TriadError(f'data={kind} needs aeon: pip install -e ".[aeon]" (make installs it).') from None
    loader: Any = datasets.load_classification if kind == "ucr" else datasets.load_regression
    try:
        x, y = loader(name, split=split)  # unequal lengths stay unequal: a list of (channels, length) arrays
    except Exception as err:  # aeon tries a download for a set it does not bundle: no network here
        raise TriadError(f"aeon cannot load {name!r} offline ({type(err).__name__}: {err}).\n  {BUNDLED_HINT}") from err
    return x, y


def _export(kind: str, name: str, root: str) -> Path:
    def write(folder: Path) -> None:
        splits = {split: _load(kind, name, split) for split in ("train", "test")}
        names = {str(v) for _, y in splits.values() for v in y}
        classes = sorted(names, key=_label_order) if kind == "ucr" else []
        (folder / "series").mkdir()
        with (folder / "manifest.csv").open("w", newline="") as handle:
            rows = csv.writer(handle)
            rows.writerow(["path", "label", "split"])
            index = 0
            for split, (xs, ys) in splits.items():
                for series, target in zip(xs, ys, strict=True):
                    path = f"series/{index:05d}.npy"
                    np.save(folder / path, np.asarray(series, dtype=np.float32).T)  # (length, channels)
                    rows.writerow([path, classes.index(str(target)) if classes else float(target), split])
                    index += 1
        if classes:
            (folder / "classes.json").write_text(json.dumps(dict(enumerate(classes)), indent=1))

    return export_once(Path(root), write)


def _label_order(name: str) -> tuple[float, str]:
    """Numeric labels in numeric order ('2' before '10'), other names alphabetically."""
    try:
        return float(name), name
    except ValueError:
        return float("inf"), name


def export_ucr(*, root: str, dataset: str) -> Path:
    """A UCR/UEA classification set bundled with aeon, as files (see the module docstring)."""
    return _export("ucr", dataset, root)


def export_tser(*, root: str, dataset: str) -> Path:
    """A time-series extrinsic regression set bundled with aeon, as files (see the module docstring)."""
    return _export("tser", dataset, root)
