"""Read the run config that src.train stores in every checkpoint."""

from __future__ import annotations

from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from src.utils.errors import TriadError


def load_run_config(path: str) -> DictConfig:
    """The resolved config of the run that wrote ``path``, loaded with ``weights_only=True``."""
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
    return OmegaConf.create(config)
