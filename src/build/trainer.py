"""The trainer and its plumbing (callbacks, loggers, checkpoint files) from config, with a log line per piece."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import lightning.pytorch as pl
from hydra.errors import InstantiationException
from hydra.utils import get_object, instantiate
from lightning.pytorch.callbacks import LearningRateMonitor, ProgressBar
from lightning.pytorch.loggers import WandbLogger
from omegaconf import DictConfig

from src.callbacks import ForwardStopSignal, ReportToTrial, StopOnDivergence
from src.errors import TriadError
from src.runs.checkpoints import CheckpointFiles
from src.runs.life import Run
from src.speed import NoProfiler, keep_freed_memory, skip_nvml_probe

log = logging.getLogger(__name__)
EXTRAS = {"tensorboard": "loggers"}  # entry name -> pyproject extra, where the two differ
LAUNCH_ENV = ("MASTER_ADDR", "MASTER_PORT", "NODE_RANK", "LOCAL_RANK", "WORLD_SIZE")  # set by Lightning's launcher


def instantiate_named(group: DictConfig, kind: str, **wired: Any) -> list[Any]:
    """Build every entry of a named group (callbacks, loggers) that is not null.

    ``wired``: values the build passes to the entries whose class names them in its signature (``continue_after``).
    """
    built = []
    for name, conf in group.items():
        if conf is not None:
            log.info(f"{kind} {name}: <{conf._target_}>")
            try:
                taken = inspect.signature(get_object(conf._target_)).parameters  # its class's import may fail
                built.append(instantiate(conf, **{key: value for key, value in wired.items() if key in taken}))
            except (ImportError, InstantiationException) as err:
                cause = err if isinstance(err, ImportError) else err.__cause__
                if isinstance(cause, TriadError):  # the piece's own message says what to do
                    raise cause from err
                if isinstance(cause, ImportError):
                    raise TriadError(
                        f"{kind.lower()} {name} needs a package that is not installed: {cause}\n"
                        f'  The project\'s extras install it: pip install -e ".[{EXTRAS.get(name, name)}]"'
                    ) from err
                raise
    return built


def instantiate_trainer(cfg: DictConfig, run: Run | None = None) -> pl.Trainer:
    """The Trainer of ``cfg.trainer`` with the run's callbacks and loggers; checkpoint files go through ours.

    ``run``: a continued run's metrics.csv goes on after its checkpoint's step.
    """
    callbacks = instantiate_named(cfg.callbacks, "Callback")
    loggers = instantiate_named(cfg.logger, "Logger", continue_after=run.continue_after if run else None)
    if not loggers and any(isinstance(c, LearningRateMonitor) for c in callbacks):
        log.info("No logger: the learning-rate monitor is off (it has nowhere to write).")
        callbacks = [c for c in callbacks if not isinstance(c, LearningRateMonitor)]
    if not cfg.trainer.enable_progress_bar and any(isinstance(c, ProgressBar) for c in callbacks):
        log.info("trainer.enable_progress_bar=false: the progress bar callback is off.")
        callbacks = [c for c in callbacks if not isinstance(c, ProgressBar)]
    callbacks.append(StopOnDivergence())  # every run: a non-finite loss is never trained on, nor saved
    callbacks.append(ForwardStopSignal())  # every run: SIGTERM stops every DDP rank at once, with no collective call
    if run is not None and run.trial is not None and cfg.get("optimized_metric"):  # a job of an Optuna sweep
        log.info(f"Optuna trial #{run.trial.number}: {cfg.optimized_metric} is reported each epoch")
        callbacks.append(ReportToTrial(run.trial, cfg.optimized_metric, run.folder))
    log.info(f"Trainer: <{cfg.trainer._target_}>")
    if skip_nvml_probe():  # the same answer to "is there a GPU?", without a failed library load each step
        log.debug("No NVML library: torch.cuda.is_available() asks the CUDA runtime directly.")
    if keep_freed_memory():  # a long sequence's activations reused from the heap, not mapped afresh each step
        log.debug("glibc malloc: blocks under 256 MiB come from its heap, and are kept there when freed.")
    quiet = {} if cfg.trainer.get("profiler") is not None else {"profiler": NoProfiler()}  # no profiling, at no cost
    return instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False, plugins=[CheckpointFiles()], **quiet)


@contextmanager
def trainer_for(cfg: DictConfig, run: Run | None = None) -> Iterator[pl.Trainer]:
    """The run's Trainer; on leaving, end what would outlive it: logger runs, the DDP process group.

    A wandb run is global to the process: without ``wandb.finish()`` the next job of a sweep, which Hydra's
    basic launcher runs in the same process, would log into this job's run.
    """
    with own_process_group():
        trainer = instantiate_trainer(cfg, run)
        failed = True
        try:
            yield trainer
            failed = False
        finally:
            if any(isinstance(logger, WandbLogger) for logger in trainer.loggers):
                import wandb

                wandb.finish(exit_code=int(failed))


@contextmanager
def own_process_group() -> Iterator[None]:
    """On leaving, end this job's process group and forget how its children were launched.

    Lightning keeps the group until the process exits and leaves ``LOCAL_RANK`` & co. in the environment, where
    the next job of a multirun (same process) would read them as "launched externally" and wait for children
    that are never started.
    """
    before = {key: os.environ.get(key) for key in LAUNCH_ENV}
    try:
        yield
    finally:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
