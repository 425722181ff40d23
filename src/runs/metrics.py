"""A run's metrics.csv: the one reader (curves, sweep summaries, resume, tests) and the one writer (the CSV logger).

The file holds one row per logging call: ``epoch``, ``step`` and one column per metric (``train/loss``, ``val/acc``,
``lr-AdamW``...), empty where that call logged no value.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from src.errors import TriadError
from src.runs.folder import atomic_write

Row = dict[str, float]
INDEX = ("epoch", "step")  # the columns every row has; the others are metrics


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and every row as stored (text; an empty cell is ``""``)."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def rows(path: Path) -> list[Row]:
    """Every row with its values as numbers, the empty cells left out."""
    return [{k: float(v) for k, v in row.items() if v not in ("", None)} for row in read_rows(path)[1]]


def final_values(path: Path) -> Row:
    """The last logged value of every metric: test metrics, the last epoch's train/val metrics (not the best)."""
    return last_values(rows(path))


def last_values(logged: list[Row]) -> Row:
    """The last value of every metric among rows already read (see ``final_values``)."""
    values: Row = {}
    for row in logged:
        values |= {k: v for k, v in row.items() if k not in INDEX}
    return values


def stage_values(path: Path, stage: str) -> Row:
    """The last logged value of every metric of one stage (``test`` gives ``test/acc``...)."""
    return {k: v for k, v in final_values(path).items() if k.startswith(f"{stage}/")}


def curves(path: Path, names: list[str]) -> dict[str, list[tuple[int, float]]]:
    """Per metric, its ``(epoch, value)`` points in logging order."""
    points: dict[str, list[tuple[int, float]]] = {name: [] for name in names}
    for row in rows(path):
        for name in names:
            if name in row:
                points[name].append((int(row["epoch"]), row[name]))
    return points


def is_test_row(row: dict[str, str]) -> bool:
    """A row of a final test (logged after the checkpoint a resumed run starts from)."""
    return any(value and key.startswith("test/") for key, value in row.items())


def before_checkpoint(row: dict[str, str], step: int) -> bool:
    """Whether a row was logged before a checkpoint saved at ``step`` (at the end of an epoch).

    Rows of that epoch carry the checkpoint's step; so does a row that the next epoch logged as it began (the
    learning-rate monitor's, which has no epoch): that one, later steps and test rows come after the checkpoint.
    """
    at = int(row["step"])
    return not is_test_row(row) and (at < step or (at == step and row.get("epoch", "") != ""))


class MetricsWriter:
    """Appends rows to metrics.csv; rewrites the file (atomically) only when a row brings a new column.

    ``continue_after`` continues an existing file (``resume=<run dir>``): rows up to that step stay, later ones
    and test rows (a half epoch, a final test, both logged after the checkpoint the run resumes from) go, so that
    the resumed run's rows follow without duplicates. Without it, an existing file is an error: a run folder holds
    one run, and no command overwrites a file it did not create. Nothing is written before the first row.
    """

    def __init__(self, path: Path, continue_after: int | None = None) -> None:
        if continue_after is None and path.exists():
            raise TriadError(
                f"{path} exists: this run folder already holds a run. Continue it with resume={path.parent}, "
                "or start a new run in another folder (drop hydra.run.dir, or name a new one)."
            )
        self.path, self.continue_after = path, continue_after
        self.header: list[str] = []
        self.started = False

    def write(self, new_rows: list[dict[str, float | int]]) -> None:
        """Add ``new_rows`` to the file."""
        if not new_rows:
            return
        if not self.started:
            kept: list[dict[str, str]] = []
            if self.continue_after is not None and self.path.is_file():
                self.header, old = read_rows(self.path)
                kept = [r for r in old if before_checkpoint(r, self.continue_after)]
            self._rewrite(kept, new_rows)
            self.started = True
        elif any(k not in self.header for row in new_rows for k in row):
            self._rewrite(read_rows(self.path)[1], new_rows)
        else:
            with self.path.open("a", newline="") as handle:
                self._writer(handle).writerows(new_rows)

    def _rewrite(self, old_rows: list[dict[str, str]], new_rows: list[dict[str, float | int]]) -> None:
        metrics = ({*self.header} | {k for row in new_rows for k in row}) - set(INDEX)
        self.header = [*INDEX, *sorted(metrics)]
        with atomic_write(self.path, newline="") as handle:
            writer = self._writer(handle)
            writer.writeheader()
            writer.writerows([*old_rows, *new_rows])

    def _writer(self, handle: IO[str]) -> csv.DictWriter:
        return csv.DictWriter(handle, fieldnames=self.header, restval="")
