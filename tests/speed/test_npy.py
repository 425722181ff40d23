"""load_npy: the same arrays as np.load, every malformed file refused with a reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from src.speed.npy import load_npy, parse_header

ARRAYS = {
    "float32 image": np.arange(64, dtype=np.float32).reshape(1, 8, 8),
    "float64 vector": np.linspace(-1, 1, 7),
    "int64 tokens": np.array([3, 1, 4, 1, 5], dtype=np.int64),
    "big-endian": np.arange(6, dtype=">f4").reshape(2, 3),
    "fortran order": np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "bool": np.array([True, False, True]),
}


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_load_npy_equals_np_load(tmp_path: Path, name: str) -> None:
    path = tmp_path / "a.npy"
    np.save(path, ARRAYS[name])
    loaded = load_npy(path)
    expected = np.load(path)
    assert loaded.dtype == expected.dtype and loaded.shape == expected.shape
    np.testing.assert_array_equal(loaded, expected)
    assert loaded.flags.writeable  # torch.from_numpy takes it without a warning, and may write to it


def test_version_2_and_3_headers_read(tmp_path: Path) -> None:
    array = np.arange(10, dtype=np.float32)
    for version in ((2, 0), (3, 0)):  # 2: a 4-byte header length; 3 (utf-8 field names) goes through np.load
        path = tmp_path / f"v{version[0]}.npy"
        with path.open("wb") as handle:
            np.lib.format.write_array(handle, array, version=version)
        np.testing.assert_array_equal(load_npy(path), array)


def test_header_parsed_once_for_files_alike(tmp_path: Path) -> None:
    parse_header.cache_clear()
    for i in range(5):
        np.save(tmp_path / f"{i}.npy", np.full((2, 2), i, dtype=np.float32))
        assert load_npy(tmp_path / f"{i}.npy")[0, 0] == i
    info = parse_header.cache_info()
    assert (info.misses, info.hits) == (1, 4)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not numpy at all", "no numpy magic"),
        (None, "truncated"),
        ("object", "allow_pickle"),
    ],
)
def test_malformed_files_refused(tmp_path: Path, content: bytes | str | None, reason: str) -> None:
    path = tmp_path / "bad.npy"
    if content is None:  # a valid file cut short
        np.save(path, np.zeros(100, dtype=np.float32))
        path.write_bytes(path.read_bytes()[:-40])
    elif content == "object":
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=reason):
        load_npy(path)
