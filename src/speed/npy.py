"""Read one ``.npy`` file fast: its header is parsed once per distinct header, not once per file.

``np.load`` parses every file's header with ``ast.literal_eval``, about 100 µs: with one small file per sample (the
layout data=files and data=digits use) that is most of a read. Files of one data set share a few headers, so the
parsed (dtype, shape, order) is kept per header text, and a file becomes one ``readinto`` and a ``frombuffer``.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

MAGIC = b"\x93NUMPY"


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
    """The array in an ``.npy`` file (versions 1 and 2; others go through ``np.load``), in a writable buffer."""
    with path.open("rb") as handle:
        buffer = bytearray(handle.seek(0, io.SEEK_END))  # the whole file: header and data
        handle.seek(0)
        if handle.readinto(buffer) != len(buffer):
            raise ValueError("the file changed while it was read")
    if buffer[:6] != MAGIC:
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
