"""A run's final metrics: the table on screen and the value handed to sweepers."""

from __future__ import annotations

import math

import pytest

from src.cli.results import optimized_value, show_metrics


def test_the_table_shows_test_metrics_first(capsys: pytest.CaptureFixture) -> None:
    show_metrics({"val/acc": 0.9, "test/acc": 0.88, "train/loss": 0.2}, title="train: final metrics")
    out = capsys.readouterr().out
    assert "train: final metrics" in out
    assert out.index("test/acc") < out.index("train/loss") < out.index("val/acc") and "0.8800" in out


def test_the_optimized_metric_is_returned_or_missing_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    assert optimized_value({"val/acc": 0.9}, "val/acc") == 0.9
    assert optimized_value({"val/acc": 0.9}, None) is None
    assert optimized_value({"val/acc": math.nan}, "val/acc") is None
    assert (
        optimized_value({"val/acc": 0.9}, "val/f1") is None and "optimized_metric=val/f1 was not logged" in caplog.text
    )
