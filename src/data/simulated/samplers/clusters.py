"""Gaussian clusters with centres on a line: ordinal integer labels."""

from __future__ import annotations

import math

import torch

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.spec import DataSpec, Target


class Clusters(Sampler):
    """Gaussian clusters with centres on a line, so that labels are ordinal.

    K isotropic Gaussian clusters in ``dim`` dimensions; centre k sits at ``k * spacing`` along a line. Because the
    centres are ordered along one direction, label k is "between" k-1 and k+1: the labels are ordinal, so they can be
    learned as categories or as a number.

    Named targets, for several heads (``task=multi``): ``label`` (the first) and ``distance``, a continuous one:
    the point's distance to its own centre. Its statistics are known (``noise`` times a chi distribution with
    ``dim`` degrees of freedom), so that a regression head standardises it as it would file data's targets.
    """

    def __init__(
        self,
        *,
        num_classes: int = 5,  # K: labels 0..K-1
        dim: int = 16,  # input dimension
        spacing: float = 4.0,  # distance between neighbouring centres, in units of noise
        noise: float = 1.0,  # standard deviation of each cluster
        seed: int = 0,  # fixes the problem (the centres), not the samples
    ) -> None:
        super().__init__(seed=seed)
        if num_classes < 2 or dim < 1 or noise < 0:
            raise ValueError(f"need num_classes >= 2, dim >= 1, noise >= 0; got {num_classes}, {dim}, {noise}")
        self.num_classes, self.dim, self.noise = num_classes, dim, noise
        g = self.problem_generator()
        direction = torch.randn(dim, generator=g)
        direction = direction / direction.norm()
        offset = torch.randn(dim, generator=g)
        steps = torch.arange(num_classes, dtype=torch.float32) - (num_classes - 1) / 2
        self.centres = offset + spacing * steps[:, None] * direction  # (K, dim)

    @property
    def spec(self) -> DataSpec:
        """Vectors of size dim; integer labels 0..K-1; the distance to the centre, with its mean and deviation."""
        chi = math.sqrt(2) * math.exp(math.lgamma((self.dim + 1) / 2) - math.lgamma(self.dim / 2))  # E|N(0, I_dim)|
        mean, std = self.noise * chi, self.noise * math.sqrt(max(self.dim - chi**2, 0.0))
        return DataSpec(
            in_shape=(self.dim,),
            target_kind="integer",
            num_classes=self.num_classes,
            target_name="label",
            more_targets=(Target("distance", "continuous", target_dim=1, mean=(mean,), std=(std,)),),
        )

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Draw labels uniformly, then points around their centres."""
        y = torch.randint(self.num_classes, (n,), generator=generator)  # (n,)
        offsets = self.noise * torch.randn(n, self.dim, generator=generator)  # (n, dim)
        x = self.centres[y] + offsets
        return Batch(x, y, targets={"distance": torch.linalg.vector_norm(offsets, dim=1, keepdim=True)})  # (n, 1)
