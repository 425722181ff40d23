"""Atomic file writes: the content goes to a temp file in the same folder, then one rename puts it in place."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """A handle on a temp file beside ``path``; on success it replaces ``path``, on any failure it is removed.

    A reader (or a resumed run) never sees half a file: a crash or a kill mid-write leaves the old ``path`` as it was.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes whole files: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open(mode.replace("w", "x"), **open_kwargs) as handle:  # "x": never an existing file
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            temp.unlink()
        raise
