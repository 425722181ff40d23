"""Config checks: every bad override on the command line, and every missing or unresolvable value, in one message.

Hydra stops at the first override it cannot apply. ``check_overrides`` tries each one on its own (group selections
first, then values on top of the selections that worked) and lists every failure. Nothing here imports torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import typing
from collections.abc import Sequence

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException, ValidationError

from src.cli.env import CONFIG_DIR
from src.cli.reporting import fail
from src.errors import TriadError

_ABSENT = object()


def hydra_args(argv: Sequence[str]) -> argparse.Namespace:
    """Hydra's own reading of a command line (overrides, -m, --help, --cfg...).

    Hydra has no public parser: this is tasktriad's one use of ``hydra._internal``, kept here so that an upstream
    change breaks one function (``tests/cli/test_checks.py`` checks what it returns).
    """
    from hydra._internal.utils import get_args_parser

    return get_args_parser().parse_known_args(list(argv))[0]


def check_overrides(config_name: str, argv: Sequence[str]) -> None:
    """Exit with status 2 and one message if any override does not compose; otherwise return silently."""
    args = hydra_args(argv)
    if not args.overrides or args.multirun or args.config_dir or args.config_path or args.help or args.hydra_help:
        return  # nothing to check, or a mode Hydra validates on its own terms (sweeps, other config trees)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            problems = _problems(args.config_name or config_name, args.overrides)
    finally:
        GlobalHydra.instance().clear()
    if problems:
        lines = "\n".join(f"  - {override}: {why}" for override, why in problems)
        count = "1 override does" if len(problems) == 1 else f"{len(problems)} overrides do"
        fail(
            f"{count} not fit the config:\n{lines}\n"
            "  `--help` lists the groups and their options; `--cfg job` shows every key and its value."
        )


def _problems(config_name: str, overrides: list[str]) -> list[tuple[str, str]]:
    if _compose_error(config_name, overrides) is None:
        return []
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException:  # a syntax error: Hydra's own message, which points at the character, is the clearest
        return []
    loader = GlobalHydra.instance().config_loader()
    selections = [o for o in parsed if loader.get_group_options(o.key_or_group)]
    problems = [(o.input_line, why) for o in selections if (why := _selection_problem(config_name, o))]
    chosen = [o.input_line for o in selections if o.input_line not in dict(problems)]
    try:
        base = compose(config_name, overrides=chosen, return_hydra_config=True)  # hydra.* keys too
    except Exception as err:  # selections that compose one by one but not together: say so for all of them
        return [*problems, (" ".join(chosen), _reason(err))]
    for value in (o for o in parsed if o not in selections):
        if (error := _compose_error(config_name, [*chosen, value.input_line])) is not None:
            problems.append((value.input_line, _value_problem(base, value, error)))
    return problems


def _selection_problem(config_name: str, selection: Override) -> str | None:
    """Why ``group=option`` does not compose, or None."""
    options = GlobalHydra.instance().config_loader().get_group_options(selection.key_or_group)
    chosen = selection.value()
    unknown = [o for o in (chosen if isinstance(chosen, list) else [chosen]) if isinstance(o, str) and o not in options]
    if unknown:
        return f"no option {', '.join(map(repr, unknown))} in {selection.key_or_group}; options: {', '.join(options)}"
    error = _compose_error(config_name, [selection.input_line])
    return None if error is None else _reason(error)


def _value_problem(base: DictConfig, value: Override, error: Exception) -> str:
    """Why ``key=value`` does not compose on top of ``base``: an unknown key (with close names) or a bad value."""
    key = value.key_or_group
    if value.is_add() or OmegaConf.select(base, key, default=_ABSENT) is not _ABSENT:
        return _reason(error)
    parent_key, _, name = key.rpartition(".")
    parent = OmegaConf.select(base, parent_key, default=None) if parent_key else base
    siblings = [str(k) for k in parent] if isinstance(parent, DictConfig) else []
    close = difflib.get_close_matches(name, siblings, n=3)
    hint = f"; did you mean {' or '.join(f'{parent_key}.{c}'.lstrip('.') for c in close)}?" if close else ""
    return f"no key {key} in the config{hint} (a new key needs a leading +: +{value.input_line})"


def _compose_error(config_name: str, overrides: list[str]) -> Exception | None:
    """None if the overrides compose, else the exception Hydra raised."""
    try:
        composed(config_name, tuple(overrides))
    except Exception as err:  # Hydra and OmegaConf raise many types here; all mean "does not compose"
        return err
    return None


@functools.lru_cache(maxsize=1)
def composed(config_name: str, overrides: tuple[str, ...]) -> DictConfig:
    """The config with its ``hydra`` node, composed once for the checks before a run (about 0.2 s each time).

    Read-only for callers: ``check_output_dir`` reads the run folder from the same composition. Hydra must be
    initialised on CONFIG_DIR; interpolations (LOG_DIR, the time stamp) resolve when read, not here.
    """
    return compose(config_name, overrides=list(overrides), return_hydra_config=True)


def _reason(error: BaseException) -> str:
    """What went wrong, from the error's attributes and its chain of causes (never from its text)."""
    chain = _chain(error)
    typed = next((e for e in chain if isinstance(e, ValidationError) and e.full_key), None)
    if typed is not None and dataclasses.is_dataclass(typed.object_type):
        # the field's annotation as written (a string under `from __future__ import annotations`): nothing to resolve
        expected = next((f.type for f in dataclasses.fields(typed.object_type) if f.name == typed.key), "?")
        return (
            f"{typed.value!r} is not a valid value of {typed.full_key}, which takes {_type_name(expected)} "
            f"(schema: {typed.object_type.__module__}.{typed.object_type.__name__}.{typed.key})"
        )
    return _innermost(chain)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and, in order, what caused it (explicit causes, else the exception being handled when raised)."""
    chain = [error]
    while (inner := chain[-1].__cause__ or chain[-1].__context__) is not None and inner not in chain:
        chain.append(inner)
    return chain


def _innermost(chain: list[BaseException]) -> str:
    """The first cause from outside Hydra and OmegaConf (a resolver's own error), else OmegaConf's unformatted one."""
    outside = next((e for e in chain if not isinstance(e, HydraException | OmegaConfBaseException)), None)
    if isinstance(outside, TriadError):  # our own resolvers' messages say what to do
        return str(outside)
    if outside is not None:
        return f"{type(outside).__name__}: {outside.args[0] if len(outside.args) == 1 else outside}"
    return str(chain[-1])


def _type_name(hint: object) -> str:
    if isinstance(hint, str):
        return hint.replace(" | ", " or ")
    return " or ".join(getattr(t, "__name__", str(t)) for t in typing.get_args(hint) or (hint,))


def validate(cfg: DictConfig) -> None:
    """Report every missing value and every broken interpolation at once, before anything is built."""
    problems = _unresolved(cfg, "")
    if problems:
        raise TriadError("the config is incomplete:\n  - " + "\n  - ".join(problems))


def _unresolved(node: DictConfig | ListConfig, prefix: str) -> list[str]:
    """``<key>: <why>`` for every value below ``node`` that is missing or does not resolve."""
    problems = []
    keys = node.keys() if isinstance(node, DictConfig) else range(len(node))
    for key in keys:
        full = f"{prefix}[{key}]" if isinstance(node, ListConfig) else f"{prefix}.{key}".lstrip(".")
        if OmegaConf.is_missing(node, key):
            problems.append(f"{full}: no value given (set it on the command line: {full}=...)")
            continue
        try:
            value = node[key]  # resolves an interpolation, running its resolver
        except OmegaConfBaseException as err:  # a broken interpolation, or a resolver that raised
            problems.append(f"{full}: {_innermost(_chain(err))}")
            continue
        if isinstance(value, DictConfig | ListConfig):
            problems += _unresolved(value, full)
    return problems
