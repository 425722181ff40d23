"""``resume=<run dir>``: continue a run in its own folder, from its last checkpoint, with its own config."""

from __future__ import annotations

from pathlib import Path

from src.errors import TriadError
from src.runs.folder import checkpoint_file, is_run, overrides


def expand_resume(argv: list[str]) -> list[str]:
    """Replace ``resume=<run dir>`` by the run's own overrides plus what continues it in place."""
    resumes = [a for a in argv if a.startswith("resume=")]
    if not resumes:
        return argv
    run = Path(resumes[-1].split("=", 1)[1])
    last = checkpoint_file(run, "last")
    if not (last.is_file() and is_run(run)):
        raise TriadError(f"cannot resume {run}: it needs checkpoints/last.ckpt and .hydra/overrides.yaml (a run dir).")
    from src.runs.checkpoints import read_checkpoint  # imports torch: only when resuming

    step = int(read_checkpoint(last)["global_step"])
    original = [o for o in overrides(run) if not o.startswith(("hydra.", "ckpt_path="))]
    rest = [a for a in argv if not a.startswith("resume=")]
    # The run's own overrides first, so that the command line can still change e.g. trainer.max_epochs.
    return [*original, *rest, f"hydra.run.dir={run}", f"ckpt_path={last}", f"logger.csv.keep_until_step={step}"]
