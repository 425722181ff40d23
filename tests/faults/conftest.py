"""Runs the fault tests start from: trained once per session, copied where a test may change them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli


@pytest.fixture(scope="session")
def trained_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two finished two-epoch runs: the default model, and one of another width (weights that fit nothing else)."""
    root = tmp_path_factory.mktemp("trained")
    runs = {"default": root / "default", "narrow": root / "narrow"}
    for name, extra in {"default": [], "narrow": ["backbone.width=32"]}.items():
        args = ["trainer.max_epochs=2", "data.num_train=2048", *extra, f"hydra.run.dir={runs[name]}"]
        result = run_cli("src.train", *args, env={"LOG_DIR": str(root / "logs")})
        assert result.returncode == 0, result.stderr[-3000:]
    return runs
