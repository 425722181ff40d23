"""A CSV logger that can continue a run's metrics.csv instead of deleting it."""

from __future__ import annotations

import csv
import os

from lightning.fabric.utilities.rank_zero import rank_zero_only
from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter


class ContinuingWriter(ExperimentWriter):
    """Keeps an existing metrics.csv, continuing it under the same header.

    Rows up to ``keep_until_step`` stay; later ones and test rows (logged after the checkpoint a run resumes
    from: a half epoch, a final test) are dropped, so that the resumed run's rows follow without duplicates.
    """

    def __init__(self, log_dir: str, keep_until_step: int | None) -> None:
        self.keep_until_step = keep_until_step
        super().__init__(log_dir=log_dir)

    def _check_log_dir_exists(self) -> None:
        if self.keep_until_step is None or not os.path.isfile(self.metrics_file_path):
            super()._check_log_dir_exists()
            return
        with open(self.metrics_file_path, newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = [r for r in reader if int(r["step"]) <= self.keep_until_step and not _is_test_row(r)]
        with open(self.metrics_file_path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        self.metrics_keys = header


def _is_test_row(row: dict[str, str]) -> bool:
    """A row of the interrupted run's final test: the resumed run tests again at its own end."""
    return any(value and key.startswith("test/") for key, value in row.items())


class ResumableCSVLogger(CSVLogger):
    """Lightning's CSVLogger; with ``keep_until_step`` set, a resumed run continues its metrics.csv."""

    def __init__(self, save_dir: str, name: str, version: str, keep_until_step: int | None) -> None:
        super().__init__(save_dir=save_dir, name=name, version=version)
        self.keep_until_step = keep_until_step

    @property
    @rank_zero_only
    def experiment(self) -> ExperimentWriter:
        """The writer, continuing an existing metrics.csv when resuming."""
        if self._experiment is None:
            os.makedirs(self.root_dir, exist_ok=True)
            self._experiment = ContinuingWriter(log_dir=self.log_dir, keep_until_step=self.keep_until_step)
        return self._experiment
