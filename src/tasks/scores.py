"""Fused task metrics: one cheap ``update`` per step, several figures per ``compute``.

A torchmetrics ``Metric.update`` costs tens of microseconds of Python whatever it adds up; three separate metrics
(and their input-transforming wrappers) cost about 0.2 ms a step, as much as a small model's whole step. These
keep the sufficient statistics of all their figures in one state, updated by one or two tensor operations, with no
input validation (no host sync on a GPU). ``names`` lists the figures ``compute`` returns; the results match
torchmetrics' MulticlassAccuracy, MulticlassF1Score (macro) and MeanAbsoluteError (tests/tasks/test_scores.py).
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor
from torchmetrics import Metric


class ClassScores(Metric):
    """Accuracy, macro-F1 and the MAE of the predicted class id, from per-class counts of (N, K) logits.

    The state grows with K, not K²: the hits, predictions and targets of each class, and the summed distance
    between predicted and target ids (a confusion matrix at a vocabulary of 8,192 would be 537 MB per stage).
    """

    names: ClassVar[tuple[str, ...]] = ("acc", "f1", "mae")
    full_state_update = False

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        for name in ("hits", "predicted", "present"):  # (K,) each: true positives, predictions, targets per class
            self.add_state(name, default=torch.zeros(num_classes, dtype=torch.long), dist_reduce_fx="sum")
        self.add_state("distance", default=torch.zeros((), dtype=torch.long), dist_reduce_fx="sum")

    def update(self, logits: Tensor, target: Tensor) -> None:
        """Count the hits, predictions and targets of each class, and add up |target id - predicted id|."""
        k, target, pred = self.num_classes, target.long(), logits.argmax(-1)
        self.hits += torch.bincount(target[pred == target], minlength=k)
        self.predicted += torch.bincount(pred, minlength=k)
        self.present += torch.bincount(target, minlength=k)
        self.distance += (target - pred).abs().sum()

    def compute(self) -> dict[str, Tensor]:
        """The three figures; a class that is neither predicted nor present does not count in the macro-F1."""
        tp = self.hits.float()  # float32: MPS has no float64
        fp, fn = self.predicted - self.hits, self.present - self.hits
        total = self.present.sum()
        seen = (tp + fp + fn) > 0
        f1 = torch.where(seen, 2 * tp / (2 * tp + fp + fn).clamp_min(1), torch.zeros_like(tp))
        return {
            "acc": tp.sum() / total,
            "f1": f1.sum() / seen.sum().clamp_min(1),
            "mae": self.distance / total,
        }


class ValueScores(Metric):
    """The MAE of predicted values against integer labels, and the accuracy of the values rounded into 0..K-1."""

    names: ClassVar[tuple[str, ...]] = ("mae", "acc")
    full_state_update = False

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.add_state("abs_error", default=torch.zeros(()), dist_reduce_fx="sum")  # float32: MPS has no float64
        self.add_state("right", default=torch.zeros((), dtype=torch.long), dist_reduce_fx="sum")
        self.add_state("seen", default=torch.zeros((), dtype=torch.long), dist_reduce_fx="sum")

    def update(self, value: Tensor, target: Tensor) -> None:
        """Add the absolute errors and the rounded hits of (N,) values against (N,) labels."""
        target = target.to(value.dtype)
        right = value.round().clamp(0, self.num_classes - 1) == target
        self.abs_error += (value - target).abs().sum().float()
        self.right += right.sum()
        self.seen += len(value)

    def compute(self) -> dict[str, Tensor]:
        """The two figures."""
        return {"mae": self.abs_error / self.seen, "acc": self.right / self.seen}


class EpochMean(Metric):
    """The mean of per-batch means weighted by batch size; a NaN stays visible and nothing syncs per step.

    torchmetrics' MeanMetric either checks every update for NaN (a host sync per step) or, with
    ``nan_strategy="disable"``, drops the weights (torchmetrics 1.9): the last, short batch then counts as a full one.
    """

    full_state_update = False

    def __init__(self) -> None:
        super().__init__()
        self.add_state("total", default=torch.zeros(()), dist_reduce_fx="sum")  # float32: MPS has no float64
        self.add_state("count", default=torch.zeros(()), dist_reduce_fx="sum")

    def update(self, mean: Tensor, count: int) -> None:
        """Add a batch of ``count`` samples whose mean is ``mean``."""
        self.total += mean.detach().float() * count
        self.count += count

    def compute(self) -> Tensor:
        """The mean over every sample seen (on every rank)."""
        return self.total / self.count
