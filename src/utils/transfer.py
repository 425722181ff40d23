"""Load weights from another run's checkpoint into a freshly built module, checking every tensor's shape."""

from __future__ import annotations

import logging
from pathlib import Path

import torch
from torch import nn

from src.utils.errors import TriadError

log = logging.getLogger(__name__)


def read_checkpoint(path: str) -> dict:
    """A Lightning checkpoint, loaded with ``weights_only=True``; a missing or unreadable file names itself."""
    file = Path(path)
    if not file.is_file():
        raise TriadError(f"checkpoint not found: {file}. Give the path of a .ckpt (<run dir>/checkpoints/best.ckpt).")
    try:
        checkpoint = torch.load(file, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for truncated or foreign files
        raise TriadError(f"cannot read checkpoint {file}: {type(err).__name__}: {str(err).splitlines()[0]}") from err
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint:
        raise TriadError(
            f"{file} is not a Lightning checkpoint (no state_dict): was it written by `python -m src.train`?"
        )
    return checkpoint


def read_state_dict(path: str) -> dict[str, torch.Tensor]:
    """The ``state_dict`` of a Lightning checkpoint."""
    return read_checkpoint(path)["state_dict"]


def load_matching(module: nn.Module, state: dict[str, torch.Tensor], prefix: str, source: str) -> None:
    """Load the ``prefix``-weights of ``state`` (prefix removed) into ``module``, which must match them exactly.

    Every missing or mis-shaped tensor is listed in one error, before anything is loaded.
    """
    own = module.state_dict()
    theirs = {k.removeprefix(prefix): v for k, v in state.items() if k.startswith(prefix)}
    problems = [
        f"{k}: {tuple(theirs[k].shape)} in the checkpoint, {tuple(v.shape)} here"
        for k, v in own.items()
        if k in theirs and theirs[k].shape != v.shape
    ]
    problems += [f"{k}: missing from the checkpoint" for k in own if k not in theirs]
    problems += [f"{k}: in the checkpoint, not in this model" for k in theirs if k not in own]
    if problems:
        raise TriadError(
            f"the weights of {source} do not fit this model ({len(problems)} tensor(s)); was it trained with the same "
            "backbone and input shape?\n  - " + "\n  - ".join(problems)
        )
    module.load_state_dict(theirs)
    log.info(f"Loaded {len(theirs)} tensors under '{prefix}' from {source}")
