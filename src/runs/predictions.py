"""Write post-processed predictions, one row per sample (or per position that counts), to CSV.

A run of several heads (``task=multi``) writes one file per head beside ``output``, named after it
(``predictions.state.csv``), each as a run of that head's task alone would write it.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import torch
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
    """Concatenate per-batch prediction dicts; a (N, K) column becomes K columns ``name_0..name_{K-1}``."""
    columns: dict[str, Tensor] = {k: torch.cat([b[k] for b in batches]) for k in batches[0]}
    flat: dict[str, list] = {}
    for name, values in columns.items():
        values = values.reshape(len(values), -1) if values.dim() > 1 else values[:, None]
        for j in range(values.shape[1]):
            flat[name if values.shape[1] == 1 else f"{name}_{j}"] = values[:, j].tolist()
    out = Path(path)
    with atomic_write(out, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(flat)
        writer.writerows(zip(*flat.values(), strict=True))
    log.info(f"Predictions for {len(next(iter(flat.values())))} samples: {out}")
    return out
