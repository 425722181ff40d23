"""A command's start: the command line read once, composed once, the run decided and checked, then the job runs.

1. ``.env`` is loaded; a DDP child takes its job's own command line (``hydra_driver.child_argv``).
2. The command line is parsed once (Hydra's parser); ``resume=<run dir>`` becomes that run's overrides.
3. ``--help`` prints the groups and options; ``--cfg``, ``--info``... go to Hydra's own entry.
4. The config is composed once. If it does not compose, every bad override is listed in one message (exit 2).
5. A single run is decided (``src/runs/life.py``: new, resumed or requeued) and its folder checked before Hydra
   makes it; the job then receives the decision. A sweep's jobs are each decided as they start.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

from dotenv import find_dotenv, load_dotenv
from hydra.core.global_hydra import GlobalHydra
from hydra.types import RunMode
from omegaconf import DictConfig

import schemas  # noqa: F401  (registers every option before anything is composed)
from src.cli import hydra_driver
from src.cli.hydra_driver import PROJECT_ROOT, child_argv
from src.cli.job import decided
from src.cli.reporting import fail, reported
from src.runs.life import Run, check_folder, expand_resume


def launch(main: Callable[..., object], *, config_name: str) -> None:
    """Run ``main(cfg, run)`` (an entry point's job) as the command line asks, with one parse and one composition."""
    load_env()
    argv = sys.argv[1:]
    own = child_argv(argv)  # a DDP child runs its job's own command line, already expanded
    args = hydra_driver.parse(own)
    name = args.config_name or config_name
    with reported():
        if own is argv:
            args.overrides = expand_resume(args.overrides)
    if args.help and hydra_driver.runs_a_job(args):  # tasktriad's help: fast, and every option described
        from src.cli.help import help_text

        print(help_text(name, args.overrides))
        return
    if not hydra_driver.runs_a_job(args):
        hydra_driver.hydras_own(args, main, name)
        return
    hydra = hydra_driver.start(name)
    try:
        cfg = compose(hydra, name, args.overrides, args.multirun)
        with reported():
            if cfg.hydra.mode == RunMode.MULTIRUN:
                check_folder(Run(Path(cfg.hydra.sweep.dir)), writes_hydra_files=False)
                hydra_driver.sweep(hydra, cfg, main)
                return
            run = decided(cfg, Path(cfg.hydra.run.dir))  # read once: the time stamp in it is cached in cfg
            check_folder(run, writes_hydra_files=cfg.hydra.output_subdir is not None)
        hydra_driver.run(hydra, cfg, functools.partial(main, run=run))
    finally:
        GlobalHydra.instance().clear()


def load_env() -> None:
    """Set PROJECT_ROOT and load ``.env`` (from the cwd upwards, else the repository's); the shell wins."""
    os.environ.setdefault("PROJECT_ROOT", str(PROJECT_ROOT))
    dotenv = find_dotenv(usecwd=True) or str(PROJECT_ROOT / ".env")
    try:
        load_dotenv(dotenv, override=False)
    except (UnicodeDecodeError, OSError) as err:
        fail(f"{dotenv} cannot be read as a .env file ({err}).\n  It must be text lines KEY=value: fix or remove it.")


def compose(hydra: hydra_driver.Hydra, name: str, overrides: list[str], multirun: bool) -> DictConfig:
    """The one composition; a command line that does not compose is one message listing every bad override."""
    try:
        return hydra_driver.compose(hydra, name, overrides, multirun)
    except Exception as err:  # Hydra and OmegaConf raise many types; all mean "does not compose"
        from src.cli.overrides import report

        report(name, overrides, err)
        raise
