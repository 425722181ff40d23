"""Read the run config that src.train stores in every checkpoint."""

from __future__ import annotations

from pathlib import Path

import lightning.pytorch as pl
import torch
from omegaconf import DictConfig, OmegaConf

from src.module import TriadModule
from src.utils.build import build_triad
from src.utils.errors import TriadError
from src.utils.transfer import load_matching, read_state_dict


def load_run_config(path: str, data: DictConfig | None = None) -> DictConfig:
    """The resolved config of the run that wrote ``path`` (``weights_only=True``), with ``data`` swapped in if given."""
    file = Path(path)
    if not file.is_file():
        raise TriadError(
            f"checkpoint not found: {file}. Pass ckpt_path=<run dir>/checkpoints/best.ckpt (or last.ckpt)."
        )
    try:
        checkpoint = torch.load(file, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for truncated or foreign files
        raise TriadError(f"cannot read checkpoint {file}: {type(err).__name__}: {str(err).splitlines()[0]}") from err
    config = checkpoint.get("hyper_parameters", {}).get("config") if isinstance(checkpoint, dict) else None
    if not isinstance(config, dict):
        raise TriadError(f"{file} holds no tasktriad run config: was it written by `python -m src.train`?")
    if data is not None:
        config = {**config, "data": OmegaConf.to_container(data, resolve=True)}
    return OmegaConf.create(config)


def load_weights(model: torch.nn.Module, path: str) -> None:
    """All of the checkpoint's weights into ``model``; a model built for other data lists what does not fit."""
    load_matching(model, read_state_dict(path), "", path)


def rebuild(path: str, data: DictConfig | None = None) -> tuple[pl.LightningDataModule, TriadModule]:
    """The run that wrote ``path``, rebuilt from its stored config (on ``data`` if given) with all its weights."""
    datamodule, model = build_triad(load_run_config(path, data))
    load_weights(model, path)
    return datamodule, model
