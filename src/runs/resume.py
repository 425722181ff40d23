"""``resume=<run dir>``: continue a run in its own folder, from its last checkpoint, with its own config."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from src.errors import TriadError
from src.runs.files import atomic_write
from src.runs.folder import checkpoint_file, config_file, is_run, overrides, overrides_file


def continuation(run: Path) -> dict[str, str | int]:
    """What continues ``run`` in place: its ``last.ckpt`` as ``ckpt_path``, and that checkpoint's ``resume_step``."""
    from src.runs.checkpoints import read_checkpoint  # imports torch: only when a run is continued

    last = checkpoint_file(run, "last")
    return {"ckpt_path": str(last), "resume_step": int(read_checkpoint(last)["global_step"])}


def expand_resume(argv: list[str]) -> list[str]:
    """Replace ``resume=<run dir>`` by the run's own overrides plus what continues it in place."""
    resumes = [a for a in argv if a.startswith("resume=")]
    if not resumes:
        return argv
    run = Path(resumes[-1].split("=", 1)[1])
    last = checkpoint_file(run, "last")
    if not (last.is_file() and is_run(run)):
        raise TriadError(f"cannot resume {run}: it needs checkpoints/last.ckpt and .hydra/overrides.yaml (a run dir).")
    original = [o for o in overrides(run) if not o.startswith(("hydra.", "ckpt_path=", "resume_step="))]
    rest = [a for a in argv if not a.startswith("resume=")]
    # The run's own overrides first, so that the command line can still change e.g. trainer.max_epochs.
    # hydra.output_subdir=null: Hydra leaves the run's .hydra/ as it is; record_resume updates it once training starts.
    into = [f"hydra.run.dir={run}", "hydra.output_subdir=null", *(f"{k}={v}" for k, v in continuation(run).items())]
    return [*original, *rest, *into]


def record_resume(cfg: DictConfig) -> None:
    """Once a resumed run has passed every check: its .hydra/ files describe the continued run (atomically).

    Until then a failing ``resume=`` (a bad value, a checkpoint that does not fit) leaves the run folder as it was.
    """
    from hydra.core.hydra_config import HydraConfig

    hydra = HydraConfig.get()
    if cfg.get("resume_step") is None or hydra.output_subdir is not None:
        return
    run = Path(hydra.runtime.output_dir)
    with atomic_write(overrides_file(run)) as handle:
        handle.write(OmegaConf.to_yaml(OmegaConf.create(list(hydra.overrides.task))))
    with atomic_write(config_file(run)) as handle:
        handle.write(OmegaConf.to_yaml(cfg))
