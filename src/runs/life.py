"""A run's life: what a run is (new, resumed or requeued), the checkpoint it starts from, where its metrics go on.

Decided once, by ``decide``, from the one composition of the command line, and handed to the code that needs it:

- **new**: a fresh folder; training starts from scratch, or from ``ckpt_path=<file>`` (optimizer, epoch and step).
- **resumed**: ``resume=<run dir>`` continues a run in its own folder from its ``last.ckpt``, with its own overrides
  (``expand_resume`` puts them on the command line before it is composed; later ones still win).
- **requeued**: SLURM re-runs a job it requeued at its time limit (``SLURM_RESTART_COUNT`` set) in the same folder,
  from Lightning's ``#SBATCH --signal`` handling or submitit's; it continues from ``last.ckpt`` as ``resume=`` does.

A continued run replays from the end of its last finished epoch: every batch is a function of its epoch and index,
so the replay is exact, and ``metrics.csv`` keeps the rows up to that checkpoint's step (``continue_after``).
Nothing in a run folder changes until every check has passed (``Run.record``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from omegaconf import DictConfig, OmegaConf

from src.errors import TriadError
from src.runs.folder import atomic_write, checkpoint_file, config_file, is_run, metrics_file, overrides, overrides_file
from src.runs.trial import JobTrial

log = logging.getLogger(__name__)
RESUME = "resume="
Start = Literal["new", "resumed", "requeued"]


@dataclass(frozen=True)
class Run:
    """What this run is: its folder, how it starts, the checkpoint it starts from, where its metrics.csv goes on."""

    folder: Path
    start: Start = "new"
    checkpoint: str | None = None  # fit starts from it (ckpt_path=, or a continued run's last.ckpt)
    continue_after: int | None = None  # metrics.csv keeps its rows up to this step (-1: none); None: a new file
    multirun: bool = False  # a job of a sweep: a failure is recorded, and the sweep goes on
    trial: JobTrial | None = None  # a job of an Optuna sweep: the trial it reports its epochs to

    def record(self, cfg: DictConfig) -> None:
        """A resumed run, every check passed: its .hydra/ files now describe the continued run (atomically).

        Until then a failing ``resume=`` (a bad value, a checkpoint that does not fit) leaves the folder as it was;
        Hydra itself writes nothing there (``hydra.output_subdir=null``). DDP children leave it to rank 0.
        """
        if self.start != "resumed" or int(os.environ.get("LOCAL_RANK", "0")) != 0:
            return
        from hydra.core.hydra_config import HydraConfig

        task_overrides = list(HydraConfig.get().overrides.task)
        with atomic_write(overrides_file(self.folder)) as handle:
            handle.write(OmegaConf.to_yaml(OmegaConf.create(task_overrides)))
        with atomic_write(config_file(self.folder)) as handle:
            handle.write(OmegaConf.to_yaml(cfg))


def restart_count() -> int:
    """How many times SLURM has requeued this job (0 outside SLURM, or on its first run)."""
    try:
        return int(os.environ.get("SLURM_RESTART_COUNT", "0"))
    except ValueError:
        return 0


def expand_resume(overrides_given: list[str]) -> list[str]:
    """``resume=<run dir>``: the run's own overrides first, then the command line's, then what continues it in place.

    The run's folder becomes ``hydra.run.dir``, and Hydra leaves its ``.hydra/`` as it is (``Run.record`` updates
    it once the run has passed every check).
    """
    resumes = [o for o in overrides_given if o.startswith(RESUME)]
    if not resumes:
        return overrides_given
    run = Path(resumes[-1].removeprefix(RESUME))
    if not (checkpoint_file(run, "last").is_file() and is_run(run)):
        raise TriadError(f"cannot resume {run}: it needs checkpoints/last.ckpt and .hydra/overrides.yaml (a run dir).")
    original = [o for o in overrides(run) if not o.startswith(("hydra.", RESUME, "ckpt_path="))]
    rest = [o for o in overrides_given if not o.startswith(RESUME)]
    return [*original, *rest, f"{RESUME}{run}", f"hydra.run.dir={run}", "hydra.output_subdir=null"]


def decide(folder: Path, *, resume: str | None = None, ckpt_path: str | None = None, multirun: bool = False) -> Run:
    """What a run in ``folder`` is: resumed (``resume=``), requeued (SLURM), or new (from ``ckpt_path=``, if given)."""
    if resume is not None:
        return continuing(folder, "resumed", multirun)
    if restart_count() > 0 and checkpoint_file(folder, "last").is_file():
        return continuing(folder, "requeued", multirun)
    if restart_count() > 0 and metrics_file(folder).is_file():  # stopped before its first epoch was saved
        log.info(f"SLURM requeue #{restart_count()}: no epoch of {folder} was saved; training starts again")
        return Run(folder, "requeued", None, -1, multirun)
    return Run(folder, "new", ckpt_path, None, multirun)


def continuing(folder: Path, start: Start, multirun: bool) -> Run:
    """A run that goes on in ``folder`` from its ``last.ckpt``: the checkpoint, and the step it was saved at."""
    from src.runs.checkpoints import read_checkpoint  # torch: only when a run continues

    last = checkpoint_file(folder, "last")
    step = int(read_checkpoint(last)["global_step"])
    if start == "requeued":
        log.info(f"SLURM requeue #{restart_count()}: continuing {folder} from {last} (step {step})")
    return Run(folder, start, str(last), step, multirun)


def check_folder(run: Run, *, writes_hydra_files: bool) -> None:
    """Before Hydra makes the folder: refuse one that holds another run, or that cannot be written; one message."""
    if run.start == "new" and restart_count() == 0 and writes_hydra_files and is_run(run.folder):
        raise TriadError(
            f"{run.folder} already holds a run: a new one would overwrite its .hydra/ files. Continue it with "
            f"resume={run.folder}, or start a new run in another folder (drop hydra.run.dir, or name a new one)."
        )
    if (why := unwritable(run.folder)) is not None:
        source = f"LOG_DIR={os.environ['LOG_DIR']}" if "LOG_DIR" in os.environ else "paths.log_dir"
        raise TriadError(
            f"cannot write the run folder {run.folder}: {why}.\n"
            f"  Runs go below {source}: point LOG_DIR (shell or .env) or paths.log_dir=... at a writable folder."
        )


def unwritable(folder: Path) -> str | None:
    """Why runs cannot be written into ``folder`` (a file in the way, no permission, a read-only disk), or None."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        parent = folder.parent
        parent.mkdir(parents=True, exist_ok=True)  # what Hydra would do next; the run folder itself is Hydra's
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as err:
        return f"{err.filename or folder}: {err.strerror or err}"
    return None
