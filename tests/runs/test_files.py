"""Atomic writes: a reader never sees half a file, and a failed write leaves the old file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from src.runs.files import atomic_write


def test_a_write_replaces_the_file_in_one_step_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.csv"
    with atomic_write(target) as handle:
        handle.write("new")
        assert not target.exists()  # nothing at the target until the write is complete
    assert target.read_text() == "new" and [p.name for p in target.parent.iterdir()] == ["a.csv"]


def test_a_failed_write_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_only_whole_file_modes_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="whole files"), atomic_write(tmp_path / "a", "a"):
        pass
