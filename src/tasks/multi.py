"""Several tasks on one backbone (``task=multi``): a head per target, each a task of its own, one weighted loss."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import torch
from torch import Tensor, nn

from src.data.batch import Batch
from src.data.spec import DataSpec
from src.errors import IncompatibleDataError, TriadError
from src.tasks.base import STAGES, Task
from src.tasks.scores import EpochMean
from src.tasks.weighting import FixedWeights, Weighting


class MultiTask(nn.Module):
    """Several heads on one backbone, each a task (its own pooling, decoder, loss, metrics) on a target of the data.

    A head learns the target of its own name unless ``targets`` names another; the loss is the sum of the heads'
    losses, each turned into a term by ``weighting`` (``task/weighting=fixed | uncertainty | dwa``) and multiplied by
    its weight in ``weights`` (default 1). Every head logs under its name (``val/state/acc``, ``val/state/loss``);
    ``val/loss`` is the weighted total, and ``monitor`` may name any of them. In a notebook::

        state = Classification(in_dim=64, spec=spec.target("state"), features="position")
        mean = IntegerRegression(in_dim=64, spec=spec.target("mean"), features="position")
        MultiTask(spec=spec, heads={"state": state, "mean": mean})
    """

    accepts: ClassVar[tuple[str, ...]] = ()  # no target by itself: each head accepts its own

    @classmethod
    def fits(cls, spec: DataSpec) -> bool:
        """Never listed as a task that fits one target: it is several tasks, each checked against its own."""
        return False

    @classmethod
    def check(cls, spec: DataSpec) -> None:
        """As a head (``task@task.heads.<name>=multi``): refused, a head learns one target."""
        raise IncompatibleDataError(f"task=multi is several heads, and a head learns one target ({spec.describe()})")

    def __init__(
        self,
        *,
        spec: DataSpec,
        heads: Mapping[str, Task] | None = None,  # head name -> its task: task@task.heads.<name>=<task option>
        targets: Mapping[str, str] | None = None,  # head name -> the target it learns, where it is not the head's name
        weights: Mapping[str, float] | None = None,  # head name -> its loss's fixed weight (default 1)
        weighting: Weighting | None = None,  # task/weighting=fixed | uncertainty | dwa (fixed: None)
        monitor: str = "val/loss",  # the weighted total, or any head's metric: val/<head>/<metric>
        mode: str = "min",
    ) -> None:
        super().__init__()
        heads, weights, chosen = dict(heads or {}), dict(weights or {}), dict(targets or {})
        if not heads:
            raise TriadError(
                f"task=multi has no heads. Name one per target: +task@task.heads.<target>=<task>; the data's "
                f"targets: {', '.join(spec.target_names)}."
            )
        for name in heads:  # a head is an attribute of its ModuleDict: torch's own names are taken
            if not name.isidentifier() or hasattr(nn.ModuleDict, name):
                raise TriadError(f"a head cannot be named {name!r} (a name of torch's); name it otherwise")
        for name in [*weights, *chosen]:
            if name not in heads:
                raise TriadError(f"task.weights or task.targets name {name!r}, which is no head: {', '.join(heads)}")
        if mode not in ("min", "max"):
            raise ValueError(f"task.mode must be min or max, got {mode!r}")
        self.targets = {name: head_target(name, chosen) for name in heads}
        for name, target in self.targets.items():
            if target not in spec.target_names:
                raise IncompatibleDataError(unknown_target(name, target, spec))
        self.picks = {name: None if t == spec.target_name else t for name, t in self.targets.items()}  # Batch.target
        self.heads = nn.ModuleDict(heads)
        self.weighting = weighting if weighting is not None else FixedWeights(heads=list(heads))
        if self.weighting.heads != tuple(heads):
            raise ValueError(f"the weighting is for heads {self.weighting.heads}, the task has {tuple(heads)}")
        self.register_buffer("weights", torch.tensor([float(weights.get(n, 1.0)) for n in heads]), persistent=False)
        if (self.weights < 0).any():
            raise ValueError(f"task.weights must be >= 0, got {weights}")
        self.spec, self.monitor, self.mode = spec, monitor, mode
        for stage in STAGES:  # each head's mean loss per epoch (attributes: "train" would clash with nn.Module.train)
            setattr(self, f"{stage}_losses", nn.ModuleDict({name: EpochMean() for name in heads}))
        logged = [f"{stage}/loss" for stage in STAGES] + [
            f"{stage}/{name}/{metric}"
            for stage in STAGES
            for name in heads
            for metric in self.head_metrics(name, stage)
        ]
        if monitor not in logged:
            raise TriadError(f"task.monitor={monitor} is not logged by task=multi; choose one of {logged}")

    def head_metrics(self, name: str, stage: str) -> list[str]:
        """What head ``name`` logs under its name: ``loss``, its task's metrics (``acc``...), ``weight`` in training."""
        head: Task = self.heads[name]  # type: ignore[assignment]
        return ["loss", *head.metric_names(head.metrics(stage)), *(["weight"] if stage == "train" else [])]

    def forward(self, features: Tensor, mask: Tensor | None = None) -> dict[str, Tensor]:
        """Features -> each head's raw outputs, by head name (each pooled or per position, as its target needs)."""
        return {name: head(features, mask) for name, head in self.heads.items()}

    def step(self, features: Tensor, batch: Batch, stage: str) -> tuple[Tensor, int]:
        """The weighted total of the heads' losses, and the batch's samples; each head's metrics see its rows."""
        losses = []
        for name, head in self.heads.items():
            loss, rows = head.step(features, batch.target(self.picks[name]), stage)
            getattr(self, f"{stage}_losses")[name].update(loss.detach(), rows)
            losses.append(loss.float())
        terms = self.weighting(torch.stack(losses))  # (K,)
        return (self.weights * terms).sum(), len(batch.x)

    def epoch_metrics(self, stage: str) -> dict[str, Tensor]:
        """Each head's loss and metrics under its name, and the total: its epoch losses, weighted.

        The total (``val/loss``) weighs the heads' epoch losses, so it is the same on one process and under DDP,
        where a mean of the steps' totals is not. After training epochs, each head's weight, which then moves on.
        """
        values: dict[str, Tensor] = {}
        means = []
        for name, head in self.heads.items():
            loss = getattr(self, f"{stage}_losses")[name]
            means.append(loss.compute())
            loss.reset()
            values[f"{stage}/{name}/loss"] = means[-1]
            values |= {f"{stage}/{name}/{key.partition('/')[2]}": v for key, v in head.epoch_metrics(stage).items()}
        with torch.no_grad():  # the total of the epoch's losses: exact under DDP, where a mean of step totals is not
            values[f"{stage}/loss"] = (self.weights * self.weighting(torch.stack(means))).sum()
        if stage == "train":  # the weights this epoch was trained with; the weighting then sees the epoch's losses
            factors = self.weighting.factors().to(self.weights.device) * self.weights
            values |= {f"train/{name}/weight": factor for name, factor in zip(self.heads, factors, strict=True)}
            self.weighting.epoch_end(torch.stack(means))
        return values

    def prediction_rows(self, out: dict[str, Tensor], batch: Batch) -> dict[str, dict[str, Tensor]]:
        """Each head's prediction columns, by head: its rows are its own (per sample, or per position that counts)."""
        return {
            name: head.prediction_rows(out[name], batch.target(self.picks[name])) for name, head in self.heads.items()
        }


def head_target(name: str, targets: Mapping[str, str]) -> str:
    """The target head ``name`` learns: the one ``targets`` names for it, else the target of its own name."""
    return targets.get(name, name)


def unknown_target(head: str, target: str, spec: DataSpec) -> str:
    """The message for a head whose target the data does not publish."""
    return (
        f"head {head} learns target {target!r}, which the data does not publish; its targets: "
        f"{', '.join(spec.target_names)}.\n  Name the head after one of them, or set task.targets.{head}=<target>."
    )
