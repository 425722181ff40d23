"""TimedProgressBar: Lightning's tqdm bar, redrawn at most a few times a second instead of after every step."""

from __future__ import annotations

import math
import time

from lightning.pytorch.callbacks import TQDMProgressBar


class TimedProgressBar(TQDMProgressBar):
    """The same bar and figures as Lightning's default, redrawn every ``interval`` seconds and at each bar's end.

    Lightning's bar redraws after every step (``refresh_rate=1``): formatting the bar and its metrics costs about
    0.1-0.3 ms a step, as much as a small model's whole step, for updates faster than anyone reads.
    """

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(refresh_rate=1)
        if interval < 0:
            raise ValueError(f"the progress bar's interval must be >= 0 seconds, got {interval}")
        self.interval, self._drawn = interval, -math.inf  # the first step is always drawn

    def _should_update(self, current: int, total: int) -> bool:
        """At a bar's last step, and otherwise once ``interval`` seconds have passed since the last redraw."""
        if not self.is_enabled:
            return False
        now = time.monotonic()
        if current == total or now - self._drawn >= self.interval:
            self._drawn = now
            return True
        return False
