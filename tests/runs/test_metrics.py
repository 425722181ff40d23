"""metrics.csv: one writer (append, widen, continue a resumed run) and one reader for every use."""

from __future__ import annotations

from pathlib import Path

import pytest

from src.errors import TriadError
from src.runs.metrics import MetricsWriter, curves, final_values, read_rows, rows, stage_values


def write(path: Path, *batches: list[dict[str, float | int]], continue_after: int | None = None) -> None:
    writer = MetricsWriter(path, continue_after)
    for batch in batches:
        writer.write(batch)


def test_rows_are_appended_and_a_new_column_widens_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    write(
        path,
        [{"epoch": 0, "step": 4, "train/loss": 1.5}],
        [{"epoch": 0, "step": 4, "val/acc": 0.5, "val/loss": 1.2}],  # new columns: the file is rewritten
        [{"epoch": 1, "step": 8, "train/loss": 0.9}],  # same columns: appended
    )
    header, stored = read_rows(path)
    assert header == ["epoch", "step", "train/loss", "val/acc", "val/loss"]
    assert [r["train/loss"] for r in stored] == ["1.5", "", "0.9"]
    assert rows(path)[1] == {"epoch": 0.0, "step": 4.0, "val/acc": 0.5, "val/loss": 1.2}  # empty cells left out


def test_the_reader_gives_curves_final_values_and_a_stages_values(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    write(
        path,
        [{"epoch": 0, "step": 4, "val/acc": 0.5}, {"epoch": 1, "step": 8, "val/acc": 0.7}],
        [{"epoch": 1, "step": 8, "test/acc": 0.68, "lr-AdamW": 0.003}],
    )
    assert curves(path, ["val/acc", "val/loss"]) == {"val/acc": [(0, 0.5), (1, 0.7)], "val/loss": []}
    assert final_values(path) == {"val/acc": 0.7, "test/acc": 0.68, "lr-AdamW": 0.003}  # the last, not the best
    assert stage_values(path, "test") == {"test/acc": 0.68}


def test_a_resumed_run_continues_the_file_dropping_what_came_after_its_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    write(
        path,
        [{"epoch": 0, "step": 4, "train/loss": 1.0}, {"epoch": 1, "step": 8, "train/loss": 0.8}],
        [{"step": 8, "lr-AdamW": 0.1}],  # logged as epoch 2 began (no epoch): after the checkpoint of step 8
        [{"epoch": 2, "step": 10, "train/loss": 0.7}, {"epoch": 2, "step": 10, "test/acc": 0.9}],  # after the ckpt
    )
    writer = MetricsWriter(path, continue_after=8)
    assert len(rows(path)) == 5  # nothing is touched before the first row
    writer.write([{"epoch": 2, "step": 12, "train/loss": 0.6}])
    assert [(r["step"], r.get("train/loss")) for r in rows(path)] == [(4, 1.0), (8, 0.8), (12, 0.6)]


def test_a_file_of_another_run_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,step,val/acc\n0,4,0.5\n")
    with pytest.raises(TriadError, match=f"resume={tmp_path}"):
        MetricsWriter(path)
    assert path.read_text() == "epoch,step,val/acc\n0,4,0.5\n"
