"""Classification: integer labels learned as categories."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor
from torchmetrics import MetricCollection
from torchmetrics.classification import MulticlassAccuracy, MulticlassF1Score

from src.data.spec import DataSpec
from src.tasks.base import Task


class Classification(Task):
    """Linear head to num_classes logits, cross-entropy, accuracy and macro-F1."""

    accepts = ("integer",)

    def __init__(self, *, label_smoothing: float, monitor: str, mode: str) -> None:
        super().__init__(monitor=monitor, mode=mode)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing}")
        self.label_smoothing = label_smoothing

    def output_dim(self, spec: DataSpec) -> int:
        """One logit per class."""
        return int(spec.num_classes)

    def make_metrics(self, spec: DataSpec) -> MetricCollection:
        """Accuracy (micro: the fraction right) and macro-F1."""
        k = int(spec.num_classes)
        return MetricCollection(
            {"acc": MulticlassAccuracy(k, average="micro"), "f1": MulticlassF1Score(k, average="macro")}
        )

    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """Cross-entropy of (B, K) logits against (B,) labels."""
        return F.cross_entropy(out, y, label_smoothing=self.label_smoothing)

    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """Class ids and class probabilities."""
        return {"pred": out.argmax(-1), "probs": out.softmax(-1)}
