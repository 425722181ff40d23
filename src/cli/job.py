"""What every entry point does around its work, once Hydra has composed the config."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from omegaconf import DictConfig

from src.cli.checks import validate
from src.cli.ddp import publish_job
from src.cli.reporting import reported


@contextmanager
def job(cfg: DictConfig) -> Iterator[None]:
    """The config checked, the run seeded, Lightning's console quieted; a user error in the body is one message."""
    with reported():
        validate(cfg)
        publish_job()
        prepare(cfg.seed)
        yield


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
