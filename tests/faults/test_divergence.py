"""A diverging run stops at once, says where and why, exits 3, and saves nothing from its non-finite state."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli

pytestmark = pytest.mark.train  # every test here runs commands


def test_a_learning_rate_that_diverges_stops_the_run_with_its_step_and_causes(tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = run_cli("src.train", "optimizer.lr=1e6", "trainer.max_epochs=3", f"hydra.run.dir={run}")
    screen = result.stdout + result.stderr
    assert result.returncode == 3 and "Traceback" not in screen, screen[-3000:]
    assert "training diverged: the loss was nan at step" in screen and "(epoch 0)" in screen
    assert "a learning rate too high (optimizer.lr is 1e+06" in screen
    assert not (run / "checkpoints").exists()  # no best.ckpt from NaN metrics, no last.ckpt of NaN weights
