"""Check the command line's overrides before Hydra runs, so that every bad one is reported at once.

Hydra stops at the first override it cannot apply. Here each override is tried on its own (group
selections first, then values on top of the selections that worked) and every failure is listed in one
message. Nothing here imports torch.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hydra import compose, initialize_config_dir
from hydra._internal.utils import get_args_parser
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser

from src.utils.env import CONFIG_DIR
from src.utils.reporting import EXIT_USER_ERROR


def check_overrides(config_name: str, argv: Sequence[str]) -> None:
    """Exit with status 2 and one message if any override does not compose; otherwise return silently."""
    args, _ = get_args_parser().parse_known_args(list(argv))
    if not args.overrides or args.multirun or args.config_dir or args.config_path or args.help or args.hydra_help:
        return  # nothing to check, or a mode Hydra validates on its own terms (sweeps, other config trees)
    name = args.config_name or config_name
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            problems = _problems(name, args.overrides)
    finally:
        GlobalHydra.instance().clear()
    if problems:
        lines = "\n".join(f"  - {override}: {why}" for override, why in problems)
        count = "1 override does" if len(problems) == 1 else f"{len(problems)} overrides do"
        print(
            f"tasktriad: error: {count} not fit the config:\n{lines}\n"
            "  `--help` lists the groups and their options; `--cfg job` shows every key and its value.",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_USER_ERROR)


def _problems(config_name: str, overrides: list[str]) -> list[tuple[str, str]]:
    if _error(config_name, overrides) is None:
        return []
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception:  # a syntax error: Hydra's own message is the clearest
        return []
    loader = GlobalHydra.instance().config_loader()
    selections = [o.input_line for o in parsed if loader.get_group_options(o.key_or_group)]
    problems = [(s, why) for s in selections if (why := _error(config_name, [s])) is not None]
    chosen = [s for s in selections if s not in dict(problems)]
    values = [o for o in overrides if o not in selections]
    problems += [(v, why) for v in values if (why := _error(config_name, [*chosen, v])) is not None]
    return problems


def _error(config_name: str, overrides: list[str]) -> str | None:
    """None if the overrides compose, else the reason in one line."""
    try:
        compose(config_name, overrides=overrides)
    except Exception as err:  # Hydra raises several types; all mean "does not compose"
        return _one_line(err)
    return None


def _one_line(err: BaseException) -> str:
    text = str(err)
    if "Available options" in text:  # an unknown option of a group: name the valid ones
        head, *rest = text.split("Config search path")[0].splitlines()
        return f"{head.strip()}; options: {', '.join(line.strip() for line in rest if line.startswith(chr(9)))}"
    reason = (str(err.__cause__ or err).strip().splitlines() or [type(err).__name__])[0]
    return reason + (" (a new key needs a leading +)" if "To append" in text else "")
