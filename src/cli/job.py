"""What every entry point does around its work, once Hydra has composed the config."""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from src.cli.checks import validate
from src.cli.ddp import publish_job
from src.cli.reporting import USER_ERRORS, fail_with, unwrapped
from src.cli.stopping import exit_interrupted, stop_signals
from src.runs.files import atomic_write
from src.runs.folder import failure_file

log = logging.getLogger(__name__)
T = TypeVar("T")


def guarded(body: Callable[[DictConfig], T]) -> Callable[[DictConfig], T | None]:
    """An entry point's body with the config checked, the run seeded, and every way of ending reported.

    - A user error (bad config, data, file; a diverged run) is one message and exit 2 (3 for a divergence).
    - SIGTERM or Ctrl-C says what was saved and how to resume, and exits 143 / 130 (a sweep stops there too).
    - In a multirun, an error fails that job only: one line on screen, the reason in the job's ``failure.txt``,
      and ``None`` returned, which sweepers record as a failed trial; the sweep goes on.
    """

    @functools.wraps(body)
    def run(cfg: DictConfig) -> T | None:
        multirun = HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN
        run_dir = Path(HydraConfig.get().runtime.output_dir) if HydraConfig.initialized() else Path(".")
        with stop_signals() as stop:
            try:
                validate(cfg)
                publish_job()
                prepare(cfg.seed)
                return body(cfg)
            except BaseException as err:
                if stop.signum is not None:
                    exit_interrupted(stop.signum, run_dir, multirun=multirun)
                if not isinstance(err, Exception):
                    raise
                log.debug("full traceback of the error below", exc_info=True)  # file handler only (DEBUG)
                message = str(unwrapped(err)) if isinstance(err, USER_ERRORS) else f"{type(err).__name__}: {err}"
                if multirun:
                    record_failure(run_dir, message)
                    return None
                if isinstance(err, USER_ERRORS):
                    fail_with(err)
                raise

    return run


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
