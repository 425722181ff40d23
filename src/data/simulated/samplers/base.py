"""The sampler contract: a DataSpec, and a whole Batch per call from a torch.Generator."""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch

from src.data.batch import Batch
from src.data.spec import DataSpec


class Sampler(ABC):
    """Draws batches from one fixed problem.

    The problem itself (cluster centres, teacher weights) is fixed by the sampler's own ``seed``;
    the samples come from the generator the caller passes, so a stream is a pure function of its seed.
    On a GPU (``data.device=cuda``) ``sample`` runs under ``torch.device(generator.device)``: its factory calls
    (``torch.zeros``, ``torch.arange``) create tensors where the generator draws, so a sampler runs there unchanged.
    """

    def __init__(self, *, seed: int = 0) -> None:
        self.seed = seed

    def to(self, device: torch.device | str) -> Sampler:
        """Move the problem's tensors (centres, weights, keys...) to ``device``, where batches are then drawn."""
        for name, value in vars(self).items():
            if isinstance(value, torch.Tensor):
                setattr(self, name, value.to(device))
        return self

    def problem_generator(self) -> torch.Generator:
        """The generator that fixes the problem's parameters, distinct from every sample stream."""
        return torch.Generator().manual_seed(self.seed)

    @property
    @abstractmethod
    def spec(self) -> DataSpec:
        """What x and y look like."""

    @abstractmethod
    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Return ``n`` samples at once, shaped as ``spec`` says (see ``Batch``); ``id`` is left to the caller."""
