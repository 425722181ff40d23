"""The samples of one split of file-backed data, read lazily from their files."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor
from torch.utils.data import Dataset, get_worker_info

from src.data.batch import Batch
from src.data.files import layout
from src.data.files.getters import Record
from src.data.files.labels import as_trained, first, problem
from src.data.files.layout import Layout
from src.data.files.readers import Reader, Sample
from src.data.files.splits import SampleRef
from src.data.spec import Target
from src.errors import TriadError


@dataclass(frozen=True)
class UnreadableBatch:
    """What a DataLoader worker hands back instead of a batch it could not read: the user error's message, intact.

    An exception raised in a worker reaches the main process only as text with the worker's traceback in it; this
    carries the message across instead, and ``FileDataModule.on_before_batch_transfer`` raises it there.
    """

    message: str


def collate(
    samples: list[tuple[Tensor, Tensor, int]] | Batch | UnreadableBatch, pad: bool = False, per_position: bool = False
) -> Any:
    """(x, y, index) samples -> one Batch (``layout.collate``); a Batch or an ``UnreadableBatch`` passes through."""
    return samples if isinstance(samples, Batch | UnreadableBatch) else layout.collate(samples, pad, per_position)


@contextmanager
def naming_the_file(path: Path) -> Iterator[None]:
    """Turn whatever a reader raises (its format library's errors) into a TriadError that names the file."""
    try:
        yield
    except Exception as err:
        raise TriadError(
            f"cannot read {path}: {type(err).__name__}: {err}. Fix or remove the file, "
            "or set data.on_bad_file=skip to leave unreadable files out."
        ) from err


def read_file(reader: Reader, path: Path) -> list[Sample]:
    """All samples of one file, or a TriadError naming the file."""
    with naming_the_file(path):
        return reader.read(path)


def count_file(reader: Reader, path: Path) -> int:
    """How many samples one file holds (opening it only if the reader must), or a TriadError naming the file."""
    with naming_the_file(path):
        return reader.count(path)


def all_finite(values: Tensor) -> bool:
    """Whether every value is finite: a finite sum says so in one fast reduction (an overflowing one is rechecked)."""
    return math.isfinite(float(values.sum())) or bool(torch.isfinite(values).all())


class FileSamples(Dataset):
    """Map-style dataset over (file, offset) references: a file is opened only when one of its samples is asked for.

    Every sample is checked as it is read: its input against the data's ``layout`` (shape, length, token ids), an
    integer label against ``num_classes``. ``cache`` keeps each file's samples in memory after the first read (per
    worker process); once every sample of a fixed-shape split has been read and checked, they are stacked into one
    tensor, and a batch is then one index gather (``__getitems__``), not a read, check and collation per sample.
    """

    def __init__(
        self,
        records: list[Record],
        refs: list[SampleRef],
        reader: Reader,
        *,
        cache: bool,
        layout: Layout | None = None,
        num_classes: int | None = None,
        x_stats: tuple[Tensor, Tensor] | None = None,
        more: tuple[Target, ...] = (),  # further named targets (data.more_targets)
        per_position: Target | None = None,  # the first target, when it has one value per position
    ) -> None:
        self.records, self.refs, self.reader, self.cache = records, refs, reader, cache
        self.layout, self.num_classes, self.x_stats, self.more = layout, num_classes, x_stats, more
        self.per_position = per_position
        self._cached: dict[int, list[Sample]] = {}  # every file read (cache=true), else only the last one
        self._ready: dict[int, tuple[Tensor, Tensor]] = {}  # cache=true, fixed shape: samples read and checked
        self._stacked: tuple[Tensor, Any] | None = None  # all of them, stacked: (N, *shape), (N, ...) or named

    def __len__(self) -> int:
        return len(self.refs)

    def __getitems__(self, indices: list[int]) -> list[tuple[Tensor, Tensor, int]] | Batch | UnreadableBatch:
        """The samples of one batch (the DataLoader's batched fetch); in a worker, a user error becomes a value."""
        if self._stacked is not None:  # every sample read and checked: one gather
            rows = torch.tensor(indices)
            x, y = self._stacked
            if isinstance(y, dict):
                (name, values), *more = y.items()
                return Batch(x[rows], values[rows], id=rows, targets={k: v[rows] for k, v in more})
            return Batch(x[rows], y[rows], id=rows)
        try:
            return [self[i] for i in indices]
        except TriadError as err:
            if get_worker_info() is None:  # the main process: raise it as it is
                raise
            return UnreadableBatch(str(err))

    def raw(self, index: int) -> tuple[Tensor, Tensor | dict[str, Tensor]]:
        """Sample ``index`` as stored (no normalisation), its label taken from the record when it has one."""
        record, offset = self.refs[index]
        path, label = self.records[record]
        samples = self._cached.get(record)
        if samples is None:
            samples = read_file(self.reader, path)
            if not self.cache:  # keep the last file only: reading in file order then reads each file once
                self._cached.clear()
            self._cached[record] = samples
        x, y = samples[offset]
        if isinstance(label, dict):
            y = {name: torch.tensor(value) for name, value in label.items()}
        elif label is not None:
            y = torch.tensor(label)
        if y is None:
            raise TriadError(f"{path} has no label: give one in the getter's records or store y in the file.")
        if self.layout is not None:
            x = self.layout.prepare(x)
        self._check(path, offset, x, y)
        return x, y

    def __getitem__(self, index: int) -> tuple[Tensor, Any, int]:
        """Sample ``index`` ready for training: (x normalised if asked, y as the task reads it, its index).

        With further named targets, y is every target by name, the first one first.
        """
        if (ready := self._ready.get(index)) is not None:
            return (*ready, index)
        x, y = self.raw(index)
        if self.x_stats is not None:
            mean, std = self.x_stats
            x = (x - mean) / std
        named = y if isinstance(y, dict) else {}
        y = first(y)
        if self.per_position is not None:  # (L,) class ids | (L, target_dim)
            y = as_trained(y, self.per_position)
        else:  # class id | (target_dim,)
            y = y.reshape(()).long() if self.num_classes is not None else y.reshape(-1).float()
        if self.more:
            y = {next(iter(named)): y, **{t.name: as_trained(named[t.name], t) for t in self.more}}
        if self.cache and not (self.layout is not None and self.layout.variable_length):
            self._keep(index, x, y)
        return x, y, index

    def _keep(self, index: int, x: Tensor, y: Any) -> None:
        """Keep a checked sample; once all are kept, stack them (and drop the raw file cache they came from)."""
        self._ready[index] = (x, y)
        if len(self._ready) == len(self):
            xs, ys = zip(*(self._ready[i] for i in range(len(self))), strict=True)
            stacked = (
                {k: torch.stack([y[k] for y in ys]) for k in ys[0]} if isinstance(ys[0], dict) else torch.stack(ys)
            )
            self._stacked = torch.stack(xs), stacked
            self._ready, self._cached = {}, {}

    def _check(self, path: Path, offset: int, x: Tensor, named: Tensor | dict[str, Tensor]) -> None:
        y = first(named)
        for name, values in (("input", x), ("target", y)):
            if values.is_floating_point() and not all_finite(values):
                raise TriadError(
                    f"{path}: non-finite values (NaN or inf) in the {name} of sample {offset}: they would make the "
                    "loss NaN. Clean the file, or leave it out of the data."
                )
        for target in self.more:
            wrong = problem(named[target.name], target, len(x)) if isinstance(named, dict) else "no named targets"
            if wrong is not None:
                raise TriadError(f"{path}: sample {offset}: {wrong}. Fix the file, or leave it out of the data.")
        issue = self.layout.problem(x) if self.layout is not None else None
        if issue is not None:
            raise TriadError(
                f"{path}: sample {offset} has {issue}. The data's layout comes from data.inputs and the training "
                "samples (the first one's shape; with sequences, the longest length unless data.max_length is set)."
            )
        if self.per_position is not None:
            wrong = problem(y, self.per_position, len(x), classes_from="data.num_classes")
            if wrong is not None:
                raise TriadError(f"{path}: sample {offset}: {wrong}. Fix the file, or leave it out of the data.")
        elif self.num_classes is not None and not (
            y.numel() == 1 and float(y) == int(y) and 0 <= int(y) < self.num_classes
        ):
            raise TriadError(
                f"{path}: label {y.tolist()} is outside 0..{self.num_classes - 1} "
                f"(data.num_classes={self.num_classes})."
            )
