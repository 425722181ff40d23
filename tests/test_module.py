"""TriadModule: its steps, optimizers and predictions; in training, metrics per step and computed once per epoch."""

from __future__ import annotations

import warnings
from functools import partial
from pathlib import Path

import pytest
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ReduceLROnPlateau
from torchmetrics import Metric, MetricCollection

from src import train
from src.backbones.gru import GRU
from src.backbones.mlp import MLP
from src.data.batch import Batch
from src.data.simulated.samplers.associative_recall import AssociativeRecall
from src.data.simulated.samplers.clusters import Clusters
from src.module import TriadModule
from src.runs.metrics import rows
from src.tasks.classification import Classification
from tests.helpers import fast_train_cfg

SCHEDULERS = {"none": None, "cosine": partial(CosineAnnealingLR, T_max=10), "plateau": partial(ReduceLROnPlateau)}


def module(scheduler: str = "none", **mlp: object) -> TriadModule:
    """The default run's model, built in a few lines without a config: an MLP and classification on clusters."""
    backbone = MLP(in_shape=(16,), **mlp)
    task = Classification(in_dim=backbone.out_dim, spec=Clusters().spec)
    return TriadModule(backbone, task, optimizer=partial(torch.optim.AdamW, lr=3e-3), scheduler=SCHEDULERS[scheduler])


def test_a_step_returns_the_task_loss_and_updates_the_stage_metrics_only() -> None:
    model = module()
    x, y = torch.randn(8, 16), torch.randint(5, (8,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # self.log outside a Trainer: Lightning warns and skips the logging
        loss = model.training_step(Batch(x, y), 0)
    assert loss.requires_grad and torch.allclose(loss, model.task.loss(model(x), y))
    assert all(m.update_called for m in model.task.metrics("train").values())
    assert not any(m.update_called for m in model.task.metrics("val").values())


def test_predict_step_gives_the_tasks_predictions_next_to_the_target() -> None:
    batch = Batch(torch.randn(4, 16), torch.tensor([0, 1, 2, 3]), id=torch.tensor([7, 8, 9, 10]))
    out = module().predict_step(batch, 0)
    assert list(out) == ["id", "target", "pred", "probs"] and out["probs"].shape == (4, 5)
    assert out["id"].tolist() == [7, 8, 9, 10]


def test_position_level_steps_score_only_the_positions_that_count() -> None:
    """MQAR: the loss is the task's loss over the query positions alone; predictions name sample and position."""
    sampler = AssociativeRecall()
    backbone = GRU(in_shape=sampler.spec.in_shape, vocab_size=sampler.spec.vocab_size)
    task = Classification(in_dim=backbone.out_dim, spec=sampler.spec, features="position")
    model = TriadModule(backbone, task, optimizer=partial(torch.optim.AdamW, lr=3e-3))
    batch = sampler.sample(16, torch.Generator().manual_seed(0))._replace(id=torch.arange(16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss = model.training_step(batch, 0)
    out = model(batch.x, batch.mask)  # (B, L, vocab)
    queries = batch.target_mask
    assert torch.allclose(loss, torch.nn.functional.cross_entropy(out[queries], batch.y[queries]))
    predicted = model.predict_step(batch, 0)
    assert len(predicted["pred"]) == int(queries.sum()) and list(predicted)[:3] == ["id", "position", "target"]
    assert torch.equal(predicted["position"], queries.nonzero()[:, 1]) and torch.equal(
        predicted["target"], batch.y[queries]
    )


@pytest.mark.parametrize(("scheduler", "interval"), [("none", None), ("cosine", "epoch"), ("plateau", "epoch")])
def test_the_optimizer_takes_the_trainable_parameters_and_the_scheduler_the_tasks_metric(
    scheduler: str, interval: str | None
) -> None:
    model = module(scheduler)
    configured = model.configure_optimizers()
    if interval is None:
        assert isinstance(configured, torch.optim.AdamW)
        return
    assert configured["lr_scheduler"]["interval"] == interval and configured["lr_scheduler"]["monitor"] == "val/acc"
    assert sum(len(g["params"]) for g in configured["optimizer"].param_groups) == len(list(model.parameters()))


def test_a_frozen_backbone_stays_in_eval_mode_and_out_of_the_optimizer() -> None:
    model = module(dropout=0.5)
    model = TriadModule(model.backbone, model.task, optimizer=model.optimizer_factory, freeze_backbone=True)
    model.train()
    model.on_train_epoch_start()
    assert not model.backbone.training and model.task.training
    params = model.configure_optimizers().param_groups[0]["params"]
    assert len(params) == len(list(model.task.parameters()))


@pytest.mark.train
def test_metrics_update_every_step_and_compute_once_per_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"update": 0, "compute": 0, "forward": 0}
    for name in calls:
        original = getattr(MetricCollection, name)

        def counted(self: MetricCollection, *args: object, _name: str = name, _original=original, **kwargs: object):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(MetricCollection, name, counted)
    forward = Metric.forward
    monkeypatch.setattr(
        Metric,
        "forward",
        lambda self, *a, **k: calls.__setitem__("forward", calls["forward"] + 1) or forward(self, *a, **k),
    )

    train.main(fast_train_cfg(["trainer.max_epochs=2"], tmp_path))
    # the sanity check's 2 val batches; train (512/128) and val (256/128) batches per epoch, x2 epochs; test
    assert calls["update"] == 2 + 2 * 4 + 2 * 2 + 2
    assert calls["compute"] == 1 + 2 + 2 + 1  # the sanity check, train and val once per epoch, test once
    assert calls["forward"] == 0  # never a metric's forward (a compute per step)


@pytest.mark.train
def test_logged_names_are_stage_slash_metric_per_epoch(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["trainer.max_epochs=2", "task=integer_regression"], tmp_path))
    logged = rows(tmp_path / "metrics.csv")
    names = {k for row in logged for k in row if k not in ("epoch", "step")}
    expected = {f"{stage}/{metric}" for stage in ("train", "val", "test") for metric in ("loss", "mae", "acc")}
    assert names == expected | {"lr-AdamW"}  # the learning-rate monitor's column
    assert len([row for row in logged if "train/loss" in row]) == 2  # one row per epoch, not per step
