"""How a multi-task loss weighs its heads' losses (``task/weighting=fixed | uncertainty | dwa``).

Each weighting turns the K heads' losses of a step into the K terms whose sum, each term times its head's fixed
weight (``task.weights``), is the loss the optimizer sees. All work with the automatic optimization, under mixed
precision and DDP: a weighting's parameters are the model's (the optimizer holds them, DDP syncs their gradients)
and its state is a buffer (in every checkpoint, so a resumed run goes on with the weights it had).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn


class Weighting(nn.Module):
    """Heads' losses (K,) -> the terms the total sums (K,); told each training epoch's mean loss per head."""

    def __init__(self, *, heads: Sequence[str]) -> None:
        super().__init__()
        self.heads = tuple(heads)

    def forward(self, losses: Tensor) -> Tensor:
        """(K,) losses of one step -> (K,) terms; the fixed weighting leaves them as they are."""
        return losses

    def factors(self) -> Tensor:
        """(K,) what each head's loss is multiplied by now (logged once per epoch)."""
        return torch.ones(len(self.heads))

    def epoch_end(self, means: Tensor) -> None:
        """After a training epoch: (K,) each head's mean loss over it, on every rank (already synced)."""


class FixedWeights(Weighting):
    """The heads' losses as they are: the total is their sum, each times its weight in ``task.weights``."""

    def __init__(self, **common: Sequence[str]) -> None:  # heads: wired by the build
        super().__init__(**common)


class UncertaintyWeights(Weighting):
    """Homoscedastic uncertainty (Kendall, Gal and Cipolla, CVPR 2018): each head learns its own noise level.

    Head k's term is ``exp(-s_k) L_k / 2 + s_k / 2`` with ``s_k = log σ_k²`` learned with the model (in the optimizer,
    from ``init``): a noisy head's loss counts less, and the ``s_k / 2`` term keeps σ from growing without bound.
    The paper's classification term, ``exp(-s) L + s / 2``, is this one with ``s`` shifted by log 2 and a constant
    added, so one form serves every task: it learns the same weights, from a start half a unit of ``s`` away.
    """

    def __init__(self, *, init: float = 0.0, **common: Sequence[str]) -> None:  # init: the log-variances' start
        super().__init__(**common)
        self.log_variance = nn.Parameter(torch.full((len(self.heads),), float(init)))  # (K,) s_k = log σ_k²

    def forward(self, losses: Tensor) -> Tensor:
        """(K,) -> (K,) ``exp(-s) L / 2 + s / 2``, in float32 whatever the precision of the losses."""
        s = self.log_variance
        return 0.5 * torch.exp(-s) * losses.float() + 0.5 * s

    def factors(self) -> Tensor:
        """``exp(-s) / 2``: each head's loss weight now."""
        return 0.5 * torch.exp(-self.log_variance.detach())


class DynamicWeightAverage(Weighting):
    """Dynamic weight averaging (Liu, Johns and Davison, CVPR 2019): a head whose loss falls slower gets more weight.

    For epoch t, head k's weight is ``K · softmax_k(r_k / T)`` with ``r_k = L_k(t-1) / L_k(t-2)``, the ratio of its
    mean training losses over the two epochs before; the first two epochs weigh every head 1. ``temperature`` T:
    the larger, the closer to equal weights (the paper uses 2).
    """

    def __init__(self, *, temperature: float = 2.0, **common: Sequence[str]) -> None:
        super().__init__(**common)
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.temperature = temperature
        k = len(self.heads)
        self.register_buffer("history", torch.zeros(2, k))  # (2, K) mean losses of the two epochs before
        self.register_buffer("epochs", torch.zeros((), dtype=torch.long))  # training epochs seen
        self.register_buffer("weights", torch.ones(k))  # (K,) this epoch's weights

    def forward(self, losses: Tensor) -> Tensor:
        """(K,) -> (K,) each loss times its weight for this epoch."""
        return losses * self.weights

    def factors(self) -> Tensor:
        """The weights of the epoch in progress."""
        return self.weights.detach().clone()

    def epoch_end(self, means: Tensor) -> None:
        """Shift the history by one epoch, and set the next epoch's weights from the last two."""
        self.history.copy_(torch.stack([self.history[1], means.detach().float().to(self.history.device)]))
        self.epochs += 1
        if int(self.epochs) >= 2:
            ratio = self.history[1] / self.history[0].clamp(min=torch.finfo(torch.float32).tiny)  # (K,)
            self.weights.copy_(len(self.heads) * torch.softmax(ratio / self.temperature, dim=0))
