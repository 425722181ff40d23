"""task=multi: heads on named targets, one weighted loss, per-head metrics, and the three weightings."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
from hydra.utils import get_object

from schemas.store import options, target_of
from src.data.batch import Batch
from src.data.simulated.samplers.copy_number import CopyNumber
from src.data.simulated.samplers.motif import Motif
from src.errors import IncompatibleDataError, TriadError
from src.tasks.classification import Classification
from src.tasks.integer_regression import IntegerRegression
from src.tasks.multi import MultiTask
from src.tasks.regression import Regression
from src.tasks.weighting import DynamicWeightAverage, UncertaintyWeights

SAMPLER = CopyNumber(length=16)
SPEC = SAMPLER.spec  # state and change (per position), mean (per track), ratio (continuous, per position)
DIM = 8
WEIGHTINGS = list(options("task/weighting"))  # every registered weighting: a new one is tested without a new test


def weighting(name: str, heads: list[str]) -> Any:
    """``task/weighting=<name>`` for ``heads``, built as the build builds it."""
    return get_object(str(target_of(options("task/weighting")[name])))(heads=heads)


def head(task: type, target: str) -> Any:
    """A head of ``task`` on ``target``, reading per-position features."""
    return task(in_dim=DIM, spec=SPEC.target(target), features="position")


def batch(n: int = 6, seed: int = 0) -> Batch:
    return SAMPLER.sample(n, torch.Generator().manual_seed(seed))


def backbone_grad(task: MultiTask, features: torch.Tensor, data: Batch) -> tuple[torch.Tensor, torch.Tensor]:
    """The total loss of one training step, and its gradient on the features (what the backbone receives)."""
    features = features.clone().requires_grad_(True)
    loss, _ = task.step(features, data, "train")
    loss.backward()
    return loss.detach(), features.grad


@pytest.mark.parametrize("name", WEIGHTINGS)
def test_a_head_of_weight_zero_gives_the_backbone_no_gradient(name: str) -> None:
    torch.manual_seed(0)
    state, mean = head(Classification, "state"), head(IntegerRegression, "mean")
    both = MultiTask(
        spec=SPEC,
        heads={"state": state, "mean": mean},
        weights={"mean": 0.0},
        weighting=weighting(name, ["state", "mean"]),
    )
    alone = MultiTask(spec=SPEC, heads={"state": copy.deepcopy(state)}, weighting=weighting(name, ["state"]))
    features, data = torch.randn(6, 16, DIM), batch()
    (_, with_zero), (_, without) = backbone_grad(both, features, data), backbone_grad(alone, features, data)
    assert with_zero.abs().sum() > 0 and torch.allclose(with_zero, without, atol=1e-7)


def test_two_heads_on_one_target_equal_one_head_of_twice_the_weight() -> None:
    torch.manual_seed(1)
    a = head(Classification, "state")
    two = MultiTask(spec=SPEC, heads={"a": a, "b": copy.deepcopy(a)}, targets={"a": "state", "b": "state"})
    one = MultiTask(spec=SPEC, heads={"a": copy.deepcopy(a)}, targets={"a": "state"}, weights={"a": 2.0})
    features, data = torch.randn(6, 16, DIM), batch()
    (loss_two, grad_two), (loss_one, grad_one) = backbone_grad(two, features, data), backbone_grad(one, features, data)
    assert torch.allclose(loss_two, loss_one) and torch.allclose(grad_two, grad_one, atol=1e-7)


def test_uncertainty_weights_are_trained_with_the_model_and_weigh_a_noisy_head_less() -> None:
    torch.manual_seed(2)
    weights = UncertaintyWeights(heads=["state", "ratio"])
    task = MultiTask(spec=SPEC, heads={"state": head(Classification, "state"), "ratio": head(Regression, "ratio")},
                     weighting=weights)  # fmt: skip
    assert any(p is weights.log_variance for p in task.parameters())  # in the optimizer with the rest
    optimizer = torch.optim.SGD(weights.parameters(), lr=0.5)
    for _ in range(20):  # the ratio head's loss is held 100 times the state head's
        optimizer.zero_grad()
        weights(torch.tensor([0.1, 10.0])).sum().backward()
        optimizer.step()
    s = weights.log_variance.detach()
    assert s[1] > s[0] + 1  # the noisier head's log-variance grows: its loss counts less
    assert torch.allclose(weights.factors(), 0.5 * torch.exp(-s))


def test_dwa_weighs_by_the_ratio_of_the_last_two_epochs_losses() -> None:
    dwa = DynamicWeightAverage(heads=["a", "b", "c"], temperature=2.0)
    losses = torch.tensor([1.0, 1.0, 1.0])
    first, second = torch.tensor([2.0, 1.0, 4.0]), torch.tensor([1.0, 1.0, 1.0])
    dwa.epoch_end(first)
    assert torch.equal(dwa(losses), losses)  # the first two epochs weigh every head 1
    dwa.epoch_end(second)
    expected = 3 * torch.softmax((second / first) / 2.0, dim=0)  # K softmax(r / T), r = L(t-1) / L(t-2)
    assert torch.allclose(dwa(losses), expected) and torch.isclose(expected.sum(), torch.tensor(3.0))
    assert expected[1] > expected[0] > expected[2]  # the head whose loss fell least weighs most
    restored = DynamicWeightAverage(heads=["a", "b", "c"])
    restored.load_state_dict(dwa.state_dict())  # the weights in use travel with a checkpoint
    assert torch.allclose(restored(losses), expected)


@pytest.mark.parametrize("name", WEIGHTINGS)
def test_every_head_logs_its_loss_and_metrics_under_its_name(name: str) -> None:
    heads = {"state": head(Classification, "state"), "mean": head(IntegerRegression, "mean")}
    task = MultiTask(spec=SPEC, heads=heads, weighting=weighting(name, list(heads)), monitor="val/mean/mae")
    for stage in ("train", "val"):
        for seed in range(2):
            task.step(torch.randn(6, 16, DIM), batch(seed=seed), stage)
        values = task.epoch_metrics(stage)
        expected = {f"{stage}/loss"} | {f"{stage}/state/{m}" for m in ("loss", "acc", "f1", "mae")}
        expected |= {f"{stage}/mean/{m}" for m in ("loss", "acc", "mae")}
        expected |= {"train/state/weight", "train/mean/weight"} if stage == "train" else set()
        assert set(values) == expected and all(torch.isfinite(v) for v in values.values())
    with pytest.raises(TriadError, match="val/state/f1"):  # the message lists what is logged
        MultiTask(spec=SPEC, heads={"state": head(Classification, "state")}, monitor="val/f1")


def test_a_head_scores_only_the_positions_of_its_own_target() -> None:
    motif = Motif(length=20, min_length=10, motif_length=3, max_count=2)
    spec, data = motif.spec, motif.sample(8, torch.Generator().manual_seed(3))
    count = Classification(in_dim=DIM, spec=spec.target("count"), features="position")
    site = Classification(in_dim=DIM, spec=spec.target("site"), features="position")
    task = MultiTask(spec=spec, heads={"count": count, "site": site})
    features = torch.randn(8, 20, DIM)
    out = task(features, data.mask)
    assert out["count"].shape == (8, 2 + 1) and out["site"].shape == (8, 20, 2)
    _, count_rows = count.step(features, data.target(task.picks["count"]), "val")
    _, site_rows = site.step(features, data.target(task.picks["site"]), "val")
    assert count_rows == 8 and site_rows == int(data.mask.sum())  # sequences; real positions, never padding
    assert int(data.targets["site"].sum()) == 3 * int(data.y.sum())  # a copy's 3 positions are its sites


def test_heads_and_their_targets_are_checked_with_one_message_each() -> None:
    with pytest.raises(TriadError, match="no heads.*state, mean, change, ratio"):
        MultiTask(spec=SPEC)
    with pytest.raises(IncompatibleDataError, match="'depth'.*its targets: state, mean, change, ratio"):
        MultiTask(spec=SPEC, heads={"depth": head(Classification, "state")})
    with pytest.raises(TriadError, match="'mean', which is no head"):
        MultiTask(spec=SPEC, heads={"state": head(Classification, "state")}, weights={"mean": 2.0})
    with pytest.raises(TriadError, match="cannot be named 'train'"):
        MultiTask(spec=SPEC, heads={"train": head(Classification, "state")}, targets={"train": "state"})
    with pytest.raises(IncompatibleDataError, match="the data has no target 'depth'"):
        SPEC.target("depth")


def test_a_further_target_with_its_own_mask_counts_only_its_positions() -> None:
    data = batch(n=4)
    counted = torch.zeros(4, 16, dtype=torch.bool)
    counted[:, ::4] = True  # this target counts every fourth position only
    data = data._replace(target_masks={"change": counted})
    change = head(Classification, "change")
    task = MultiTask(spec=SPEC, heads={"change": change, "state": head(Classification, "state")})
    features = torch.randn(4, 16, DIM)
    _, rows = change.step(features, data.target(task.picks["change"]), "val")
    _, state_rows = task.heads["state"].step(features, data.target(task.picks["state"]), "val")
    assert rows == 4 * 4 and state_rows == 4 * 16  # its own positions; the other head's are all of them
