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
    """Accuracy, macro-F1 and the MAE of the predicted class id, from a confusion matrix of (N, K) logits."""

    names: ClassVar[tuple[str, ...]] = ("acc", "f1", "mae")
    full_state_update = False

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        pairs = torch.zeros(num_classes * num_classes, dtype=torch.long)  # (target, prediction), flattened
        self.add_state("confusion", default=pairs, dist_reduce_fx="sum")

    def update(self, logits: Tensor, target: Tensor) -> None:
        """Count (target, predicted) pairs: one argmax and one bincount."""
        k = self.num_classes
        self.confusion += torch.bincount(target.long() * k + logits.argmax(-1), minlength=k * k)

    def compute(self) -> dict[str, Tensor]:
        """The three figures; a class that is neither predicted nor present does not count in the macro-F1."""
        k = self.num_classes
        matrix = self.confusion.view(k, k).float()  # float32: MPS has no float64  # rows: target, columns: prediction
        total, tp = matrix.sum(), matrix.diagonal()
        fp, fn = matrix.sum(0) - tp, matrix.sum(1) - tp
        seen = (tp + fp + fn) > 0
        f1 = torch.where(seen, 2 * tp / (2 * tp + fp + fn).clamp_min(1), torch.zeros_like(tp))
        ids = torch.arange(k, device=matrix.device, dtype=matrix.dtype)
        distance = (ids[:, None] - ids[None, :]).abs()  # |target id - predicted id|
        return {
            "acc": tp.sum() / total,
            "f1": f1.sum() / seen.sum().clamp_min(1),
            "mae": (matrix * distance).sum() / total,
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
