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
from src.tasks.decoders import LinearDecoder
from src.tasks.pooling import POOLS

STAGES = ("train", "val", "test")
POOL_CHOICES = ("auto", *POOLS)


class Task(nn.Module, ABC):
    """Owns the pooling, the decoder head, the loss, the metrics (one clone per stage) and the post-processing.

    A task is created from its config with its own hyper-parameters only; ``build`` then sizes the head
    from the backbone's ``out_dim`` and the data's spec. Metrics are ``update``d every step and computed
    once per epoch by the module.

    The same task works at both levels. Sample-level targets on per-position features: the features are pooled
    (``pool``, mask-aware) into one vector per sample. Position-level targets: the head runs at every position,
    and the loss and metrics see only the positions that count (``Batch.counted``), never padding.
    """

    decoder_cls: ClassVar[type[nn.Module]] = LinearDecoder
    accepts: ClassVar[tuple[TargetKind, ...]]

    def __init__(self, *, monitor: str, mode: str, pool: str = "auto") -> None:
        super().__init__()
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be min or max, got {mode!r}")
        if pool not in POOL_CHOICES:
            raise ValueError(f"task.pool must be one of {', '.join(POOL_CHOICES)}, got {pool!r}")
        self.monitor, self.mode, self.pool_name = monitor, mode, pool
        self.pool: str | None = None  # the pooling in use, decided by build

    @classmethod
    def fits(cls, spec: DataSpec) -> bool:
        """Whether this task can learn the targets ``spec`` describes."""
        return spec.target_kind in cls.accepts

    def check(self, spec: DataSpec) -> None:
        """Fail with a clear message if the data's targets do not suit this task."""
        if not self.fits(spec):
            raise IncompatibleDataError(
                f"{type(self).__name__} needs {' or '.join(self.accepts)} targets, but the data gives {spec.describe()}"
            )

    def pooling_for(self, features: Level, spec: DataSpec) -> str | None:
        """The pooling that features of level ``features`` need for ``spec``'s targets (None: none); or a message."""
        if features == "sample" and spec.target_level == "position":
            raise IncompatibleDataError("the data has one target per position, but the backbone gives one per sample")
        if self.pool_name != "auto" and (features == "sample" or spec.target_level == "position"):
            why = "the backbone gives one vector per sample" if features == "sample" else "the targets are per position"
            raise IncompatibleDataError(f"task.pool={self.pool_name} has nothing to pool: {why}")
        if features == "position" and spec.target_level == "sample":
            return "mean" if self.pool_name == "auto" else self.pool_name
        return None

    def build(self, in_dim: int, spec: DataSpec, features: Level = "sample") -> None:
        """Create the decoder and the per-stage metrics for features of size ``in_dim`` (per sample or position)."""
        self.check(spec)
        self.pool = self.pooling_for(features, spec)
        self.spec = spec
        self.decoder = self.decoder_cls(in_dim, self.output_dim(spec))
        metrics = self.make_metrics(spec)
        for stage in STAGES:  # attributes, not a ModuleDict: "train" would clash with nn.Module.train
            setattr(self, f"{stage}_metrics", metrics.clone(prefix=f"{stage}/"))
        logged = [f"{stage}/{name}" for stage in STAGES for name in ["loss", *self.metric_names(metrics)]]
        if self.monitor not in logged:
            raise TriadError(
                f"task.monitor={self.monitor} is not logged by {type(self).__name__}; choose one of {logged}"
            )

    def forward(self, features: Tensor, mask: Tensor | None = None) -> Tensor:
        """Features -> raw outputs: (B, D) or pooled (B, L, D) -> (B, out); per position (B, L, D) -> (B, L, out)."""
        if self.pool is not None:
            features = POOLS[self.pool](features, mask)
        return self.decode(features)

    def decode(self, features: Tensor) -> Tensor:
        """The head alone; override to map its outputs into the targets' units."""
        return self.decoder(features)

    def scored(self, out: Tensor, batch: Batch) -> tuple[Tensor, Tensor]:
        """The outputs and targets the loss and metrics see: one row per sample, or per position that counts."""
        if self.spec.target_level == "sample":
            return out, batch.y
        counted = batch.counted()
        if counted is None:
            return out.flatten(0, 1), batch.y.flatten(0, 1)  # (B*L, out), (B*L, ...)
        return out[counted], batch.y[counted]  # (N, out), (N, ...)

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
