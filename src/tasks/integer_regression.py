"""Integer regression: the same integer labels as classification, learned as one number."""

from __future__ import annotations

from typing import Any

import torch.nn.functional as F
from torch import Tensor
from torchmetrics import MetricCollection

from src.data.spec import DataSpec
from src.tasks.base import Task
from src.tasks.scores import ValueScores


def round_into_range(value: Tensor, high: int) -> Tensor:
    """Nearest label in 0..high."""
    return value.round().clamp(0, high).long()


class IntegerRegression(Task):
    """Integer labels learned as one number: a linear head to one value, MSE; MAE and accuracy of the value rounded.

    Where classification treats labels as unrelated categories, this uses their order: predicting 3 for
    a 4 costs less than predicting 0.
    """

    accepts = ("integer",)

    def __init__(self, *, monitor: str = "val/mae", mode: str = "min", **common: Any) -> None:
        super().__init__(monitor=monitor, mode=mode, **common)  # common: in_dim, spec, features, pool (see Task)

    def output_dim(self, spec: DataSpec) -> int:
        """A single number."""
        return 1

    def make_metrics(self, spec: DataSpec) -> MetricCollection:
        """MAE of the value; accuracy of the value rounded and clamped into the label range."""
        return MetricCollection({"scores": ValueScores(int(spec.num_classes))})  # one update, both figures

    def metric_inputs(self, out: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """(B,) values against (B,) float labels; the accuracy metric rounds the values itself."""
        return out.squeeze(-1), y

    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """MSE of the (B, 1) values against the labels as numbers."""
        return F.mse_loss(out.squeeze(-1), y.float())

    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """The raw value and the nearest label."""
        value = out.squeeze(-1)
        return {"value": value, "pred": round_into_range(value, int(self.spec.num_classes) - 1)}
