"""ModelCheckpoint: Lightning's state key, built once."""

from __future__ import annotations

import pytest
from lightning.pytorch import callbacks

from src.callbacks.checkpoint import ModelCheckpoint

SETTINGS = [{"monitor": "val/acc", "mode": "max"}, {"monitor": None, "filename": "last"}, {"every_n_epochs": 2}]


@pytest.mark.parametrize("settings", SETTINGS)
def test_state_key_is_lightnings_and_built_once(settings: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = callbacks.ModelCheckpoint(**settings).state_key
    assert ModelCheckpoint(**settings).state_key == expected  # checkpoints written by either load into the other
    built: list[str] = []
    real = callbacks.Callback._generate_state_key
    monkeypatch.setattr(
        callbacks.Callback, "_generate_state_key", lambda self, **kw: built.append("x") or real(self, **kw)
    )
    fresh = ModelCheckpoint(**settings)
    assert {fresh.state_key for _ in range(5)} == {expected}
    assert len(built) == 1
