"""Loader: torch's DataLoader without its per-item profiler range when no torch profiler is recording.

torch wraps every ``next()`` of a DataLoader in ``record_function``, which costs 8–20 µs an item even when nothing
records it (measured here: 94 against 73 µs a batch for the teacher sampler; benchmarks/data.py). Simulated data
hands over a whole batch per item, so that range was a fifth of a sampler's throughput. When a torch profiler is
on (``debug=profiler`` with Lightning's PyTorchProfiler) the range is kept, so profiles read as before.

Why torch internals: the DataLoader offers no switch for that range. ``_get_iterator`` and the iterators' ``__next__``
have been stable for years; ``tests/data/test_loader.py`` fails if they change.
"""

from __future__ import annotations

from typing import Any

import torch.autograd.profiler as torch_profiler
from torch.utils.data import DataLoader
from torch.utils.data.dataloader import (
    _BaseDataLoaderIter,
    _DatasetKind,
    _MultiProcessingDataLoaderIter,
    _SingleProcessDataLoaderIter,
)


class _WithoutRange(_BaseDataLoaderIter):
    """``__next__`` as torch's, less the ``record_function`` range while no profiler records (map-style data)."""

    def __next__(self) -> Any:
        if torch_profiler._is_profiler_enabled or self._dataset_kind == _DatasetKind.Iterable:
            return super().__next__()  # torch's own: the range, and the length check of iterable data
        if self._sampler_iter is None:
            self._reset()  # type: ignore[call-arg]
        data = self._next_data()
        self._num_yielded += 1
        return data


class _InProcess(_WithoutRange, _SingleProcessDataLoaderIter):
    """torch's in-process iterator, without the range."""


class _Workers(_WithoutRange, _MultiProcessingDataLoaderIter):
    """torch's worker-process iterator, without the range."""


class Loader(DataLoader):
    """A ``torch.utils.data.DataLoader`` in every respect but the unrecorded profiler range per item."""

    def _get_iterator(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _InProcess(self)
        self.check_worker_number_rationality()
        return _Workers(self)
