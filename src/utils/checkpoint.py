"""Rebuild a run from a checkpoint: the config src.train stores in it, then all of its weights."""

from __future__ import annotations

import lightning.pytorch as pl
from omegaconf import DictConfig, OmegaConf

from src.module import TriadModule
from src.utils.build import build_triad
from src.utils.errors import TriadError
from src.utils.transfer import load_matching, read_checkpoint


def run_config(checkpoint: dict, source: str, data: DictConfig | None = None) -> DictConfig:
    """The resolved config stored in ``checkpoint``, with ``data`` swapped in if given."""
    config = checkpoint.get("hyper_parameters", {}).get("config")
    if not isinstance(config, dict):
        raise TriadError(f"{source} holds no tasktriad run config: was it written by `python -m src.train`?")
    if data is not None:
        config = {**config, "data": OmegaConf.to_container(data, resolve=True)}
    return OmegaConf.create(config)


def rebuild(path: str, data: DictConfig | None = None) -> tuple[pl.LightningDataModule, TriadModule]:
    """The run that wrote ``path``, rebuilt from its stored config (on ``data`` if given) with all its weights.

    The file is read once; a model built for other data lists every tensor that does not fit.
    """
    checkpoint = read_checkpoint(path)
    datamodule, model = build_triad(run_config(checkpoint, path, data))
    load_matching(model, checkpoint["state_dict"], "", path)
    return datamodule, model
