"""Building the run's plumbing (callbacks, loggers, trainer) from config, with a log line per piece."""

from __future__ import annotations

import logging
from typing import Any

import lightning.pytorch as pl
from hydra.utils import instantiate
from omegaconf import DictConfig

log = logging.getLogger(__name__)


def instantiate_named(group: DictConfig, kind: str) -> list[Any]:
    """Build every entry of a named group (callbacks, loggers) that is not null."""
    built = []
    for name, conf in group.items():
        if conf is not None:
            log.info(f"{kind} {name}: <{conf._target_}>")
            built.append(instantiate(conf))
    return built


def instantiate_trainer(cfg: DictConfig) -> pl.Trainer:
    """The Trainer of ``cfg.trainer`` with the run's callbacks and loggers."""
    callbacks = instantiate_named(cfg.callbacks, "Callback")
    loggers = instantiate_named(cfg.logger, "Logger")
    log.info(f"Trainer: <{cfg.trainer._target_}>")
    return instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False)
