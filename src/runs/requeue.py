"""A SLURM job requeued after its time limit continues its own run folder, as ``resume=`` would.

SLURM sets ``SLURM_RESTART_COUNT`` in a requeued job. Requeues come from Lightning (``#SBATCH --signal=SIGUSR1@90``
with a fixed ``hydra.run.dir``, e.g. ``logs/train/slurm/${oc.env:SLURM_JOB_ID}``) or from submitit's timeout
handling (``hydra/launcher=submitit_slurm``); both re-run the same job in the same folder. The job then continues
from that folder's ``last.ckpt`` (the end of its last finished epoch, so the replay is exact), and ``metrics.csv``
continues after that checkpoint's step.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from src.runs.folder import checkpoint_file, metrics_file
from src.runs.resume import continuation

log = logging.getLogger(__name__)


def restart_count() -> int:
    """How many times SLURM has requeued this job (0 outside SLURM, or on its first run)."""
    try:
        return int(os.environ.get("SLURM_RESTART_COUNT", "0"))
    except ValueError:
        return 0


def continued(cfg: DictConfig) -> DictConfig:
    """The config a requeued job runs with: continuing its folder's last.ckpt; else ``cfg`` itself, unchanged."""
    if restart_count() == 0 or cfg.get("ckpt_path") or cfg.get("resume_step") is not None:
        return cfg
    from hydra.core.hydra_config import HydraConfig

    run_dir = Path(HydraConfig.get().runtime.output_dir)
    last = checkpoint_file(run_dir, "last")
    if last.is_file():
        values = continuation(run_dir)  # exactly what resume=<run dir> would continue from
        log.info(f"SLURM requeue #{restart_count()}: continuing {run_dir} from {last} (step {values['resume_step']})")
        return OmegaConf.merge(cfg, values)
    if metrics_file(run_dir).is_file():  # stopped before its first epoch was saved: start again, in place
        log.info(f"SLURM requeue #{restart_count()}: no epoch of {run_dir} was saved; training starts again")
        return OmegaConf.merge(cfg, {"resume_step": -1})
    return cfg
