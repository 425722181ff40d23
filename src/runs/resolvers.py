"""OmegaConf resolvers that look runs up, registered when ``schemas`` is imported (before Hydra composes).

``${newest_ckpt:<job log folder>,<experiment>}`` is how a ``transfer_*`` preset finds the run it starts from:
the ``best.ckpt`` of the newest run (single run or multirun job) that was started with ``experiment=<name>``.
Only the standard library and OmegaConf are imported here, so ``--help`` stays free of torch.
"""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import OmegaConf

from src.errors import TriadError
from src.runs.folder import checkpoint_file, overrides, runs_below

log = logging.getLogger(__name__)


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
