"""Classification: integer labels learned as categories."""

from __future__ import annotations

from typing import Any

import torch.nn.functional as F
from torch import Tensor
from torchmetrics import MetricCollection

from src.data.spec import DataSpec
from src.tasks.base import Task
from src.tasks.scores import ClassScores


class Classification(Task):
    """Integer labels learned as categories: a linear head to one logit per class, cross-entropy; acc, macro-F1, MAE."""

    accepts = ("integer",)

    def __init__(
        self,
        *,
        label_smoothing: float = 0.0,  # cross-entropy label smoothing, 0 to 1
        monitor: str = "val/acc",  # what checkpoints, early stopping and sweeps follow
        mode: str = "max",
        **common: Any,  # in_dim, spec, features, pool: see Task
    ) -> None:
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"task.label_smoothing must be in [0, 1), got {label_smoothing}")
        super().__init__(monitor=monitor, mode=mode, **common)
        self.label_smoothing = label_smoothing

    def output_dim(self, spec: DataSpec) -> int:
        """One logit per class."""
        return int(spec.num_classes)

    def make_metrics(self, spec: DataSpec) -> MetricCollection:
        """Accuracy (micro: the fraction right), macro-F1, and the MAE of the predicted class id.

        The MAE is what integer_regression reports too, so the swap compares on the same footing; it means
        something where labels are ordered (copy numbers, counts), and is a distance between ids elsewhere.
        """
        return MetricCollection({"scores": ClassScores(int(spec.num_classes))})  # per-class counts, 3 figures

    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """Cross-entropy of (N, K) logits against (N,) labels."""
        return F.cross_entropy(out, y, label_smoothing=self.label_smoothing)

    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """Class ids and class probabilities."""
        return {"pred": out.argmax(-1), "probs": out.softmax(-1)}
