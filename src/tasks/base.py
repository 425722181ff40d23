"""The Task contract: what turns backbone features into a learning signal, at sample or position level."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import torch
from torch import Tensor, nn
from torchmetrics import MetricCollection

from src.data.batch import Batch
from src.data.spec import DataSpec, Level, TargetKind
from src.errors import IncompatibleDataError, TriadError
from src.tasks.heads import POOLS, LinearDecoder, pooling

STAGES = ("train", "val", "test")


class Task(nn.Module, ABC):
    """Owns the pooling, the decoder head, the loss, the metrics (one clone per stage) and the post-processing.

    A task is whole once constructed: ``in_dim`` (the backbone's ``out_dim``), the data's ``spec`` and the level of
    the backbone's ``features`` size its head and metrics; the build wires them, and a notebook passes them
    (``Classification(in_dim=64, spec=spec)``). Metrics are ``update``d every step and computed once per epoch.

    The same task works at both levels. Sample-level targets on per-position features: the features are pooled
    (``pool``, mask-aware) into one vector per sample. Position-level targets: in training and evaluation the
    head runs at the positions that count only (``Batch.counted``), never padding; in prediction at every position.
    """

    decoder_cls: ClassVar[type[nn.Module]] = LinearDecoder
    accepts: ClassVar[tuple[TargetKind, ...]]

    def __init__(
        self,
        *,
        in_dim: int,
        spec: DataSpec,
        monitor: str,
        mode: str,
        features: Level = "sample",
        pool: str = "auto",  # auto | mean | max | first | last: per-position features to one vector per sample
    ) -> None:
        super().__init__()
        if mode not in ("min", "max"):
            raise ValueError(f"task.mode must be min or max, got {mode!r}")
        self.check(spec)
        self.spec, self.monitor, self.mode = spec, monitor, mode
        self.pool = pooling(pool, features, spec)  # the pooling in use: None where nothing is pooled
        self.decoder = self.decoder_cls(in_dim, self.output_dim(spec))
        metrics = self.make_metrics(spec)
        for stage in STAGES:  # attributes, not a ModuleDict: "train" would clash with nn.Module.train
            setattr(self, f"{stage}_metrics", metrics.clone(prefix=f"{stage}/"))
        logged = [f"{stage}/{name}" for stage in STAGES for name in ["loss", *self.metric_names(metrics)]]
        if monitor not in logged:
            raise TriadError(f"task.monitor={monitor} is not logged by {type(self).__name__}; choose one of {logged}")

    @classmethod
    def fits(cls, spec: DataSpec) -> bool:
        """Whether this task can learn the targets ``spec`` describes."""
        return spec.target_kind in cls.accepts

    @classmethod
    def check(cls, spec: DataSpec) -> None:
        """Fail with a clear message if the data's targets do not suit this task."""
        if not cls.fits(spec):
            raise IncompatibleDataError(
                f"{cls.__name__} needs {' or '.join(cls.accepts)} targets, but the data gives {spec.describe()}"
            )

    def forward(self, features: Tensor, mask: Tensor | None = None) -> Tensor:
        """Features -> raw outputs: (B, D) or pooled (B, L, D) -> (B, out); per position (B, L, D) -> (B, L, out)."""
        if self.pool is not None:
            features = POOLS[self.pool](features, mask)
        return self.decode(features)

    def decode(self, features: Tensor) -> Tensor:
        """The head alone; override to map its outputs into the targets' units."""
        return self.decoder(features)

    def scored(self, features: Tensor, batch: Batch) -> tuple[Tensor, Tensor]:
        """The outputs and targets the loss and metrics see: one row per sample, or per position that counts.

        Per position, the features are selected before the head runs: a head at 8,192 classes over every position
        of an MQAR batch, for its 1 position in 16 that counts, was two thirds of the step. On a GPU they are
        selected by the indices the host made (``Batch.indexed``): a boolean mask would sync every step.
        """
        if self.spec.target_level == "sample":
            return self(features, batch.mask), batch.y
        index = (batch.counted_index or {}).get("")
        if index is not None:  # (N,) flat indices: no host sync
            return self.decode(features.flatten(0, 1)[index]), batch.y.flatten(0, 1)[index]  # (N, out), (N, ...)
        counted = batch.counted()
        if counted is None:
            return self.decode(features.flatten(0, 1)), batch.y.flatten(0, 1)  # (B*L, out), (B*L, ...)
        return self.decode(features[counted]), batch.y[counted]  # (N, out), (N, ...)

    def prediction_rows(self, out: Tensor, batch: Batch) -> dict[str, Tensor]:
        """Named prediction columns, one row per sample, or per position that counts (with its position)."""
        ids = batch.id if batch.id is not None else torch.full((len(batch.x),), -1, device=out.device)
        predictions = self.postprocess(out)
        if self.spec.target_level == "sample":
            return {"id": ids, "target": batch.y, **predictions}
        length = out.shape[1]
        columns = {
            "id": ids[:, None].expand(-1, length),  # (B, L)
            "position": torch.arange(length, device=out.device).expand(len(ids), -1),  # (B, L)
            "target": batch.y,
            **predictions,
        }
        counted = batch.counted()
        if counted is None:
            return {k: v.flatten(0, 1) for k, v in columns.items()}
        return {k: v[counted] for k, v in columns.items()}

    @staticmethod
    def metric_names(metrics: MetricCollection) -> list[str]:
        """The figures a collection logs: a fused metric's ``names`` (src/tasks/scores.py), else its key."""
        return [name for key, metric in metrics.items() for name in getattr(metric, "names", (key,))]

    def metrics(self, stage: str) -> MetricCollection:
        """The metric collection of ``stage`` (train, val or test)."""
        return getattr(self, f"{stage}_metrics")

    def step(self, features: Tensor, batch: Batch, stage: str) -> tuple[Tensor, int]:
        """One step of ``stage`` from backbone features: the loss over the rows that count, seen by the metrics too."""
        out, y = self.scored(features, batch)
        loss = self.loss(out, y)
        self.update_metrics(stage, out, y)
        return loss, len(y)

    def epoch_metrics(self, stage: str) -> dict[str, Tensor]:
        """The epoch's metrics of ``stage`` (``val/acc``...), computed once, then reset for the next epoch."""
        metrics = self.metrics(stage)
        values = metrics.compute()
        metrics.reset()
        return values

    def update_metrics(self, stage: str, out: Tensor, y: Tensor) -> None:
        """Accumulate one step's scored rows; nothing is computed or synchronised here."""
        self.metrics(stage).update(*self.metric_inputs(out, y))

    def metric_inputs(self, out: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """What the metrics receive; override to transform outputs or targets."""
        return out, y

    @abstractmethod
    def output_dim(self, spec: DataSpec) -> int:
        """Number of outputs of the decoder for data described by ``spec``."""

    @abstractmethod
    def make_metrics(self, spec: DataSpec) -> MetricCollection:
        """The metrics, named without a stage prefix (``acc``, ``mae``...)."""

    @abstractmethod
    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """Scalar loss of scored outputs (N, out) against their targets (N,) or (N, target_dim)."""

    @abstractmethod
    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """Raw outputs -> named predictions (class ids, probabilities, values), on the outputs' leading dims."""
