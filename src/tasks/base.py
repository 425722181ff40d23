"""The Task contract: what turns backbone features into a learning signal."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from torch import Tensor, nn
from torchmetrics import MetricCollection

from src.data.spec import DataSpec, TargetKind
from src.errors import IncompatibleDataError, TriadError
from src.tasks.decoders import LinearDecoder

STAGES = ("train", "val", "test")


class Task(nn.Module, ABC):
    """Owns the decoder head, the loss, the metrics (one clone per stage) and the post-processing.

    A task is created from its config with its own hyper-parameters only; ``build`` then sizes the head
    from the backbone's ``out_dim`` and the data's spec. Metrics are ``update``d every step and computed
    once per epoch by the module.
    """

    decoder_cls: ClassVar[type[nn.Module]] = LinearDecoder
    accepts: ClassVar[tuple[TargetKind, ...]]

    def __init__(self, *, monitor: str, mode: str) -> None:
        super().__init__()
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be min or max, got {mode!r}")
        self.monitor, self.mode = monitor, mode

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

    def build(self, in_dim: int, spec: DataSpec) -> None:
        """Create the decoder and the per-stage metrics for features of size ``in_dim``."""
        self.check(spec)
        self.spec = spec
        self.decoder = self.decoder_cls(in_dim, self.output_dim(spec))
        metrics = self.make_metrics(spec)
        for stage in STAGES:  # attributes, not a ModuleDict: "train" would clash with nn.Module.train
            setattr(self, f"{stage}_metrics", metrics.clone(prefix=f"{stage}/"))
        logged = [f"{stage}/{name}" for stage in STAGES for name in ["loss", *metrics.keys()]]
        if self.monitor not in logged:
            raise TriadError(
                f"task.monitor={self.monitor} is not logged by {type(self).__name__}; choose one of {logged}"
            )

    def forward(self, features: Tensor) -> Tensor:
        """Features -> raw outputs (logits, values)."""
        return self.decoder(features)

    def metrics(self, stage: str) -> MetricCollection:
        """The metric collection of ``stage`` (train, val or test)."""
        return getattr(self, f"{stage}_metrics")

    def update_metrics(self, stage: str, out: Tensor, y: Tensor) -> None:
        """Accumulate one step's outputs; nothing is computed or synchronised here."""
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
        """Scalar loss of raw outputs against raw targets."""

    @abstractmethod
    def postprocess(self, out: Tensor) -> dict[str, Tensor]:
        """Raw outputs -> named predictions (class ids, probabilities, values), one row per sample."""
