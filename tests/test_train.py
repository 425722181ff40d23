"""Training in-process through the real entry point: every combination, the task swap, golden numbers."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch
from hydra.utils import get_class, instantiate

from src import train
from tests.helpers import compose_cfg, fast_train_cfg, options


def fits(task: str, sampler: str, tmp_path: Path) -> bool:
    cfg = compose_cfg("train", [f"task={task}", f"data/sampler={sampler}"], tmp_path)
    return get_class(cfg.task._target_).fits(instantiate(cfg.data.sampler).spec)


COMBOS = list(itertools.product(options("backbone"), options("task"), options("data/sampler")))


@pytest.mark.parametrize(("backbone", "task", "sampler"), COMBOS)
def test_every_combination_trains_or_fails_before_training(
    backbone: str, task: str, sampler: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    cfg = fast_train_cfg(
        [f"backbone={backbone}", f"task={task}", f"data/sampler={sampler}", "trainer.fast_dev_run=true"], tmp_path
    )
    if fits(task, sampler, tmp_path):
        value = train.main(cfg)
        assert value is not None and value == value  # the monitored metric was logged (not NaN)
        return
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"task={task}" in err and "Tasks that fit this data: task=" in err and "Traceback" not in err
    assert not list(tmp_path.rglob("*.ckpt"))  # failed before anything was trained or saved


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
