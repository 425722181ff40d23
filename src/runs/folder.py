"""The run folder: where a run keeps each file, how each file is written, and how a run is found again.

- The map: ``.hydra/overrides.yaml`` and ``config.yaml``, ``metrics.csv``, ``checkpoints/best.ckpt``...
- Writing: ``atomic_write`` puts the content in a temp file in the same folder, then one rename puts it in place,
  so a reader (or a resumed run) never sees half a file.
- Finding: ``${newest_ckpt:<job log folder>,<experiment>}`` is how a ``transfer_*`` preset finds the run it starts
  from: the ``best.ckpt`` of the newest run (single run or multirun job) started with ``experiment=<name>``. The
  resolver is registered when ``schemas`` is imported, before Hydra composes.

Only the standard library and OmegaConf: the config resolvers and the sweep summary import this before torch.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from omegaconf import OmegaConf

from src.errors import TriadError

log = logging.getLogger(__name__)
RUN_PATTERNS = ("runs/*", "multiruns/*/*")  # below logs/<job_name>/: a single run, a job of a sweep


def overrides_file(run: Path) -> Path:
    """Where Hydra wrote the overrides a run was started with."""
    return run / ".hydra" / "overrides.yaml"


def overrides(run: Path) -> list[str]:
    """The command-line overrides a run was started with; none for a folder that is not a run."""
    path = overrides_file(run)
    return [str(o) for o in OmegaConf.load(path)] if path.is_file() else []


def config_file(run: Path) -> Path:
    """Where Hydra wrote the run's composed config (unresolved)."""
    return run / ".hydra" / "config.yaml"


def is_run(path: Path) -> bool:
    """Whether ``path`` is a run folder (Hydra wrote its overrides there)."""
    return overrides_file(path).is_file()


def metrics_file(run: Path) -> Path:
    """The run's metrics.csv, written by the CSV logger (``logger=csv``)."""
    return run / "metrics.csv"


def failure_file(run: Path) -> Path:
    """Why a job of a sweep failed (one message); absent when it did not."""
    return run / "failure.txt"


def pruned_file(run: Path) -> Path:
    """Where a trial stopped by its study's pruner says why (the sweep summary reads it)."""
    return run / "pruned.txt"


def stopped_file(run: Path) -> Path:
    """Where a trial whose sweep worker died says so (written by the worker that found it stopped)."""
    return run / "stopped.txt"


def checkpoint_file(run: Path, name: str) -> Path:
    """``checkpoints/<name>.ckpt`` of the run: ``best`` (by task.monitor) or ``last``."""
    return run / "checkpoints" / f"{name}.ckpt"


def runs_below(job_log_dir: Path) -> Iterator[Path]:
    """Every run folder below ``logs/<job_name>``: single runs and the jobs of sweeps."""
    for pattern in RUN_PATTERNS:
        yield from (path for path in job_log_dir.glob(pattern) if is_run(path))


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", *, new: bool = False, **open_kwargs: Any) -> Iterator[IO[Any]]:
    """A handle on a temp file beside ``path``; on success it replaces ``path``, on any failure it is removed.

    A reader (or a resumed run) never sees half a file: a crash or a kill mid-write leaves the old ``path`` as it was.
    ``new``: write ``path`` only if it does not exist yet (another process may have written it meanwhile: kept).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes whole files: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open(mode.replace("w", "x"), **open_kwargs) as handle:  # "x": never an existing file
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if not new:
            os.replace(temp, target)
            return
        with suppress(FileExistsError):
            os.link(temp, target)  # atomic, and never over an existing file
        temp.unlink()
    except BaseException:
        with suppress(FileNotFoundError):
            temp.unlink()
        raise


def newest_ckpt(job_log_dir: str, experiment: str, wiring_check: bool = False) -> str | None:
    """The ``checkpoints/best.ckpt`` of the newest run of ``experiment=<experiment>`` below ``job_log_dir``.

    ``wiring_check`` (the presets pass ``${trainer.fast_dev_run}``: debug=fdr, one batch, nothing saved): a missing
    source run is no error; the preset runs on a fresh backbone and says so, so that
    ``-m 'experiment=glob(*)' debug=fdr`` checks every preset on a machine that has trained nothing yet.
    """
    wanted = f"experiment={experiment}"
    found = [
        ckpt
        for run in runs_below(Path(job_log_dir))
        if (ckpt := checkpoint_file(run, "best")).is_file() and wanted in overrides(run)
    ]
    if not found and wiring_check:
        log.warning(f"debug=fdr: no run of {wanted} yet, so this preset's wiring is checked on a fresh backbone")
        return None
    if not found:
        raise TriadError(
            f"no checkpoints/best.ckpt of a run with {wanted} below {job_log_dir}. Train that run first "
            f"(python -m src.train {wanted}), or name the checkpoint to start from: backbone_ckpt=<file>"
        )
    return str(max(found, key=lambda ckpt: ckpt.stat().st_mtime))


# Cached per config: every read of backbone_ckpt in one run (checks, the hyper-parameters stored in checkpoints,
# the weights loaded) gives the same file, even if a sweep job writes a newer one meanwhile.
OmegaConf.register_new_resolver("newest_ckpt", newest_ckpt, replace=True, use_cache=True)


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Inside, no other process holds ``lock`` (an advisory lock: flock, NFSv4 included; none on Windows)."""
    try:
        import fcntl
    except ImportError:  # Windows: workers of one study on one Windows machine would need another lock
        yield
        return
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
