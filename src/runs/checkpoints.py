"""Checkpoint files: the only code that reads or writes one, with one error path for every bad file.

Reading always uses ``torch.load(weights_only=True)``: a tasktriad checkpoint holds tensors and plain config values
only. Writing goes through Lightning's public ``CheckpointIO`` plugin API (``CheckpointFiles``), so the trainer's own
saves (best.ckpt, last.ckpt) and loads (``ckpt_path=``) take the same path as eval, predict, transfer and resume.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import torch
from lightning.pytorch.plugins import CheckpointIO
from omegaconf import DictConfig, OmegaConf
from torch import nn

from src.errors import TriadError
from src.runs.folder import atomic_write

log = logging.getLogger(__name__)


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """A Lightning checkpoint; a missing, unreadable or foreign file is a TriadError that names it."""
    file = Path(path)
    if not file.is_file():
        raise TriadError(f"checkpoint not found: {file}. Give the path of a .ckpt (<run dir>/checkpoints/best.ckpt).")
    if file.stat().st_size == 0:
        raise TriadError(
            f"checkpoint {file} is empty (0 bytes): its copy or save did not finish. Use another one "
            "(the run's best.ckpt or last.ckpt), or train again."
        )
    try:
        # mmap: tensors are paged in when used, so a checkpoint checked before Lightning loads it is not read twice
        checkpoint = torch.load(file, map_location="cpu", weights_only=True, mmap=True)
    except Exception as err:  # torch raises many types for truncated or foreign files
        raise TriadError(f"cannot read checkpoint {file}: {type(err).__name__}: {err}") from err
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint:
        raise TriadError(
            f"{file} is not a Lightning checkpoint (no state_dict): was it written by `python -m src.train`?"
        )
    return checkpoint


def run_config(checkpoint: dict[str, Any], source: str, data: DictConfig | None = None) -> DictConfig:
    """The resolved config ``src.train`` stored in ``checkpoint``, with ``data`` swapped in if given."""
    config = checkpoint.get("hyper_parameters", {}).get("config")
    if not isinstance(config, dict):
        raise TriadError(f"{source} holds no tasktriad run config: was it written by `python -m src.train`?")
    if data is not None:
        config = {**config, "data": OmegaConf.to_container(data, resolve=True)}
    return OmegaConf.create(config)


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


class CheckpointFiles(CheckpointIO):
    """The trainer's checkpoint I/O: atomic saves (temp file, then rename) and ``read_checkpoint`` for loads.

    A kill during a save leaves the previous file whole; a bad ``ckpt_path=`` fails with the same message as a bad
    ``src.eval ckpt_path=``. The checkpoint is serialised on the trainer's thread (a snapshot of this step's
    weights), and written and synced to disk by one background thread, in order: training does not wait for the
    disk (an fsync takes 20-30 ms here, as long as a small model's epoch). Every load and removal, and the end of
    the run, wait for the writes before them; a failed write is raised at the next checkpoint call.
    """

    def __init__(self) -> None:
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkpoint-writer")
        self._pending: list[Future[None]] = []

    def save_checkpoint(self, checkpoint: dict[str, Any], path: str | Path, storage_options: Any = None) -> None:
        """Snapshot ``checkpoint`` now; write it to ``path`` in one rename, in the background."""
        self.wait(done_only=True)
        buffer = io.BytesIO()
        torch.save(checkpoint, buffer)
        self._pending.append(self._writer.submit(write_bytes, Path(path), buffer.getbuffer()))

    def load_checkpoint(
        self, path: str | Path, map_location: Callable | None = None, weights_only: bool | None = None
    ) -> dict[str, Any]:
        """The checkpoint at ``path``, always read with ``weights_only=True``."""
        self.wait()
        return read_checkpoint(path)

    def remove_checkpoint(self, path: str | Path) -> None:
        """Delete a checkpoint the trainer no longer keeps (a former best), once the writes before are done."""
        self.wait()
        Path(path).unlink(missing_ok=True)

    def teardown(self) -> None:
        """The end of fit, validate or test: every checkpoint is on disk."""
        self.wait()

    def wait(self, done_only: bool = False) -> None:
        """Wait for the pending writes (``done_only``: only collect those done); raise the first that failed."""
        pending, self._pending = self._pending, []
        for index, write in enumerate(pending):
            if done_only and not write.done():
                self._pending = pending[index:]
                return
            write.result()


def write_bytes(path: Path, data: memoryview) -> None:
    """``data`` into ``path`` atomically and durably (the background writer's job); a failure names the file."""
    try:
        with atomic_write(path, "wb") as handle:
            handle.write(data)
    except OSError as err:  # a full disk, a folder that cannot be made or written: the user can fix it
        raise TriadError(
            f"cannot write the checkpoint {path}: {err.strerror or err}. Free disk space or make the folder "
            f"writable (or set paths.log_dir to another place); the previous {path.name}, if any, is intact."
        ) from err
