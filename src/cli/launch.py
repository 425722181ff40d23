"""A console entry point's start: ``.env`` loaded, the command line expanded and checked, then Hydra runs."""

from __future__ import annotations

import sys
from collections.abc import Callable

import schemas  # noqa: F401  (registers the config schemas before Hydra composes)
from src.cli.checks import check_overrides, hydra_args
from src.cli.ddp import child_argv
from src.cli.env import load_env
from src.cli.folders import check_output_dir
from src.cli.help import help_text
from src.cli.reporting import reported


def launch(
    main: Callable[[], object], *, config_name: str, expand: Callable[[list[str]], list[str]] | None = None
) -> None:
    """Run ``main`` (a ``@hydra.main`` function) after ``expand`` rewrote argv and every bad override was reported."""
    load_env()
    sys.argv[1:] = child_argv(sys.argv[1:])
    if expand is not None:
        with reported():
            sys.argv[1:] = expand(sys.argv[1:])
    args = hydra_args(sys.argv[1:])
    if args.help and not (args.config_dir or args.config_path or args.config_name):  # our help: fast, no schema groups
        print(help_text(config_name, args.overrides))
        return
    check_overrides(config_name, sys.argv[1:])
    check_output_dir(config_name, sys.argv[1:])
    main()
