"""Assemble data, task and backbone into a TriadModule, checking that they fit first; or rebuild a trained one."""

from __future__ import annotations

import logging
from typing import Any

import lightning.pytorch as pl
from hydra.utils import get_class, instantiate
from omegaconf import DictConfig, OmegaConf

from src.build.compatibility import check_backbone, check_built, check_levels, check_memory, check_task, choice
from src.data.spec import DataSpec
from src.errors import IncompatibleDataError, TriadError
from src.module import TriadModule
from src.runs.checkpoints import load_matching, read_checkpoint, run_config

log = logging.getLogger(__name__)


def build_triad(
    cfg: DictConfig,
    *,
    backbone_ckpt: str | None = None,
    freeze_backbone: bool = False,
    checkpoint: dict[str, Any] | None = None,
) -> tuple[pl.LightningDataModule, TriadModule]:
    """Data first (its spec wires the rest), then the task is checked against it, then the model is built.

    ``backbone_ckpt`` starts the backbone from another run's weights (any task, any compatible data) under a
    fresh decoder; ``freeze_backbone`` then trains the decoder alone (a linear probe). ``checkpoint``: a trained
    run's, whose data state (e.g. input normalisation statistics) the data module takes before it is set up.
    """
    if freeze_backbone and not backbone_ckpt and not cfg.trainer.get("fast_dev_run"):  # fdr: a wiring check only
        raise TriadError(
            "freeze_backbone=true trains the decoder alone on the backbone's features: it needs trained weights, "
            "backbone_ckpt=<a run's checkpoint>; without them the features are random."
        )
    log.info(f"Data: <{cfg.data._target_}>")
    datamodule = instantiate(cfg.data)
    if checkpoint is not None and type(datamodule).__qualname__ in checkpoint:  # where Lightning saves its state
        datamodule.load_state_dict(checkpoint[type(datamodule).__qualname__])
    spec: DataSpec = datamodule.spec
    log.info(f"Data spec: {spec.describe_inputs()}, {spec.describe()}")
    backbone_class = get_class(cfg.backbone._target_)
    for key, head in heads_of(cfg.task).items():
        check_task(get_class(head._target_), head_spec(key, cfg.task, spec), key)
    check_backbone(backbone_class, spec)
    check_memory(backbone_class, spec, int(cfg.data.get("batch_size", 1)))
    for key, head in heads_of(cfg.task).items():
        check_levels(head.pool, get_class(head._target_), backbone_class, head_spec(key, cfg.task, spec), key)
    log.info(f"Backbone: <{cfg.backbone._target_}>")
    tokens = {"vocab_size": spec.vocab_size} if spec.inputs == "tokens" else {}  # the embedding is the backbone's
    backbone = construct(cfg.backbone, "backbone", in_shape=tuple(spec.in_shape), **tokens)
    check_built(backbone, choice("backbone") or backbone_class.__name__)
    task = make_task(cfg.task, spec, backbone.out_dim, backbone_class.features)
    if backbone_ckpt:
        state = read_checkpoint(backbone_ckpt)["state_dict"]
        load_matching(backbone, state, "backbone.", f"backbone_ckpt={backbone_ckpt}")
    module = TriadModule(
        backbone,
        task,
        optimizer=instantiate(cfg.optimizer),
        scheduler=instantiate(cfg.scheduler) if cfg.scheduler is not None else None,
        freeze_backbone=freeze_backbone,
        hparams={"config": OmegaConf.to_container(cfg, resolve=True)},
    )
    check_optimizer(module)
    return datamodule, module


def heads_of(task: DictConfig) -> dict[str, DictConfig]:
    """Each task the run trains, by the override that chooses it: ``task``, or ``task@task.heads.<name>`` per head."""
    if "heads" not in task:
        return {"task": task}
    return {f"task@task.heads.{name}": head for name, head in (task.heads or {}).items()}


def head_spec(key: str, task: DictConfig, spec: DataSpec) -> DataSpec:
    """The spec that the task chosen by ``key`` learns: the data's, or for a head, its target's alone."""
    if key == "task":
        return spec
    from src.tasks.multi import head_target, unknown_target  # a run of one task never imports the multi-task modules

    name = key.rpartition(".")[2]
    target = head_target(name, task.targets or {})
    if target not in spec.target_names:
        raise IncompatibleDataError(f"{key}: {unknown_target(name, target, spec)}")
    return spec.target(target)


def make_task(node: DictConfig, spec: DataSpec, in_dim: int, features: str) -> Any:
    """The task, whole once constructed: head(s) and metrics sized from the backbone's features and the spec.

    A task of several heads (``task=multi``) gets each head built as a task on its own target, and its weighting.
    """
    made = {
        key: construct(head, key, in_dim=in_dim, spec=head_spec(key, node, spec), features=features)
        for key, head in heads_of(node).items()
    }
    for key, task in made.items():
        name, decoder = f"{type(task).__module__}.{type(task).__qualname__}", type(task.decoder).__name__
        log.info(f"Task: {key}=<{name}> with decoder {decoder}({in_dim} -> ...)")
    if "task" in made:
        return made["task"]
    heads = {key.rpartition(".")[2]: task for key, task in made.items()}
    weighting = construct(node.weighting, "task/weighting", heads=list(heads))
    return construct(node, "task", spec=spec, heads=heads, weighting=weighting)


def construct(node: DictConfig, group: str, **wired: Any) -> Any:
    """The object ``node`` configures, given what the build wires (objects, which Hydra would turn into configs).

    A value the class refuses (its ValueError or TypeError) is one message naming the option.
    """
    factory = instantiate(node, _partial_=True)
    try:
        return factory(**wired)
    except (ValueError, TypeError) as err:
        raise TriadError(f"{group}={choice(group) or node._target_} refuses its settings: {err}") from err


def check_optimizer(module: TriadModule) -> None:
    """Build the optimizer and scheduler once, so that a value torch refuses (``optimizer.lr=-1``) is one message."""
    try:
        module.configure_optimizers()
    except (ValueError, TypeError) as err:
        chosen = ", ".join(f"{g}={c}" for g in ("optimizer", "scheduler") if (c := choice(g)))
        raise TriadError(
            f"the optimizer or scheduler ({chosen or 'as configured'}) refuses its settings: {err}.\n"
            "  Check the optimizer.* and scheduler.* values (`--cfg job` shows them)."
        ) from err


def check_checkpoint(module: TriadModule, ckpt_path: str) -> None:
    """A checkpoint to continue from must hold this model's weights, tensor for tensor; each misfit is listed."""
    load_matching(module, read_checkpoint(ckpt_path)["state_dict"], "", f"ckpt_path={ckpt_path}")


def rebuild(ckpt_path: str, data: DictConfig | None = None) -> tuple[pl.LightningDataModule, TriadModule]:
    """The run that wrote ``ckpt_path``, rebuilt from its stored config (on ``data`` if given) with all its weights.

    The file is read once; a model built for other data lists every tensor that does not fit.
    """
    checkpoint = read_checkpoint(ckpt_path)
    datamodule, model = build_triad(run_config(checkpoint, ckpt_path, data), checkpoint=checkpoint)
    load_matching(model, checkpoint["state_dict"], "", ckpt_path)
    return datamodule, model
