"""A clean console: a default run and every shipped preset train, test and print no warning the user cannot act on.

This is also the test that every preset runs: two epochs of a few batches each, every default on (the README's smoke
test, ``tests/test_workflow.py``, runs each one again with ``debug=fdr``).
"""

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
    few = ["trainer.limit_train_batches=3", "trainer.limit_val_batches=2", "trainer.limit_test_batches=2"]
    cfg = fast_train_cfg([*chosen, *where, "trainer.max_epochs=2", *few], tmp_path)  # values, not defaults, changed
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="lightning"):
        warnings.simplefilter("always")  # every warning once raised, whatever the suite's filters
        assert train.main(cfg) is not None
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    shown += [r.getMessage() for r in caplog.records if r.name.startswith("lightning") and r.levelno >= logging.WARNING]
    assert shown == []
