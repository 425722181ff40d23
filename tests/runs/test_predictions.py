"""predictions.csv: one row per sample, a column per value (a vector is spread over numbered columns)."""

from __future__ import annotations

import csv
from pathlib import Path

import torch

from src.runs.predictions import write_csv


def test_batches_become_one_row_per_sample_and_vectors_numbered_columns(tmp_path: Path) -> None:
    batches = [
        {"target": torch.tensor([1, 0]), "pred": torch.tensor([1, 1]), "probs": torch.tensor([[0.2, 0.8], [0.4, 0.6]])},
        {"target": torch.tensor([1]), "pred": torch.tensor([0]), "probs": torch.tensor([[0.9, 0.1]])},
    ]
    out = write_csv(batches, str(tmp_path / "out" / "predictions.csv"))
    table = list(csv.DictReader(out.open()))
    assert list(table[0]) == ["target", "pred", "probs_0", "probs_1"] and len(table) == 3
    assert [(r["target"], r["pred"], round(float(r["probs_1"]), 6)) for r in table] == [
        ("1", "1", 0.8),
        ("0", "1", 0.6),
        ("1", "0", 0.1),
    ]
