"""Whether a backbone, a task and a data source fit together: checked before anything is built, one message each.

Each check reads what the pieces declare (a task's ``accepts``, a backbone's traits: ``src/backbones/traits.py``)
against the data's spec, and names the options that would fit.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from hydra.core.hydra_config import HydraConfig
from hydra.utils import get_object

from schemas.store import options, target_of
from src.backbones.traits import undeclared
from src.data.spec import DataSpec
from src.errors import IncompatibleDataError, TriadError
from src.tasks.heads import pooling

KIND_NAMES = {"real": "fixed-shape real inputs", "sequence": "real sequences", "tokens": "token sequences"}


def check_task(task: type, spec: DataSpec, key: str = "task") -> None:
    """A task that cannot learn the data's targets: one message naming the tasks that would.

    ``key``: the override that chose it, ``task`` or, for a head of ``task=multi``, ``task@task.heads.<name>``.
    """
    try:
        task.check(spec)  # type: ignore[attr-defined]
    except IncompatibleDataError as err:
        fitting = ", ".join(f"{key}={name}" for name in fitting_options("task", lambda c: c.fits(spec)))
        what = "this data" if key == "task" else f"target {spec.target_name}"
        raise IncompatibleDataError(
            f"{key}={choice(key) or task.__name__} does not fit {_on(key, spec)}data={data_choice()}: {err}.\n"
            f"  Tasks that fit {what}: {fitting or 'none of the shipped tasks'}."
        ) from err


def _on(key: str, spec: DataSpec) -> str:
    """``target <name> of `` for a head (its own target), nothing for the run's one task."""
    return "" if key == "task" else f"target {spec.target_name} of "


def refusal(backbone: type, spec: DataSpec) -> str | None:
    """Why a backbone class cannot take ``spec``'s inputs (their kind, rank or varying length), or None if it can."""
    if spec.inputs not in backbone.inputs:  # type: ignore[attr-defined]
        return f"it takes {' or '.join(KIND_NAMES[kind] for kind in backbone.inputs)}"  # type: ignore[attr-defined]
    ranks = getattr(backbone, "input_ranks", None)  # an optional trait: the cnn's images
    if ranks is not None and len(spec.in_shape) not in ranks:
        return f"it takes inputs of rank {' or '.join(map(str, ranks))} only"
    if spec.variable_length and not backbone.variable_length:  # type: ignore[attr-defined]
        return "it cannot ignore padding, and the data's sequences vary in length"
    return None


def takes(backbone: type, spec: DataSpec) -> bool:
    """Whether a backbone class takes ``spec``'s inputs."""
    return not undeclared(backbone) and refusal(backbone, spec) is None


def check_backbone(backbone: type, spec: DataSpec) -> None:
    """A backbone class that does not declare its traits, or cannot take the data's inputs: one message."""
    chosen = choice("backbone") or backbone.__name__
    problems = undeclared(backbone)
    if problems:
        raise TriadError(
            f"backbone={chosen} ({backbone.__module__}.{backbone.__qualname__}) does not declare what it takes and "
            f"returns: {', '.join(problems)}.\n  Set these class attributes (src/backbones/traits.py, the Backbone "
            "protocol, says what each means)."
        )
    why = refusal(backbone, spec)
    if why is None:
        return
    fitting = ", ".join(f"backbone={name}" for name in fitting_options("backbone", lambda c: takes(c, spec)))
    raise IncompatibleDataError(
        f"backbone={chosen} does not fit data={data_choice()}: the data gives {spec.describe_inputs()}, and {why}.\n"
        f"  Backbones that fit this data: {fitting or 'none of the shipped backbones'}."
    )


def check_memory(backbone: type, spec: DataSpec, batch_size: int) -> None:
    """A backbone whose (L, L) attention would need more memory than the machine has: one message, before building."""
    estimate = getattr(backbone, "attention_bytes", None)  # an optional trait (src/backbones/traits.py)
    if estimate is None or spec.length is None:
        return
    needed = estimate(spec.length, batch_size, spec.variable_length)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if needed > total:
        linear = fitting_options("backbone", lambda c: takes(c, spec) and not hasattr(c, "attention_bytes"))
        raise TriadError(
            f"backbone={choice('backbone') or backbone.__name__} on {spec.length:,} positions at data.batch_size="
            f"{batch_size}: its attention masks alone need about {needed / 2**30:,.0f} GiB, more than this machine's "
            f"{total / 2**30:.0f} GiB.\n  Shorten the sequences, lower data.batch_size, or choose a backbone whose "
            f"memory grows linearly with length: {', '.join(f'backbone={n}' for n in linear)}."
        )


def check_levels(pool: str, task: type, backbone: type, spec: DataSpec, key: str = "task") -> None:
    """Per-sample features with per-position targets, or a pool where nothing is pooled: one message with the fix."""
    try:
        pooling(pool, backbone.features, spec)  # type: ignore[attr-defined]
    except IncompatibleDataError as err:
        if pool != "auto":
            fix = f"leave {key.partition('@')[2] or key}.pool=auto (nothing needs pooling here)"
        else:
            per_position = fitting_options("backbone", lambda c: getattr(c, "features", None) == "position")
            fix = "choose a backbone with features per position: " + ", ".join(f"backbone={n}" for n in per_position)
        chosen = choice("backbone") or backbone.__name__
        raise IncompatibleDataError(
            f"backbone={chosen} with {key}={choice(key) or task.__name__} on {_on(key, spec)}data={data_choice()}: "
            f"{err}.\n"
            f"  Fix: {fix}."
        ) from err


def check_built(backbone: object, chosen: str) -> None:
    """After construction: ``out_dim``, and ``causal`` for features per position, as the Backbone protocol asks."""
    missing = [name for name in ("out_dim",) if not isinstance(getattr(backbone, name, None), int)]
    if getattr(backbone, "features", None) == "position" and not isinstance(getattr(backbone, "causal", None), bool):
        missing.append("causal")
    if missing:
        raise TriadError(
            f"backbone={chosen} sets no {' and no '.join(missing)} in its constructor: the task's head is sized from "
            "out_dim, and a backbone with features per position says whether it is causal (src/backbones/traits.py)."
        )


def fitting_options(group: str, fits: Callable[[type], bool]) -> list[str]:
    """Every option of config ``group`` whose class passes ``fits``."""
    found = []
    for name, schema in options(group).items():
        target = target_of(schema)
        if target is not None and fits(get_object(target)):  # type: ignore[arg-type]
            found.append(name)
    return found


def choice(group: str) -> str | None:
    """The option chosen for ``group`` on this run's command line, if Hydra is running."""
    return HydraConfig.get().runtime.choices.get(group) if HydraConfig.initialized() else None


def data_choice() -> str:
    """``simulated/motif``, ``digits``...: the data option and its sampler, as the user chose them."""
    return "/".join(filter(None, [choice("data"), choice("data/sampler")])) or "?"
