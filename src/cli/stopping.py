"""SIGTERM (``kill``, SLURM before a time limit) and Ctrl-C: stop at once, say how to continue, exit 128 + signal.

Stopping mid-epoch loses only that epoch's progress: ``last.ckpt`` is written (atomically) at the end of every epoch,
and a run resumed from it replays the interrupted epoch exactly, because every batch is a function of its epoch and
index (Lightning warns that a mid-epoch checkpoint without a resumable loader gives unreliable results).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from src.runs.folder import checkpoint_file

log = logging.getLogger(__name__)
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Interrupted(BaseException):  # noqa: N818  (like KeyboardInterrupt: not an error, and no `except Exception` eats it)
    """A stop signal arrived; raised where the main thread was, so that the run unwinds at once."""


@dataclass
class Stop:
    """Which stop signal arrived, if any."""

    signum: int | None = None


@contextmanager
def stop_signals() -> Iterator[Stop]:
    """While inside, SIGTERM and SIGINT record themselves and raise ``Interrupted``; the old handlers come back after.

    During ``fit`` Lightning adds its own SIGTERM handler in front of this one (it forwards the signal to the DDP
    children), then calls this one.
    """
    stop = Stop()

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.signum is None:
            stop.signum = signum
            raise Interrupted(signal.Signals(signum).name)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield stop
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def exit_interrupted(signum: int, run_dir: Path, *, multirun: bool) -> None:
    """Print what was saved and the command that continues the run; exit with 128 + the signal's number."""
    if int(os.environ.get("LOCAL_RANK", 0)) == 0:  # a DDP child stops silently: rank 0 speaks for the run
        name = signal.Signals(signum).name
        last = checkpoint_file(run_dir, "last")
        if last.is_file():
            saved = "checkpoints/last.ckpt holds the last finished epoch. Resume with:\n"
            saved += f"  python -m src.train resume={run_dir}"
        else:
            saved = "no epoch had finished, so there is nothing to resume: run the command again."
        where = " The sweep stopped; the finished jobs are in its summary.csv." if multirun else ""
        print(f"\ntasktriad: stopped by {name} in {run_dir}.{where} {saved}", file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)
