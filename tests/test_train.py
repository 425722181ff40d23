"""Training in-process through the real entry point: every combination, the task swap, golden numbers."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch
from hydra.utils import get_class, instantiate
from omegaconf import DictConfig, OmegaConf

from src import train
from tests.helpers import CONFIGS, fast_train_cfg, options


def data_variants() -> list[list[str]]:
    """Every data option; an option with a nested sampler group once per sampler."""
    variants = []
    for option in options("data"):
        defaults = OmegaConf.load(CONFIGS / "data" / f"{option}.yaml").get("defaults", [])
        if any(isinstance(d, DictConfig) and "sampler" in d for d in defaults):
            variants += [[f"data={option}", f"data/sampler={s}"] for s in options("data/sampler")]
        else:
            variants.append([f"data={option}"])
    return variants


def expected_failure(cfg: DictConfig) -> str | None:
    """What should stop this combination before training, or None if it should train."""
    spec = instantiate(cfg.data).spec
    if not get_class(cfg.task._target_).fits(spec):
        return "Tasks that fit this data: task="
    try:
        instantiate(cfg.backbone, in_shape=spec.in_shape)
    except Exception as err:  # the backbone cannot take this input shape
        return str(err.__cause__ or err)[:30]
    return None


COMBOS = [
    (backbone, task, data)
    for backbone, task, data in itertools.product(options("backbone"), options("task"), data_variants())
]


@pytest.mark.parametrize(("backbone", "task", "data"), COMBOS, ids=lambda v: "+".join(v) if isinstance(v, list) else v)
def test_every_combination_trains_or_fails_before_training(
    backbone: str, task: str, data: list[str], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    overrides = [
        f"backbone={backbone}",
        f"task={task}",
        *data,
        f"paths.data_dir={data_dir}",
        "trainer.fast_dev_run=true",
    ]
    cfg = fast_train_cfg(overrides, tmp_path)
    failure = expected_failure(cfg)
    if failure is None:
        value = train.main(cfg)
        assert value is not None and value == value  # the monitored metric was logged (not NaN)
        return
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert failure in err and "Traceback" not in err
    assert not list(tmp_path.rglob("*.ckpt"))  # failed before anything was trained or saved


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["task=regression"], "Tasks that fit this data: task=classification, task=integer_regression."),
        (["backbone.activation=swish"], "relu, gelu, silu, tanh"),
        (["task.monitor=val/auc"], "task.monitor=val/auc is not logged"),
    ],
)
def test_bad_values_stop_before_training_with_one_message(
    overrides: list[str], named: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        train.main(fast_train_cfg(overrides, tmp_path))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and named in err and "Traceback" not in err


def test_the_swap_one_word_changes_decoder_and_loss_and_both_learn(tmp_path: Path) -> None:
    """Same backbone, same data, same labels: classification vs integer regression."""
    results = {}
    for task in ("classification", "integer_regression"):
        out = tmp_path / task
        cfg = fast_train_cfg([f"task={task}", "data.num_train=2048", "trainer.max_epochs=3", "callbacks=none"], out)
        value = train.main(cfg)
        ckpt = torch.load(next(out.rglob("*.ckpt")), weights_only=True)
        decoder = ckpt["state_dict"]["task.decoder.proj.weight"]
        results[task] = (value, decoder.shape, ckpt["hyper_parameters"]["config"]["task"]["_target_"])
    (acc, cls_shape, cls_target), (mae, reg_shape, reg_target) = results.values()
    assert cls_shape == (5, 128) and reg_shape == (1, 128)  # num_classes logits vs one number
    assert cls_target.endswith("Classification") and reg_target.endswith("IntegerRegression")
    assert acc > 0.8  # val/acc after 3 short epochs (chance: 0.2)
    assert mae < 0.5  # val/mae in label units (predicting the mean label gives 1.2)


def test_default_training_reaches_the_accuracy_bar_and_writes_the_run_layout(tmp_path: Path) -> None:
    cfg = fast_train_cfg(["data.num_train=4096", "trainer.max_epochs=4"], tmp_path)
    value = train.main(cfg)
    assert value > 0.9
    checkpoints = {p.name for p in (tmp_path / "checkpoints").iterdir()}
    assert checkpoints == {"best.ckpt", "last.ckpt"}
    header = (tmp_path / "metrics.csv").read_text().splitlines()[0].split(",")
    assert {"train/loss", "val/loss", "val/acc", "val/f1", "test/acc", "test/f1", "train/acc"} <= set(header)


@pytest.mark.parametrize("scheduler", options("scheduler"))
@pytest.mark.parametrize("optimizer", options("optimizer"))
def test_every_optimizer_and_scheduler_trains(optimizer: str, scheduler: str, tmp_path: Path) -> None:
    cfg = fast_train_cfg([f"optimizer={optimizer}", f"scheduler={scheduler}", "trainer.max_epochs=2"], tmp_path)
    assert train.main(cfg) > 0.3  # val/acc well above chance (0.2)
