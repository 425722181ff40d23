"""A command line that does not compose: every bad override in one message, exit 2 (only on that error path).

Hydra stops at the first override it cannot apply. ``report`` tries each one on its own (group selections first,
then values on top of the selections that worked) and lists every failure. Nothing here imports torch.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import NoReturn

from hydra import compose
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ValidationError

from src.cli.reporting import causes, fail, innermost

_ABSENT = object()


def report(config_name: str, overrides: list[str], error: Exception) -> NoReturn:
    """Exit with status 2 and one message: each override that does not fit, else why the whole does not compose.

    Hydra must be initialised on the config folder (the command's own Hydra is). A sweep's overrides are not tried
    one by one (alone, ``a=1,2`` is no value); its message is Hydra's.
    """
    parser = OverridesParser.create()
    try:
        sweeping = any(o.is_sweep_override() for o in parser.parse_overrides(overrides))
    except HydraException:  # a syntax error: Hydra's own message, which points at the character, is the clearest
        fail(f"the command line does not parse: {reason(error)}")
    problems = [] if sweeping else _problems(config_name, overrides)
    if not problems:
        fail(f"the config does not compose: {reason(error)}")
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
        return [*problems, (" ".join(chosen), reason(err))]
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
    return None if error is None else reason(error)


def _value_problem(base: DictConfig, value: Override, error: Exception) -> str:
    """Why ``key=value`` does not compose on top of ``base``: an unknown key (with close names) or a bad value."""
    key = value.key_or_group
    if value.is_add() or OmegaConf.select(base, key, default=_ABSENT) is not _ABSENT:
        return reason(error)
    parent_key, _, name = key.rpartition(".")
    parent = OmegaConf.select(base, parent_key, default=None) if parent_key else base
    siblings = [str(k) for k in parent] if isinstance(parent, DictConfig) else []
    close = difflib.get_close_matches(name, siblings, n=3)
    hint = f"; did you mean {' or '.join(f'{parent_key}.{c}'.lstrip('.') for c in close)}?" if close else ""
    group = parent_key.replace(".", "/")
    chosen = OmegaConf.select(base, f"hydra.runtime.choices.{group}", default=None)
    if not close and chosen and (elsewhere := _options_with(group, name)):  # a setting of other options
        return f"{group}={chosen} has no setting {name}; the {group} options that have it: {', '.join(elsewhere)}"
    return f"no key {key} in the config{hint} (a new key needs a leading +: +{value.input_line})"


def _options_with(group: str, name: str) -> list[str]:
    """The options of config ``group`` whose schema has a field ``name`` (none if ``group`` is not a group)."""
    from schemas.store import options

    return [option for option, schema in options(group).items() if name in {f.name for f in dataclasses.fields(schema)}]


def _compose_error(config_name: str, overrides: list[str]) -> Exception | None:
    """None if the overrides compose, else the exception Hydra raised."""
    try:
        compose(config_name, overrides=overrides, return_hydra_config=True)  # hydra.* keys too
    except Exception as err:  # Hydra and OmegaConf raise many types here; all mean "does not compose"
        return err
    return None


def reason(error: BaseException) -> str:
    """What went wrong, from the error's attributes and its chain of causes (never from its text)."""
    chain = causes(error)
    typed = next((e for e in chain if isinstance(e, ValidationError) and e.full_key), None)
    if typed is not None and dataclasses.is_dataclass(typed.object_type):
        expected = next((f.type for f in dataclasses.fields(typed.object_type) if f.name == typed.key), "?")
        return (
            f"{typed.value!r} is not a valid value of {typed.full_key}, which takes {_type_name(expected)} "
            f"(schema: {typed.object_type.__module__}.{typed.object_type.__name__}.{typed.key})"
        )
    return innermost(chain)


def _type_name(hint: object) -> str:
    """A field's type as a user reads it: ``float``, ``int or None``, ``a list of float``.

    A hand-written schema's annotation is the text written (``from __future__ import annotations``); one read
    from a class's signature is a type.
    """
    if isinstance(hint, str):
        return hint.replace(" | ", " or ")
    if typing.get_origin(hint) is list:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    members = typing.get_args(hint) if typing.get_origin(hint) is typing.Union else (hint,)
    return " or ".join(
        "None" if t is type(None) else _type_name(t) if typing.get_args(t) else t.__name__ for t in members
    )
