"""Regression: continuous targets."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torchmetrics import MeanAbsoluteError, MeanSquaredError, MetricCollection, R2Score

from src.data.spec import DataSpec
from src.tasks.base import Task


class Regression(Task):
    """Continuous targets: a linear head to target_dim values, MSE or Huber loss; MSE, MAE and R²."""

    accepts = ("continuous",)

    def __init__(
        self,
        *,
        loss: str = "mse",  # mse | huber
        huber_delta: float = 1.0,  # used by loss=huber
        monitor: str = "val/mse",
        mode: str = "min",
        **common: Any,  # in_dim, spec, features, pool: see Task
    ) -> None:
        if loss not in ("mse", "huber"):
            raise ValueError(f"task.loss must be mse or huber, got {loss!r}")
        super().__init__(monitor=monitor, mode=mode, **common)
        self.loss_name, self.huber_delta = loss, huber_delta
        spec, dim = self.spec, int(self.spec.target_dim)  # the head predicts standardised targets:
        self.register_buffer("target_mean", torch.tensor(spec.target_mean or (0.0,) * dim))
        self.register_buffer("target_std", torch.tensor(spec.target_std or (1.0,) * dim))

    def decode(self, features: Tensor) -> Tensor:
        """Predictions in the targets' own units."""
        return self.decoder(features) * self.target_std + self.target_mean

    def output_dim(self, spec: DataSpec) -> int:
        """One output per target dimension."""
        return int(spec.target_dim)

    def make_metrics(self, spec: DataSpec) -> MetricCollection:
        """MSE, MAE and R² (averaged over target dimensions)."""
        return MetricCollection({"mse": MeanSquaredError(), "mae": MeanAbsoluteError(), "r2": R2Score()})

    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """MSE or Huber of (N, D) outputs against (N, D) targets, both standardised by the data's statistics."""
        out, y = (out - self.target_mean) / self.target_std, (y - self.target_mean) / self.target_std
        if self.loss_name == "huber":
            return F.huber_loss(out, y, delta=self.huber_delta)
        return F.mse_loss(out, y)

    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """The predicted values."""
        return {"pred": out}
