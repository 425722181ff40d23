"""Pytest fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hydra.core.global_hydra import GlobalHydra


@pytest.fixture(autouse=True)
def _clean_hydra() -> Iterator[None]:
    """Every test starts and ends with no global Hydra state."""
    GlobalHydra.instance().clear()
    yield
    GlobalHydra.instance().clear()


@pytest.fixture
def logs(tmp_path: Path) -> dict[str, str]:
    """Environment for CLI runs that writes all run folders below a temporary directory."""
    return {"LOG_DIR": str(tmp_path / "logs"), "DATA_DIR": str(tmp_path / "data")}
