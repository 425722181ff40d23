"""The trainer and its plumbing (callbacks, loggers, checkpoint files) from config, with a log line per piece."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import lightning.pytorch as pl
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor, ProgressBar
from lightning.pytorch.loggers import WandbLogger
from omegaconf import DictConfig

from src.callbacks.divergence import StopOnDivergence
from src.callbacks.stop_signals import ForwardStopSignal
from src.cli.ddp import own_process_group
from src.errors import TriadError
from src.runs.checkpoints import CheckpointFiles
from src.speed.profiler import NoProfiler

log = logging.getLogger(__name__)
EXTRAS = {"tensorboard": "loggers"}  # entry name -> pyproject extra, where the two differ


def instantiate_named(group: DictConfig, kind: str) -> list[Any]:
    """Build every entry of a named group (callbacks, loggers) that is not null."""
    built = []
    for name, conf in group.items():
        if conf is not None:
            log.info(f"{kind} {name}: <{conf._target_}>")
            try:
                built.append(instantiate(conf))
            except InstantiationException as err:
                if isinstance(err.__cause__, TriadError):  # the piece's own message says what to do
                    raise err.__cause__ from err
                if isinstance(err.__cause__, ImportError):
                    raise TriadError(
                        f"{kind.lower()} {name} needs a package that is not installed: {err.__cause__}\n"
                        f'  The project\'s extras install it: pip install -e ".[{EXTRAS.get(name, name)}]"'
                    ) from err
                raise
    return built


def instantiate_trainer(cfg: DictConfig) -> pl.Trainer:
    """The Trainer of ``cfg.trainer`` with the run's callbacks and loggers; checkpoint files go through ours."""
    callbacks = instantiate_named(cfg.callbacks, "Callback")
    loggers = instantiate_named(cfg.logger, "Logger")
    if not loggers and any(isinstance(c, LearningRateMonitor) for c in callbacks):
        log.info("No logger: the learning-rate monitor is off (it has nowhere to write).")
        callbacks = [c for c in callbacks if not isinstance(c, LearningRateMonitor)]
    if not cfg.trainer.enable_progress_bar and any(isinstance(c, ProgressBar) for c in callbacks):
        log.info("trainer.enable_progress_bar=false: the progress bar callback is off.")
        callbacks = [c for c in callbacks if not isinstance(c, ProgressBar)]
    callbacks.append(StopOnDivergence())  # every run: a non-finite loss is never trained on, nor saved
    callbacks.append(ForwardStopSignal())  # every run: SIGTERM stops every DDP rank at once, with no collective call
    log.info(f"Trainer: <{cfg.trainer._target_}>")
    quiet = {} if cfg.trainer.get("profiler") is not None else {"profiler": NoProfiler()}  # no profiling, at no cost
    return instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False, plugins=[CheckpointFiles()], **quiet)


@contextmanager
def trainer_for(cfg: DictConfig) -> Iterator[pl.Trainer]:
    """The run's Trainer; on leaving, end what would outlive it: logger runs, the DDP process group.

    A wandb run is global to the process: without ``wandb.finish()`` the next job of a sweep, which Hydra's
    basic launcher runs in the same process, would log into this job's run.
    """
    with own_process_group():
        trainer = instantiate_trainer(cfg)
        failed = True
        try:
            yield trainer
            failed = False
        finally:
            if any(isinstance(logger, WandbLogger) for logger in trainer.loggers):
                import wandb

                wandb.finish(exit_code=int(failed))
