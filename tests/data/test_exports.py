"""Exports of the shipped data sets: complete files, written once, never half-written."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from src.data.files import exports


def test_digits_export_writes_every_image_and_a_manifest(tmp_path: Path) -> None:
    root = exports.export_digits(root=str(tmp_path / "digits"))
    rows = list(csv.DictReader((root / "manifest.csv").open()))
    assert len(rows) == 1797 and {int(r["label"]) for r in rows} == set(range(10))
    image = np.load(root / rows[0]["path"])
    assert image.shape == (1, 8, 8) and image.dtype == np.float32 and image.min() >= 0 and image.max() <= 1


def test_diabetes_export_writes_one_csv_with_features_and_target(tmp_path: Path) -> None:
    root = exports.export_diabetes(root=str(tmp_path / "diabetes"))
    rows = list(csv.reader((root / "diabetes.csv").open()))
    assert len(rows) == 443 and len(rows[0]) == 11 and rows[0][-1] == "target"


def test_export_is_idempotent(tmp_path: Path) -> None:
    root = exports.export_diabetes(root=str(tmp_path / "diabetes"))
    before = (root / "diabetes.csv").stat().st_mtime_ns
    (root / "note.txt").write_text("mine")
    assert exports.export_diabetes(root=str(tmp_path / "diabetes")) == root
    assert (root / "diabetes.csv").stat().st_mtime_ns == before and (root / "note.txt").read_text() == "mine"


def test_a_crash_mid_export_leaves_nothing_a_later_run_would_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = 0
    real_save = np.save

    def crash_after_ten(path: object, array: object) -> None:
        nonlocal saved
        saved += 1
        if saved > 10:
            raise KeyboardInterrupt  # the user pressed Ctrl-C, or the job was killed
        real_save(path, array)

    monkeypatch.setattr(np, "save", crash_after_ten)
    with pytest.raises(KeyboardInterrupt):
        exports.export_digits(root=str(tmp_path / "digits"))
    assert not (tmp_path / "digits").exists()
    monkeypatch.setattr(np, "save", real_save)
    root = exports.export_digits(root=str(tmp_path / "digits"))
    assert len(list((root / "images").iterdir())) == 1797


def test_an_interrupted_export_folder_is_ignored_and_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / ".diabetes.partial-abc").mkdir()
    (tmp_path / ".diabetes.partial-abc" / "diabetes.csv").write_text("half")
    root = exports.export_diabetes(root=str(tmp_path / "diabetes"))
    assert len((root / "diabetes.csv").read_text().splitlines()) == 443
    assert "unfinished export" in caplog.text
