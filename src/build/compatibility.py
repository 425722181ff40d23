"""Whether a backbone, a task and a data source fit together: checked before anything is built, one message each."""

from __future__ import annotations

from hydra import compose
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.utils import get_class
from omegaconf import OmegaConf

from src.data.spec import DataSpec
from src.errors import IncompatibleDataError
from src.tasks.base import Task


def check_fit(task: Task, spec: DataSpec) -> None:
    """Raise one message naming the task, the data's targets and the tasks that would fit."""
    try:
        task.check(spec)
    except IncompatibleDataError as err:
        chosen = choice("task") or type(task).__name__
        fitting = ", ".join(f"task={name}" for name in fitting_options("task", lambda c: c.fits(spec)))
        raise IncompatibleDataError(
            f"task={chosen} does not fit data={data_choice()}: {err}.\n"
            f"  Tasks that fit this data: {fitting or 'none of the shipped tasks'}."
        ) from err


def refusal(backbone: type, spec: DataSpec) -> str | None:
    """Why a backbone class cannot take ``spec``'s inputs (their kind, rank or varying length), or None if it can.

    Read from the class attributes every backbone declares: ``inputs`` (kinds), ``variable_length`` and, optionally,
    ``input_ranks``.
    """
    kinds = getattr(backbone, "inputs", ("real",))
    if spec.inputs not in kinds:
        return f"it takes {' or '.join(_kind_names(kinds))}"
    ranks = getattr(backbone, "input_ranks", None)
    if ranks is not None and len(spec.in_shape) not in ranks:
        return f"it takes inputs of rank {' or '.join(map(str, ranks))} only"
    if spec.variable_length and not getattr(backbone, "variable_length", False):
        return "it cannot ignore padding, and the data's sequences vary in length"
    return None


def takes(backbone: type, spec: DataSpec) -> bool:
    """Whether a backbone class takes ``spec``'s inputs."""
    return refusal(backbone, spec) is None


def check_backbone(backbone: type, spec: DataSpec) -> None:
    """Tokens into a backbone that cannot embed them, padded sequences into one that would mix padding in, ..."""
    why = refusal(backbone, spec)
    if why is None:
        return
    chosen = choice("backbone") or backbone.__name__
    fitting = ", ".join(f"backbone={name}" for name in fitting_options("backbone", lambda c: takes(c, spec)))
    raise IncompatibleDataError(
        f"backbone={chosen} does not fit data={data_choice()}: the data gives {spec.describe_inputs()}, and {why}.\n"
        f"  Backbones that fit this data: {fitting or 'none of the shipped backbones'}."
    )


def check_levels(task: Task, backbone: type, spec: DataSpec) -> None:
    """Per-sample features with per-position targets, or a pool where nothing is pooled: one message with the fix."""
    features = getattr(backbone, "features", "sample")
    try:
        task.pooling_for(features, spec)
    except IncompatibleDataError as err:
        if task.pool_name != "auto":
            fix = "leave task.pool=auto (nothing needs pooling here)"
        else:
            per_position = fitting_options("backbone", lambda c: getattr(c, "features", "sample") == "position")
            fix = "choose a backbone with features per position: " + ", ".join(f"backbone={n}" for n in per_position)
        chosen = choice("backbone") or backbone.__name__
        raise IncompatibleDataError(
            f"backbone={chosen} with task={choice('task') or type(task).__name__} on data={data_choice()}: {err}.\n"
            f"  Fix: {fix}."
        ) from err


def fitting_options(group: str, fits: object) -> list[str]:
    """Every option of config ``group`` whose class passes ``fits`` (inside a Hydra run; else none)."""
    if not GlobalHydra.instance().is_initialized():
        return []
    options = GlobalHydra.instance().config_loader().get_group_options(group)
    # An option's own file composes on its own (with its schema) under its package: cheaper than the whole train tree.
    targets = {
        name: OmegaConf.select(compose(f"{group}/{name}"), f"{group.replace('/', '.')}._target_") for name in options
    }
    return [name for name, target in targets.items() if target and fits(get_class(target))]  # type: ignore[operator]


def choice(group: str) -> str | None:
    """The option chosen for ``group`` on this run's command line, if Hydra is running."""
    return HydraConfig.get().runtime.choices.get(group) if HydraConfig.initialized() else None


def data_choice() -> str:
    """``simulated/motif``, ``digits``...: the data option and its sampler, as the user chose them."""
    return "/".join(filter(None, [choice("data"), choice("data/sampler")])) or "?"


def _kind_names(kinds: tuple[str, ...]) -> list[str]:
    names = {"real": "fixed-shape real inputs", "sequence": "real sequences", "tokens": "token sequences"}
    return [names.get(kind, kind) for kind in kinds]
