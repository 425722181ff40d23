"""A clean console: a default run and every shipped preset print no warning the user cannot act on."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from src import train
from tests.helpers import fast_train_cfg, options

pytestmark = pytest.mark.train  # every test here trains


@pytest.mark.parametrize("preset", ["default", *options("experiment")])
def test_a_run_prints_no_warning_it_cannot_act_on(
    preset: str, data_dir: Path, source_logs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chosen = [] if preset == "default" else [f"experiment={preset}"]
    where = [f"paths.data_dir={data_dir}", f"paths.log_dir={source_logs}"]  # transfer presets find their sources
    cfg = fast_train_cfg([*chosen, *where, "trainer.max_epochs=2"], tmp_path)  # a value, not a default, changed
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="lightning"):
        warnings.simplefilter("always")  # every warning once raised, whatever the suite's filters
        assert train.main(cfg) is not None
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    shown += [r.getMessage() for r in caplog.records if r.name.startswith("lightning") and r.levelno >= logging.WARNING]
    assert shown == []
