"""Write post-processed predictions, one row per sample (or per position that counts), to CSV.

A run of several heads (``task=multi``) writes one file per head beside ``output``, named after it
(``predictions.state.csv``), each as a run of that head's task alone would write it.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from torch import Tensor

from src.errors import TriadError
from src.runs.folder import atomic_write

log = logging.getLogger(__name__)


def check_new(path: str) -> None:
    """Predictions never replace a file: an existing ``output`` stops the command before any work."""
    if Path(path).exists():
        raise TriadError(f"output={path} exists: predictions never replace a file. Name another output=, or move it.")


def prediction_files(output: str, heads: list[str]) -> list[Path]:
    """The files a prediction writes: ``output``, or for several heads one per head beside it."""
    path = Path(output)
    return [path.with_name(f"{path.stem}.{head}{path.suffix}") for head in heads] if heads else [path]


def write_predictions(batches: list[dict], output: str, heads: list[str]) -> list[Path]:
    """Every batch's prediction columns to ``prediction_files``: one file, or each head's rows to its own."""
    if not heads:
        return [write_csv(batches, output)]
    return [
        write_csv([b[head] for b in batches], str(path))
        for head, path in zip(heads, prediction_files(output, heads), strict=True)
    ]


def write_csv(batches: list[dict[str, Tensor]], path: str) -> Path:
    """Every batch's prediction columns as rows; a (N, K) column becomes K columns ``name_0..name_{K-1}``.

    Streamed: rows become Python values ``CHUNK`` at a time, so that a million positions' rows are never all held
    as Python objects.
    """
    names = [name for name, values in columns(batches[0]) for name in names_of(name, values)]
    out, count = Path(path), 0
    with atomic_write(out, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for batch in batches:
            flat = [values[:, j] for _, values in columns(batch) for j in range(values.shape[1])]
            for start in range(0, len(flat[0]), CHUNK):
                writer.writerows(zip(*(column[start : start + CHUNK].tolist() for column in flat), strict=True))
            count += len(flat[0])
    log.info(f"Predictions: {count} rows in {out}")
    return out


CHUNK = 65536  # rows turned into Python values at a time


def columns(batch: dict[str, Tensor]) -> list[tuple[str, Tensor]]:
    """A batch's prediction columns, each as (N, K): a (N,) column as (N, 1), a (N, ...) one flattened."""
    return [(name, values.reshape(len(values), -1)) for name, values in batch.items()]


def names_of(name: str, values: Tensor) -> list[str]:
    """The CSV columns of one (N, K) prediction column: its name, or ``name_0..name_{K-1}``."""
    return [name] if values.shape[1] == 1 else [f"{name}_{j}" for j in range(values.shape[1])]
