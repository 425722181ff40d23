"""TimedProgressBar: redrawn at most every ``interval`` seconds, always at a bar's last step."""

from __future__ import annotations

import pytest
from lightning.pytorch.callbacks import TQDMProgressBar

from src.speed.progress import TimedProgressBar


def redraws(bar: TimedProgressBar, total: int) -> list[int]:
    return [step for step in range(1, total + 1) if bar._should_update(step, total)]  # noqa: SLF001  (the throttle)


def test_a_long_interval_redraws_the_first_and_the_last_step_only() -> None:
    assert redraws(TimedProgressBar(interval=3600), 50) == [1, 50]


def test_interval_zero_redraws_every_step_as_lightnings_bar_does() -> None:
    assert redraws(TimedProgressBar(interval=0), 20) == list(range(1, 21))


def test_it_is_lightnings_tqdm_bar_and_overrides_a_method_lightning_still_calls() -> None:
    assert issubclass(TimedProgressBar, TQDMProgressBar) and "_should_update" in vars(TQDMProgressBar)


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="interval must be >= 0"):
        TimedProgressBar(interval=-1)
