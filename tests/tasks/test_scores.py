"""The fused metrics give what torchmetrics' separate metrics give, over several updates and edge cases."""

from __future__ import annotations

import pytest
import torch
from torchmetrics import MeanAbsoluteError
from torchmetrics.classification import MulticlassAccuracy, MulticlassF1Score

from src.tasks.scores import ClassScores, ValueScores

CASES = {  # name -> (number of classes, labels drawn from 0..high): "absent" leaves classes out of the targets
    "balanced": (5, 4),
    "absent": (7, 3),
    "two": (2, 1),
}


@pytest.mark.parametrize("case", CASES)
def test_class_scores_match_torchmetrics(case: str) -> None:
    """Accuracy, macro-F1 and the MAE of the class id equal MulticlassAccuracy, MulticlassF1Score and an MAE."""
    k, high = CASES[case]
    g = torch.Generator().manual_seed(0)
    ours = ClassScores(k)
    acc, f1, mae = MulticlassAccuracy(k, average="micro"), MulticlassF1Score(k, average="macro"), MeanAbsoluteError()
    for n in (50, 37, 64):
        logits, target = torch.randn(n, k, generator=g), torch.randint(high + 1, (n,), generator=g)
        ours.update(logits, target)
        acc.update(logits, target), f1.update(logits, target), mae.update(logits.argmax(-1).float(), target.float())
    got = ours.compute()
    assert set(got) == set(ClassScores.names)
    torch.testing.assert_close(got["acc"], acc.compute())
    torch.testing.assert_close(got["f1"], f1.compute())
    torch.testing.assert_close(got["mae"], mae.compute())


def test_value_scores_match_torchmetrics() -> None:
    """The MAE of raw values and the accuracy of values rounded and clamped into the label range."""
    k, g = 4, torch.Generator().manual_seed(1)
    ours, mae, acc = ValueScores(k), MeanAbsoluteError(), MulticlassAccuracy(k, average="micro")
    for n in (40, 23):
        value, target = 3 * torch.randn(n, generator=g) + 1.5, torch.randint(k, (n,), generator=g)
        ours.update(value, target)
        mae.update(value, target.float()), acc.update(value.round().clamp(0, k - 1).long(), target)
    got = ours.compute()
    assert set(got) == set(ValueScores.names)
    torch.testing.assert_close(got["mae"], mae.compute())
    torch.testing.assert_close(got["acc"], acc.compute())


def test_class_scores_reset_between_epochs() -> None:
    """After reset, a perfect batch scores 1 whatever came before."""
    scores = ClassScores(3)
    scores.update(torch.eye(3)[[1, 2, 0]], torch.tensor([0, 1, 2]))  # all wrong
    assert scores.compute()["acc"] == 0
    scores.reset()
    scores.update(torch.eye(3), torch.tensor([0, 1, 2]))
    assert scores.compute()["acc"] == 1 and scores.compute()["f1"] == 1 and scores.compute()["mae"] == 0
