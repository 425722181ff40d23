"""Tasks: which targets they accept, decoder shapes, losses, metrics and post-processing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import torch
from hydra.utils import get_object

from schemas.store import options, target_of
from src.data.batch import Batch
from src.data.spec import DataSpec, Level
from src.errors import IncompatibleDataError, TriadError
from src.tasks.base import Task

INTEGER = DataSpec(in_shape=(8,), target_kind="integer", num_classes=4)
CONTINUOUS = DataSpec(in_shape=(8,), target_kind="continuous", target_dim=3)


def task_class(name: str) -> Any:
    """The class behind ``task=<name>``."""
    return get_object(str(target_of(options("task")[name])))


# Every registered task of one target: a new one is tested without editing a test. A task of several heads, each
# one of these, is tested in tests/tasks/test_multi.py.
TASKS = [name for name in options("task") if issubclass(task_class(name), Task)]


def make(name: str, spec: DataSpec, in_dim: int = 4, features: Level = "sample", **settings: Any) -> Task:
    """A task in one line, whole: its head and metrics sized from ``in_dim`` and the spec; its defaults otherwise."""
    return task_class(name)(in_dim=in_dim, spec=spec, features=features, **settings)


def batch_for(spec: DataSpec, n: int = 32) -> torch.Tensor:
    if spec.target_kind == "integer":
        return torch.randint(spec.num_classes, (n,))
    return torch.randn(n, spec.target_dim)


@pytest.mark.parametrize("name", TASKS)
@pytest.mark.parametrize("spec", [INTEGER, CONTINUOUS], ids=["integer", "continuous"])
def test_each_task_builds_trains_and_measures_on_every_spec_it_accepts(name: str, spec: DataSpec) -> None:
    if not task_class(name).fits(spec):
        with pytest.raises(IncompatibleDataError, match=spec.target_kind):
            make(name, spec, in_dim=16)
        return
    task = make(name, spec, in_dim=16)
    features = torch.randn(32, 16, requires_grad=True)
    y = batch_for(spec)
    out = task(features)
    assert out.shape == (32, task.output_dim(spec))
    loss = task.loss(out, y)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    assert features.grad is not None
    for stage in ("train", "val", "test"):
        task.update_metrics(stage, out.detach(), y)
        values = task.metrics(stage).compute()
        assert values and all(key.startswith(f"{stage}/") for key in values)
        assert all(torch.isfinite(v) for v in values.values())
    assert task.monitor in {f"val/{key.split('/')[1]}" for key in values} | {"val/loss"}
    predictions = task.postprocess(out.detach())
    assert all(len(v) == 32 for v in predictions.values())


SEQUENCE = DataSpec(in_shape=(6, 2), inputs="sequence", target_kind="integer", num_classes=4)
PER_POSITION = DataSpec(
    in_shape=(6, 2), inputs="sequence", target_kind="integer", num_classes=4, target_level="position"
)


@pytest.mark.parametrize("pool", ["mean", "max", "first", "last"])
def test_pooling_reads_only_the_real_positions(pool: str) -> None:
    task = make("classification", SEQUENCE, 3, "position", pool=pool)
    features = torch.randn(2, 6, 3)
    mask = torch.tensor([[True] * 6, [True] * 4 + [False] * 2])
    garbage = features.clone()
    garbage[1, 4:] = 1e6  # the padding of sample 1
    assert torch.allclose(task(features, mask), task(garbage, mask))
    expected = {
        "mean": features[1, :4].mean(0),
        "max": features[1, :4].amax(0),
        "first": features[1, 0],
        "last": features[1, 3],
    }[pool]
    assert torch.allclose(task(features, mask)[1], task.decoder(expected))


def test_auto_pools_by_mean_only_where_needed() -> None:
    task = make("classification", SEQUENCE, 3, "position")
    assert task.pool == "mean" and task(torch.randn(5, 6, 3)).shape == (5, 4)
    task = make("classification", PER_POSITION, 3, "position")
    assert task.pool is None and task(torch.randn(5, 6, 3)).shape == (5, 6, 4)
    assert make("classification", INTEGER, 3, "sample").pool is None


@pytest.mark.parametrize(
    ("pool", "spec", "features", "named"),
    [
        ("auto", PER_POSITION, "sample", "one target per position, but the backbone gives one per sample"),
        ("max", INTEGER, "sample", "task.pool=max has nothing to pool: the backbone gives one vector per sample"),
        ("last", PER_POSITION, "position", "task.pool=last has nothing to pool: the targets are per position"),
    ],
)
def test_impossible_levels_are_refused(pool: str, spec: DataSpec, features: Level, named: str) -> None:
    with pytest.raises(IncompatibleDataError, match=named):
        make("classification", spec, 3, features, pool=pool)


@pytest.mark.parametrize("name", TASKS)
def test_every_task_works_per_position_on_the_positions_that_count(name: str) -> None:
    """Head at every position; loss, metrics and predictions over the counted positions only, whatever the rest."""
    spec = (
        PER_POSITION
        if task_class(name).fits(PER_POSITION)
        else dataclasses.replace(PER_POSITION, target_kind="continuous", num_classes=None, target_dim=2)
    )
    task = make(name, spec, 3, "position")
    features = torch.randn(4, 6, 3)
    y = torch.randint(4, (4, 6)) if spec.target_kind == "integer" else torch.randn(4, 6, 2)
    counted = torch.rand(4, 6) < 0.5
    batch = Batch(torch.zeros(4, 6, 2), y, target_mask=counted, id=torch.arange(4))
    out, scored_y = task.scored(features, batch)
    assert len(out) == len(scored_y) == int(counted.sum())
    assert torch.allclose(out, task(features)[counted])  # the head at the counted positions only, as at every one
    noisy = batch._replace(y=torch.where(counted.view(4, 6, *[1] * (y.dim() - 2)), y, y + 3))
    assert torch.equal(task.loss(out, scored_y), task.loss(*task.scored(features, noisy)))
    rows = task.prediction_rows(task(features), batch)
    assert torch.equal(rows["id"], counted.nonzero()[:, 0]) and torch.equal(rows["position"], counted.nonzero()[:, 1])


def test_classification_metrics_and_predictions() -> None:
    task = make("classification", INTEGER)
    logits = torch.tensor([[5.0, 0, 0, 0], [0, 5.0, 0, 0], [0, 0, 5.0, 0], [5.0, 0, 0, 0]])
    y = torch.tensor([0, 1, 2, 3])
    task.update_metrics("test", logits, y)
    assert task.metrics("test").compute()["test/acc"] == pytest.approx(0.75)
    predictions = task.postprocess(logits)
    assert predictions["pred"].tolist() == [0, 1, 2, 0]
    assert torch.allclose(predictions["probs"].sum(-1), torch.ones(4))


def test_label_smoothing_changes_the_loss() -> None:
    logits, y = torch.randn(16, 4), torch.randint(4, (16,))
    plain, smooth = make("classification", INTEGER), make("classification", INTEGER, label_smoothing=0.2)
    assert plain.loss(logits, y) != smooth.loss(logits, y)


def test_integer_regression_rounds_and_clamps_into_the_label_range() -> None:
    task = make("integer_regression", INTEGER)
    values = torch.tensor([[-0.7], [1.2], [2.6], [9.0]])
    y = torch.tensor([0, 1, 2, 3])
    assert task.postprocess(values)["pred"].tolist() == [0, 1, 3, 3]
    task.update_metrics("val", values, y)
    result = task.metrics("val").compute()
    assert result["val/acc"] == pytest.approx(0.75)
    assert result["val/mae"] == pytest.approx((0.7 + 0.2 + 0.6 + 6.0) / 4)
    assert task.loss(values, y) == pytest.approx(((values.squeeze(-1) - y) ** 2).mean().item())


def test_regression_huber_loss_is_selectable() -> None:
    out, y = torch.zeros(8, 3), torch.full((8, 3), 4.0)
    mse, huber = make("regression", CONTINUOUS), make("regression", CONTINUOUS, loss="huber")
    assert mse.loss(out, y) == pytest.approx(16.0) and huber.loss(out, y) == pytest.approx(3.5)


def test_a_monitor_the_task_does_not_log_is_rejected_with_the_choices() -> None:
    with pytest.raises(TriadError, match="val/f1"):
        make("classification", INTEGER, monitor="val/auc")


@pytest.mark.parametrize("name", TASKS)
def test_every_task_names_its_decoder_and_accepted_targets(name: str) -> None:
    cls = task_class(name)
    assert issubclass(cls, Task) and isinstance(cls.decoder_cls, type) and set(cls.accepts) <= {"integer", "continuous"}
