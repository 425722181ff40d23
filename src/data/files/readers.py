"""Readers: turn one file into one sample or several, as (x, y) pairs (y None when the label is in the record)."""

from __future__ import annotations

import csv
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from src.speed import load_npy

Sample = tuple[Tensor, Tensor | dict[str, Tensor] | None]  # y: one target, or several by name (the first first)


class Reader(ABC):
    """Reads samples from a file. ``count`` must not open a file whose sample count is known (one per file)."""

    @abstractmethod
    def read(self, path: Path) -> list[Sample]:
        """Every sample of ``path``, in a fixed order."""

    def count(self, path: Path) -> int:
        """How many samples ``path`` holds; opens it only when that is the only way to know."""
        return len(self.read(path))


class NumpyReader(Reader):
    """``.npy``: the whole array is one sample.  ``.npz``: arrays ``x`` (N, ...) and optional ``y`` (N, ...).

    ``more_keys``: further named targets (``task=multi``), one ``.npz`` array each, (N,) per sample or (N, L, ...)
    per position; a sample's targets are then named, ``y_key``'s first: ``{"y": ..., "site": ...}``.
    """

    def __init__(self, *, x_key: str = "x", y_key: str = "y", more_keys: Sequence[str] = ()) -> None:
        self.x_key, self.y_key, self.more_keys = x_key, y_key, list(more_keys)

    def read(self, path: Path) -> list[Sample]:
        """One sample from .npy, N samples from .npz."""
        if path.suffix == ".npy":
            if self.more_keys:
                raise ValueError(f"an .npy file holds one input, not the targets {self.more_keys}: use .npz files")
            return [(torch.from_numpy(load_npy(path)).float(), None)]
        with np.load(path, allow_pickle=False) as arrays:
            x = torch.from_numpy(arrays[self.x_key]).float()
            y = torch.from_numpy(arrays[self.y_key]) if self.y_key in arrays else None
            missing = [key for key in self.more_keys if key not in arrays]
            if missing or (self.more_keys and y is None):
                raise ValueError(
                    f"no array {[*missing, *([self.y_key] if y is None else [])]} in it; it has {list(arrays)}"
                )
            more = {key: torch.from_numpy(arrays[key]) for key in self.more_keys}
        if y is None:
            return [(x, None)]
        if not more:
            return list(zip(x, y, strict=True))
        return [(x[i], {self.y_key: y[i], **{k: v[i] for k, v in more.items()}}) for i in range(len(x))]

    def count(self, path: Path) -> int:
        """An .npy file is one sample (not opened); an .npz file is opened for its length."""
        return 1 if path.suffix == ".npy" else len(self.read(path))


class TorchReader(Reader):
    """``.pt`` (loaded with ``weights_only=True``): a tensor is one sample; a dict ``{x, y}`` holds N samples."""

    def read(self, path: Path) -> list[Sample]:
        """One sample from a tensor, N from a dict of x (N, ...) and y (N, ...)."""
        content = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(content, Tensor):
            return [(content.float(), None)]
        if isinstance(content, dict) and "x" in content:
            x = content["x"].float()
            return list(zip(x, content["y"], strict=True)) if "y" in content else [(x, None)]
        raise ValueError(f"expected a tensor or a dict with 'x' (and 'y'), got {type(content).__name__}")


class CSVRowsReader(Reader):
    """Each row of a CSV file with a header is a sample: the ``target`` columns are y, the others x."""

    def __init__(self, *, target: Sequence[str] = ("target",), delimiter: str = ",") -> None:
        self.target, self.delimiter = list(target), delimiter

    def read(self, path: Path) -> list[Sample]:
        """Every data row, as float features and float targets."""
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle, delimiter=self.delimiter))
        if not rows:
            raise ValueError("empty file")
        header, body = rows[0], rows[1:]
        missing = [c for c in self.target if c not in header]
        if missing:
            raise ValueError(f"target column(s) {missing} not in the header {header}")
        table = torch.tensor([[float(v) for v in row] for row in body], dtype=torch.float32)  # (N, columns)
        is_target = torch.tensor([name in self.target for name in header])
        return list(zip(table[:, ~is_target], table[:, is_target], strict=True))

    def count(self, path: Path) -> int:
        """Data rows, counted without parsing them."""
        with path.open(newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle, delimiter=self.delimiter)) - 1, 0)


class TrackReader(Reader):
    """A track and its labels side by side: ``<name><track_suffix>`` (L,) or (L, C), ``<name><labels_suffix>`` (L,).

    One sample per track, with one label per position. Both ``.npy`` files are memory-mapped: a track is read from
    disk when it is used, one track at a time (with ``data.cache=false``, a set of genome-long tracks is never all
    in memory). List the tracks only: ``data.datagetter.pattern="**/*.track.npy"``.
    """

    def __init__(self, *, track_suffix: str = ".track.npy", labels_suffix: str = ".labels.npy") -> None:
        self.track_suffix, self.labels_suffix = track_suffix, labels_suffix

    def read(self, path: Path) -> list[Sample]:
        """The track and its labels, memory-mapped (copy-on-write: a change in memory never reaches the file)."""
        if not path.name.endswith(self.track_suffix):
            raise ValueError(f"a track's name ends with {self.track_suffix} (data.reader.track_suffix)")
        labels_path = path.with_name(path.name.removesuffix(self.track_suffix) + self.labels_suffix)
        if not labels_path.exists():
            raise ValueError(f"no labels beside it: {labels_path.name} is missing")
        track, labels = np.load(path, mmap_mode="c"), np.load(labels_path, mmap_mode="c")
        if labels.ndim != 1 or len(labels) != len(track):
            raise ValueError(
                f"{labels_path.name} holds labels of shape {labels.shape}, not one per position of the track "
                f"({len(track)} positions)"
            )
        return [(torch.from_numpy(track), torch.from_numpy(labels))]

    def count(self, path: Path) -> int:
        """One track per file (not opened)."""
        return 1
