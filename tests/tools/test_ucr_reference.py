"""tools/ucr_reference.py: the reference accuracies of docs/results.md's UCR table, as a Markdown table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools import ucr_reference


def test_it_prints_a_row_per_set_with_its_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("AEON_DATA", str(tmp_path / "aeon"))  # restored after the test
    monkeypatch.setattr(sys, "argv", ["ucr_reference.py", "ItalyPowerDemand", "JapaneseVowels"])
    ucr_reference.main()
    header, rule, *rows = capsys.readouterr().out.strip().splitlines()
    assert header == "| data.dataset | 1-NN DTW | InceptionTime |" and rule == "|---|---|---|"
    italy, vowels = (row.strip("| ").split(" | ") for row in rows)
    assert italy[0] == "ItalyPowerDemand" and float(italy[1]) == pytest.approx(0.950, abs=0.001)  # the archive's
    assert float(italy[2]) == pytest.approx(0.966, abs=0.001)  # InceptionTime, as published
    assert vowels[0] == "JapaneseVowels" and 0.9 < float(vowels[1]) <= 1 and vowels[2] == "–"  # multivariate
