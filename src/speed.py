"""Speed tricks: every private Lightning, torch or numpy API, or C library setting, used for speed, with its gain.

The rest of tasktriad reads as plain Lightning; what is here replaces a piece of bookkeeping that costs a few per
cent of a small model's step, or of a data loader's throughput. The default run (an MLP of two 128-unit layers on
batches of 128, one CPU thread) takes about 2 ms a step; each trick off against all on, medians of 7-15
alternating rounds (2-core CPU, torch 2.14.1, Lightning 2.6.6, measured 2026-12-01):

====================  =====================================================================  ===================
trick                 what it replaces                                                       saved
====================  =====================================================================  ===================
``TimedProgressBar``  ``TQDMProgressBar`` redrawing after every step                         12 % of the step
``NoProfiler``        ``PassThroughProfiler.profile``, a generator context around each hook  6 % of the step
``CheapHookNames``    ``nn.Module.__setattr__`` for ``_current_fx_name``, around each hook    5-6 % of the step
``ModelCheckpoint``   ``ModelCheckpoint.state_key``, rebuilt from its settings at each hook   2-3 % of the step
``Loader``            the DataLoader's ``record_function`` range around each item            a fifth of simulated
                                                                                             data's throughput;
                                                                                             1.3-2.6 % of the step
``load_npy``          ``np.load``'s header parsing (``ast.literal_eval``) for every file     most of a tiny
                                                                                             file's read
``skip_nvml_probe``   a failed load of the NVIDIA driver's NVML library in every             12-14 % of the step
                      ``torch.cuda.is_available()`` (AdamW asks once a step) where the       (on a machine
                      driver is missing                                                      without NVIDIA's
                                                                                             driver)
``keep_freed_memory`` glibc malloc's fresh mapping (and page faults) for each block over     a quarter of a step
                      32 MiB, every step                                                     at 65k positions
====================  =====================================================================  ===================

Each leans on something its library does not promise to keep (an attribute, a method, glibc's malloc settings);
``tests/test_speed.py`` fails if upstream moves one (the trick would then silently stop saving anything, or break).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import math
import os
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
import torch.autograd.profiler as torch_profiler
from lightning.pytorch import callbacks
from lightning.pytorch.callbacks import TQDMProgressBar
from lightning.pytorch.profilers import PassThroughProfiler
from torch.utils.data import DataLoader
from torch.utils.data.dataloader import (
    _BaseDataLoaderIter,
    _DatasetKind,
    _MultiProcessingDataLoaderIter,
    _SingleProcessDataLoaderIter,
)

NPY_MAGIC = b"\x93NUMPY"
NVML_CHECK, NVML_LIBRARY = "PYTORCH_NVML_BASED_CUDA_CHECK", "libnvidia-ml.so.1"  # torch's variable and library
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt() parameters (malloc.h)
HEAP_BLOCKS = 256 << 20  # blocks under 256 MiB come from malloc's heap; up to as much free heap is kept


class CheapHookNames:
    """A mixin for a LightningModule: ``_current_fx_name``, which Lightning sets around every hook, set directly.

    Lightning sets it about 50 times a training step; ``nn.Module.__setattr__`` first looks the name up among the
    module's parameters, submodules and buffers (1.4 µs, against 0.2 µs for a plain attribute). It never is one.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_current_fx_name":
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)


class NoProfiler(PassThroughProfiler):
    """Profiles nothing, like Lightning's PassThroughProfiler, but each ``profile`` is one shared null context.

    Lightning wraps every hook of every callback, and of the module and strategy, in ``profiler.profile(name)``:
    about a hundred a training step. PassThroughProfiler's is a generator-based context manager (about 1.5 µs each
    way); a shared ``nullcontext`` costs a tenth of that. ``trainer.profiler=simple`` (``debug=profiler``) replaces it.
    """

    _NULL: ClassVar[contextlib.nullcontext[None]] = contextlib.nullcontext()

    def profile(self, action_name: str) -> contextlib.nullcontext[None]:  # type: ignore[override]
        """A null context: nothing is timed."""
        return self._NULL


class TimedProgressBar(TQDMProgressBar):
    """Lightning's tqdm bar, redrawn every ``interval`` seconds rather than after every step (cheaper).

    The same bar and figures as Lightning's default, redrawn at each bar's first and last step and otherwise once
    ``interval`` seconds have passed. Lightning's bar redraws after every step (``refresh_rate=1``): formatting the
    bar and its metrics costs about 0.1-0.3 ms a step, as much as a small model's whole step.
    """

    clock: Callable[[], float] = staticmethod(time.monotonic)  # seconds; a test gives it another clock

    def __init__(self, interval: float = 0.2) -> None:  # seconds between redraws; 0: after every step
        super().__init__(refresh_rate=1)
        if interval < 0:
            raise ValueError(f"the progress bar's interval must be >= 0 seconds, got {interval}")
        self.interval, self._drawn = interval, -math.inf  # the first step is always drawn, whatever the clock reads

    def _should_update(self, current: int, total: int) -> bool:
        """At a bar's last step, and otherwise once ``interval`` seconds have passed since the last redraw."""
        if not self.is_enabled:
            return False
        now = self.clock()
        if current == total or now - self._drawn >= self.interval:
            self._drawn = now
            return True
        return False


class ModelCheckpoint(callbacks.ModelCheckpoint):
    """Lightning's ModelCheckpoint; its state key (a repr of its settings) is built on first use, then reused.

    Lightning names every callback hook call by the callback's ``state_key``, and ModelCheckpoint builds that key
    from its settings each time: about 2 µs, some 13 times a training step for the two checkpoint entries. The
    settings it is built from are fixed at construction, and the class keeps Lightning's name, so the key (and
    every checkpoint's callback state) is the same as Lightning's.
    """

    @property
    def state_key(self) -> str:
        """Lightning's key for this callback's state in a checkpoint, computed once."""
        key = self.__dict__.get("_triad_state_key")
        if key is None:
            key = self.__dict__["_triad_state_key"] = super().state_key
        return key


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
    """A ``torch.utils.data.DataLoader`` in every respect but the unrecorded profiler range per item.

    torch wraps every ``next()`` of a DataLoader in ``record_function``, which costs 8–20 µs an item even when
    nothing records it (94 against 73 µs a batch for the teacher sampler; benchmarks/data.py). Simulated data hands
    over a whole batch per item, so that range was a fifth of a sampler's throughput. When a torch profiler is on
    (``debug=profiler`` with Lightning's PyTorchProfiler) the range is kept, so profiles read as before. The
    DataLoader offers no switch for that range; ``_get_iterator`` and the iterators' ``__next__`` are torch's.
    """

    def _get_iterator(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _InProcess(self)
        self.check_worker_number_rationality()
        return _Workers(self)


@lru_cache(maxsize=256)
def parse_header(preamble: bytes) -> tuple[np.dtype, tuple[int, ...], bool]:
    """(dtype, shape, fortran order) of a file's magic, version, length field and header text, parsed by numpy."""
    stream = io.BytesIO(preamble)
    version = np.lib.format.read_magic(stream)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read(stream)
    if dtype.hasobject:
        raise ValueError("object arrays cannot be loaded with allow_pickle=False; save numeric arrays instead")
    return dtype, tuple(shape), bool(fortran)


def load_npy(path: Path) -> np.ndarray:
    """The array in an ``.npy`` file (versions 1 and 2; others go through ``np.load``), in a writable buffer.

    ``np.load`` parses every file's header with ``ast.literal_eval``, about 100 µs: with one small file per sample
    (the layout data=files and data=digits use) that is most of a read. Files of one data set share a few headers,
    so the parsed (dtype, shape, order) is kept per header text (``parse_header``), and a file becomes one
    ``readinto`` and a ``frombuffer``.
    """
    with path.open("rb") as handle:
        buffer = bytearray(handle.seek(0, io.SEEK_END))  # the whole file: header and data
        handle.seek(0)
        if handle.readinto(buffer) != len(buffer):
            raise ValueError("the file changed while it was read")
    if buffer[:6] != NPY_MAGIC:
        raise ValueError("not an .npy file (no numpy magic string at its start)")
    if buffer[6] not in (1, 2):
        return np.load(path, allow_pickle=False)
    width = 2 if buffer[6] == 1 else 4  # the header length field: 2 bytes in version 1, 4 in version 2
    start = 8 + width + int.from_bytes(buffer[8 : 8 + width], "little")  # where the data begins
    dtype, shape, fortran = parse_header(bytes(buffer[:start]))
    count = math.prod(shape)
    if len(buffer) - start < count * dtype.itemsize:
        raise ValueError(f"the file is truncated: {len(buffer) - start} bytes of data for shape {shape} of {dtype}")
    array = np.frombuffer(buffer, dtype=dtype, count=count, offset=start)
    return array.reshape(shape, order="F" if fortran else "C")


def skip_nvml_probe() -> bool:
    """Where NVIDIA's NVML library cannot be loaded, drop ``PYTORCH_NVML_BASED_CUDA_CHECK``; True if it was dropped.

    Lightning's import sets that variable, so that ``torch.cuda.is_available()`` counts devices through NVML and
    leaves CUDA uninitialised (forked workers stay usable). Where the library is missing (a machine without
    NVIDIA's driver, with torch built for CUDA), each such count is a failed ``dlopen`` after which torch asks the
    CUDA runtime, which is what it asks without the variable: the same answer, about 0.15 ms later. AdamW asks
    once a step (its graph-capture check), 12-14 % of the default run's step. Where the library loads, the
    variable stays.
    """
    if os.environ.get(NVML_CHECK) != "1" or not torch.backends.cuda.is_built():
        return False
    try:
        ctypes.CDLL(NVML_LIBRARY)
    except OSError:
        del os.environ[NVML_CHECK]
        return True
    return False


def keep_freed_memory() -> bool:
    """Have glibc's malloc serve blocks under 256 MiB from its heap, and keep freed ones for reuse; True if set.

    By default glibc maps each block over 32 MiB afresh and unmaps it when freed, so every step of a long sequence
    faults in and zeroes its activations again (a tcn pass at 65k: 262k page faults, 0.77 s against 0.54 s kept).
    The cost is peak memory where blocks are under 256 MiB (the heap's fragmentation: +7-92 % at 65k-262k; figures
    in docs/performance.md). A user's own ``MALLOC_*`` or ``GLIBC_TUNABLES`` variable wins; off glibc, nothing.
    """
    if "GLIBC_TUNABLES" in os.environ or any(name.startswith("MALLOC_") for name in os.environ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, TypeError, AttributeError):  # none to load (Windows), or no mallopt (macOS)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_BLOCKS)) and bool(mallopt(M_TRIM_THRESHOLD, HEAP_BLOCKS))
