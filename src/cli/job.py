"""What every entry point's job does around its work: the config checked, the run decided, every ending reported.

SIGTERM (``kill``, SLURM before a time limit) and Ctrl-C stop at once, say how to continue, and exit 128 + the
signal. Stopping mid-epoch loses only that epoch's progress: ``last.ckpt`` is written (atomically) at the end of
every epoch, and a run resumed from it replays the interrupted epoch exactly, because every batch is a function of
its epoch and index (Lightning warns that a mid-epoch checkpoint without a resumable loader gives unreliable results).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TypeVar

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from src.cli.hydra_driver import publish_job
from src.cli.reporting import USER_ERRORS, causes, fail_with, innermost, out_of_memory, unwrapped
from src.errors import TriadError
from src.runs.folder import atomic_write, checkpoint_file, failure_file
from src.runs.life import Run, decide
from src.runs.trial import job_trial

log = logging.getLogger(__name__)
T = TypeVar("T")


def guarded(body: Callable[[DictConfig, Run], T]) -> Callable[..., T | None]:
    """An entry point's job with the config checked, the run decided and seeded, and every way of ending reported.

    A single run is decided before Hydra makes its folder and handed in as ``run``; a job of a sweep is decided
    here, from its own composition.
    - A user error (bad config, data, file; a diverged run; out of memory) is one message and exit 2 (3 for a
      divergence).
    - SIGTERM or Ctrl-C says what was saved and how to resume, and exits 143 / 130 (a sweep stops there too).
    - In a multirun, an error fails that job only: one line on screen, the reason in the job's ``failure.txt``,
      and ``None`` returned, which sweepers record as a failed trial; the sweep goes on.
    """

    @functools.wraps(body)
    def job(cfg: DictConfig, run: Run | None = None) -> T | None:
        multirun = HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN
        run_dir = Path(HydraConfig.get().runtime.output_dir) if HydraConfig.initialized() else Path(".")
        with stop_signals() as stop:
            try:
                validate(cfg)
                run = run or decided(cfg, run_dir, multirun=multirun)
                publish_job()
                prepare(cfg.seed)
                return body(cfg, run)
            except BaseException as err:
                if stop.signum is not None:
                    exit_interrupted(stop.signum, run_dir, multirun=multirun)
                if not isinstance(err, Exception):
                    raise
                log.debug("full traceback of the error below", exc_info=True)  # file handler only (DEBUG)
                err = out_of_memory(err, cfg) or err
                message = str(unwrapped(err)) if isinstance(err, USER_ERRORS) else f"{type(err).__name__}: {err}"
                if multirun:
                    record_failure(run_dir, message)
                    return None
                if isinstance(err, USER_ERRORS):
                    fail_with(err)
                raise

    return job


def decided(cfg: DictConfig, folder: Path, *, multirun: bool = False) -> Run:
    """What the run composed as ``cfg`` is, in ``folder``: new, resumed or requeued (``runs/life.py``); its trial."""
    resume, ckpt_path = OmegaConf.select(cfg, "resume"), OmegaConf.select(cfg, "ckpt_path")  # eval: the one tested
    run = decide(folder, resume=resume, ckpt_path=ckpt_path, multirun=multirun)
    return dataclasses.replace(run, trial=job_trial())


def validate(cfg: DictConfig) -> None:
    """Report every missing value and every broken interpolation at once, before anything is built."""
    problems = _unresolved(cfg, "")
    if problems:
        raise TriadError("the config is incomplete:\n  - " + "\n  - ".join(problems))


def _unresolved(node: DictConfig | ListConfig, prefix: str) -> list[str]:
    """``<key>: <why>`` for every value below ``node`` that is missing or does not resolve."""
    problems = []
    keys = node.keys() if isinstance(node, DictConfig) else range(len(node))
    for key in keys:
        full = f"{prefix}[{key}]" if isinstance(node, ListConfig) else f"{prefix}.{key}".lstrip(".")
        if OmegaConf.is_missing(node, key):
            problems.append(f"{full}: no value given (set it on the command line: {full}=...)")
            continue
        try:
            value = node[key]  # resolves an interpolation, running its resolver
        except OmegaConfBaseException as err:  # a broken interpolation, or a resolver that raised
            problems.append(f"{full}: {innermost(causes(err))}")
            continue
        if isinstance(value, DictConfig | ListConfig):
            problems += _unresolved(value, full)
    return problems


def record_failure(run_dir: Path, message: str) -> None:
    """A failed job of a sweep: one line on screen, its reason in ``failure.txt`` (the sweep summary reads it)."""
    log.error(f"Job failed ({run_dir}): {message.splitlines()[0] if message else ''}")
    with atomic_write(failure_file(run_dir)) as handle:
        handle.write(message + "\n")


def prepare(seed: int) -> None:
    """Seed everything and make Lightning's console output go through Hydra's logging once, without ads."""
    from lightning.pytorch import seed_everything  # torch: only once the config is composed and checked

    # `lightning` installs its own console handler at import; Hydra's root handlers already print and file it.
    logging.getLogger("lightning").handlers.clear()
    logging.getLogger("lightning.pytorch.utilities.rank_zero").addFilter(lambda r: "💡 Tip" not in r.getMessage())
    # Lightning 2.6 on torch >= 2.10 warns on every step about a torch-internal deprecation it calls itself.
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    # The module logs epoch values that compute() has already gathered from every rank: no sync_dist is needed.
    warnings.filterwarnings("ignore", message=r"It is recommended to use `self.log\('[^']*', \.\.\., sync_dist=True\)`")
    seed_everything(seed, workers=True)


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
