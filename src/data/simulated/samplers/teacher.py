"""Teacher–student regression: continuous targets from a fixed random MLP."""

from __future__ import annotations

import torch
from torch import Tensor

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.spec import DataSpec


class Teacher(Sampler):
    """Continuous targets from a fixed random MLP teacher plus noise.

    x ~ N(0, I_dim); y = W2 tanh(W1 x + b1) + noise, with W scaled so the clean y has unit variance.
    """

    def __init__(
        self,
        *,
        dim: int = 16,  # input dimension
        target_dim: int = 1,  # outputs per sample
        hidden: int = 32,  # the teacher's hidden width
        noise: float = 0.1,  # target noise std, relative to the teacher's unit-variance output (best R² ≈ 1/(1+noise²))
        seed: int = 0,  # fixes the problem (the teacher's weights), not the samples
    ) -> None:
        super().__init__(seed=seed)
        if min(dim, target_dim, hidden) < 1 or noise < 0:
            raise ValueError(
                f"need dim, target_dim, hidden >= 1 and noise >= 0; got {dim}, {target_dim}, {hidden}, {noise}"
            )
        self.dim, self.target_dim, self.noise = dim, target_dim, noise
        g = self.problem_generator()
        self.w1 = torch.randn(dim, hidden, generator=g) / dim**0.5  # (dim, hidden)
        self.b1 = 0.1 * torch.randn(hidden, generator=g)
        self.w2 = torch.randn(hidden, target_dim, generator=g) / hidden**0.5  # (hidden, target_dim)
        # Normalise the teacher's output to zero mean, unit variance on a large reference draw, so that
        # `noise` reads as a noise-to-signal ratio whatever dim and hidden are.
        clean = self._teacher(torch.randn(16384, dim, generator=g))
        self.mean, self.std = clean.mean(0), clean.std(0)

    def _teacher(self, x: Tensor) -> Tensor:
        return torch.tanh(x @ self.w1 + self.b1) @ self.w2  # (n, target_dim)

    @property
    def spec(self) -> DataSpec:
        """Vectors of size dim; continuous targets of size target_dim."""
        return DataSpec(in_shape=(self.dim,), target_kind="continuous", target_dim=self.target_dim)

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Draw inputs, then their noisy teacher outputs."""
        x = torch.randn(n, self.dim, generator=generator)  # (n, dim)
        y = (self._teacher(x) - self.mean) / self.std  # (n, target_dim), unit variance
        return Batch(x, y + self.noise * torch.randn(n, self.target_dim, generator=generator))
