"""Compose a root config outside a command line (tests, benchmarks), exactly as the CLI would."""

from __future__ import annotations

from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict, read_write

import schemas  # noqa: F401  (registers the schemas, as the entry points do)
from src.cli.hydra_driver import CONFIG_DIR


def compose_run(config_name: str, overrides: list[str], out_dir: Path) -> DictConfig:
    """The composed config of ``config_name`` with the Hydra node set as for a run writing into ``out_dir``.

    Hydra is left initialised, as during a CLI run (``${hydra:...}`` interpolations resolve); the caller clears
    ``GlobalHydra`` when done.
    """
    GlobalHydra.instance().clear()
    initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3")
    cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
    with read_write(cfg.hydra), open_dict(cfg.hydra):
        cfg.hydra.runtime.output_dir = str(out_dir)
        cfg.hydra.job.num = 0
    HydraConfig.instance().set_config(cfg)
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg
