"""The run's folder, checked before Hydra creates it: a bad LOG_DIR, or a folder holding a run, is one message.

Hydra makes the run folder (and writes its .hydra/ files) before any of tasktriad's code runs; a failure there is a
traceback, and a folder of another run would lose its config.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import RunMode
from omegaconf import OmegaConf

from src.cli.checks import composed, hydra_args
from src.cli.env import CONFIG_DIR
from src.cli.reporting import fail
from src.runs.folder import is_run
from src.runs.requeue import restart_count


def output_dir(config_name: str, argv: Sequence[str]) -> tuple[Path, bool] | None:
    """The folder this command would run in (a sweep's for ``-m``) and whether Hydra writes ``.hydra/`` there.

    None if the command does not compose here.
    """
    args = hydra_args(argv)
    if args.help or args.hydra_help or args.cfg or args.info or args.config_dir or args.config_path:
        return None  # nothing runs, or another config tree
    try:
        parsed = OverridesParser.create().parse_overrides(args.overrides)
        fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
        GlobalHydra.instance().clear()
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = composed(args.config_name or config_name, tuple(fixed))  # the checks' composition, when they made one
        multirun = args.multirun or cfg.hydra.mode == RunMode.MULTIRUN
        folder = Path(OmegaConf.select(cfg, "hydra.sweep.dir" if multirun else "hydra.run.dir"))
        return folder, cfg.hydra.output_subdir is not None
    except Exception:  # noqa: BLE001  (Hydra then reports the problem itself, in its own words)
        return None
    finally:
        GlobalHydra.instance().clear()


def problem(folder: Path) -> str | None:
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


def check_output_dir(config_name: str, argv: Sequence[str]) -> None:
    """Exit with one message if the run's folder cannot be created and written."""
    found = output_dir(config_name, argv)
    if found is None:
        return
    folder, writes_hydra_files = found
    # resume= and DDP children write no .hydra/, and a requeued SLURM job rewrites its own: they continue a run.
    if writes_hydra_files and is_run(folder) and restart_count() == 0:
        fail(
            f"{folder} already holds a run: a new one would overwrite its .hydra/ files. Continue it with "
            f"resume={folder}, or start a new run in another folder (drop hydra.run.dir, or name a new one)."
        )
    if (why := problem(folder)) is not None:
        source = f"LOG_DIR={os.environ['LOG_DIR']}" if "LOG_DIR" in os.environ else "paths.log_dir"
        fail(
            f"cannot write the run folder {folder}: {why}.\n"
            f"  Runs go below {source}: point LOG_DIR (shell or .env) or paths.log_dir=... at a writable folder."
        )
