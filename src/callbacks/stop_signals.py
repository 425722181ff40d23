"""ForwardStopSignal: SIGTERM during fit reaches the DDP children and stops this process, with no collective call.

Lightning's own SIGTERM handler forwards the signal to the children, then calls ``dist.broadcast`` inside the
handler. A signal handler runs between two Python bytecodes of the main thread, so rank 0 then waits in that
broadcast while rank 1 may wait in a gradient all-reduce: the run hangs, and ignores further SIGTERMs (seen here once
in five runs of ``tests/test_ddp.py``). This callback puts back the handler that was there before fit (the entry
point's, ``src.cli.stopping``, which raises at once), after forwarding the signal to the children.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

import lightning.pytorch as pl


class ForwardStopSignal(pl.Callback):
    """Replace Lightning's SIGTERM handler, once it has registered it, by: forward to the children, then the old one."""

    def __init__(self) -> None:
        self._before_fit: Any = None

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Remember the handler from before fit (Lightning registers its own after this hook)."""
        self._before_fit = signal.getsignal(signal.SIGTERM)

    def on_sanity_check_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """The first hook after Lightning registered its handlers."""
        self._take_over(trainer)

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Also here: without a sanity check, this is the first hook after the registration."""
        self._take_over(trainer)

    def _take_over(self, trainer: pl.Trainer) -> None:
        previous = self._before_fit
        if not callable(previous):  # no handler of ours to hand over to: leave Lightning's in place
            return

        def forward_then_stop(signum: int, frame: FrameType | None) -> None:
            if trainer.strategy.launcher is not None:
                trainer.strategy.launcher.kill(signum)  # the DDP children (none outside DDP, or on rank 1)
            previous(signum, frame)

        signal.signal(signal.SIGTERM, forward_then_stop)  # Lightning puts back the handler from before fit at its end
