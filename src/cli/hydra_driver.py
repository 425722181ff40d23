"""Hydra's driver, with one composition per command (tasktriad's one use of Hydra's internals), and DDP children.

``@hydra.main`` composes a run's config twice (once to learn whether it is a multirun, once to run it), and offers
no way to hand it a config composed before. This module does what ``hydra.main`` does with one composition:
parse the command line (Hydra's own parser), compose (Hydra's own loader), then run the job, or the sweep, as
``Hydra.run`` and ``Hydra.multirun`` do. Whatever does not run a job (``--cfg``, ``--info``, ``--hydra-help``,
another config tree) goes to Hydra's own entry unchanged. Hydra offers these pieces as internals only;
``tests/cli/test_launch.py`` fails if they move.

DDP under Hydra: Lightning starts ranks 1.. by re-running ``sys.argv`` with ``hydra.run.dir=<hydra.run.dir>``
appended. Inside a multirun that would start the whole sweep again in every child, into a folder of its own. So
each job records its own command line (its overrides and its run folder) in the environment, which the children
inherit, and a child runs that instead (``publish_job``, ``child_argv``).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hydra._internal.callbacks import Callbacks
from hydra._internal.hydra import Hydra
from hydra._internal.utils import _run_hydra, create_automatic_config_search_path, get_args_parser
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.core.utils import run_job
from hydra.types import HydraContext, RunMode
from omegaconf import DictConfig, OmegaConf, open_dict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = PROJECT_ROOT / "configs"  # absolute, so console scripts find it from any cwd
TaskFunction = Callable[[DictConfig], Any]
JOB_ARGV = "TASKTRIAD_JOB_ARGV"  # a job's own command line, for its DDP children
KEPT = ("hydra.job.name=", "hydra.output_subdir=")  # what Lightning appends for a child that still applies


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line as Hydra reads it: overrides, ``-m``, ``--help``, ``--cfg``... (the one parse)."""
    return get_args_parser().parse_args(list(argv))


def runs_a_job(args: argparse.Namespace) -> bool:
    """Whether the command runs a job or a sweep from tasktriad's configs (else Hydra's own entry handles it)."""
    showing = args.cfg or args.info or args.hydra_help or args.shell_completion or args.experimental_rerun
    return not (showing or args.config_dir or args.config_path)


def hydras_own(args: argparse.Namespace, task: TaskFunction, config_name: str) -> None:
    """Hydra's own entry, for what runs no job of ours (``--cfg job``, ``--info``...)."""
    _run_hydra(args, get_args_parser(), task, str(CONFIG_DIR), config_name)


def start(config_name: str) -> Hydra:
    """Hydra initialised on tasktriad's config folder, as ``hydra.main`` does; ``GlobalHydra`` holds it."""
    GlobalHydra.instance().clear()
    return Hydra.create_main_hydra2(config_name, create_automatic_config_search_path(None, None, str(CONFIG_DIR)))


def compose(hydra: Hydra, config_name: str, overrides: list[str], multirun: bool) -> DictConfig:
    """The config (with its ``hydra`` node), composed once; ``hydra.mode`` says whether it is a sweep.

    A sweep is ``-m`` or a config that sets ``hydra.mode=MULTIRUN`` (``hparams_search=...``). A sweep override
    without either is refused as Hydra refuses it. Logging is configured as Hydra configures it.
    """
    sweeps = any(o.is_sweep_override() for o in OverridesParser.create().parse_overrides(overrides))
    run_mode = RunMode.MULTIRUN if multirun or sweeps else RunMode.RUN
    cfg = hydra.compose_config(
        config_name, overrides, run_mode=run_mode, with_log_configuration=True, validate_sweep_overrides=False
    )
    mode = RunMode.MULTIRUN if multirun else (cfg.hydra.mode or RunMode.RUN)
    if mode == RunMode.RUN and sweeps:  # Hydra's own message
        hydra.config_loader.validate_sweep_overrides_legal(  # type: ignore[attr-defined]
            OverridesParser.create().parse_overrides(overrides), RunMode.RUN, from_shell=True
        )
    if cfg.hydra.mode != mode:  # recorded, as Hydra records it, so that each job of a sweep knows it is one
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.hydra.append(f"hydra.mode={mode.name}")
            cfg.hydra.mode = mode
    return cfg


def run(hydra: Hydra, cfg: DictConfig, task: TaskFunction) -> Any:
    """One job from ``cfg``, as ``Hydra.run`` runs it: Hydra's callbacks, the run folder, the job's logging."""
    callbacks = Callbacks(cfg)
    config_name = cfg.hydra.job.config_name
    callbacks.on_run_start(config=cfg, config_name=config_name)
    context = HydraContext(config_loader=hydra.config_loader, callbacks=callbacks)
    result = run_job(task, cfg, "hydra.run.dir", None, context, configure_logging=True)
    callbacks.on_run_end(config=cfg, config_name=config_name, job_return=result)
    return result.return_value  # raises what the job raised


def sweep(hydra: Hydra, cfg: DictConfig, task: TaskFunction) -> Any:
    """A sweep from ``cfg``, as ``Hydra.multirun`` runs it: the configured sweeper, which composes each job."""
    callbacks = Callbacks(cfg)
    config_name = cfg.hydra.job.config_name
    callbacks.on_multirun_start(config=cfg, config_name=config_name)
    context = HydraContext(config_loader=hydra.config_loader, callbacks=callbacks)
    sweeper = Plugins.instance().instantiate_sweeper(config=cfg, hydra_context=context, task_function=task)
    returns = sweeper.sweep(arguments=OmegaConf.to_container(cfg.hydra.overrides.task, resolve=False))
    callbacks.on_multirun_end(config=cfg, config_name=config_name)
    return returns


def publish_job() -> None:
    """Record this job's own command line for the DDP processes its Trainer will start."""
    if not HydraConfig.initialized():
        return
    hydra = HydraConfig.get()
    # A single run in the job's folder, even where the config asks for a sweep (hparams_search=... sets MULTIRUN).
    own = [*hydra.overrides.task, f'hydra.run.dir="{hydra.runtime.output_dir}"', "hydra.mode=RUN"]
    os.environ[JOB_ARGV] = json.dumps(own)


def child_argv(argv: list[str]) -> list[str]:
    """A DDP child's arguments: its job's own command line; anything else is returned unchanged."""
    if "LOCAL_RANK" not in os.environ or JOB_ARGV not in os.environ:
        return argv
    return [*json.loads(os.environ[JOB_ARGV]), *(a for a in argv if a.startswith(KEPT))]
