"""Tumour copy number from read depth: each track has its own unknown scale, so a state is read against the track."""

from __future__ import annotations

import math

import torch

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.simulated.samplers.segments import changes, check_states, segment_states
from src.data.spec import DataSpec, Target


class TumourCopyNumber(Sampler):
    """Tumour read-depth tracks, each at its own unknown coverage and purity: a state is read against the whole track.

    A track is one sample's genome in ``length`` bins. Its tumour cells carry segments of copy-number states
    0..K-1, most of them at the ``normal`` state (a segment is normal with probability ``normal_fraction``, else at
    another state drawn uniformly); segments are ``length / segments`` bins long on average, so they grow with the
    track, as chromosome arms do with the genome. Two things differ per sample and are not given:

    - coverage ``c``, the reads a bin at the normal state gets, log-uniform over [``coverage_min``, ``coverage_max``]
      (sequencing depth differs from sample to sample);
    - purity ``p``, the share of tumour cells, uniform over [``purity_min``, 1]: the rest are normal cells at the
      normal state, which pull every state's depth towards normal.

    A bin's reads are ``Poisson(c · b · (p · state + (1 - p) · normal + 0.05) / normal)`` (the 0.05: a deletion still
    gets stray reads), divided by the geometric mean of the coverage range, so that depths are about 1. ``b`` is the
    bin's own bias (GC content, mappability), log-normal with deviation ``bin_bias``: the same in every sample, it is
    the problem the seed fixes (what a panel of normal samples measures). One window of a
    track cannot tell a gain from a sample sequenced deeper (coverage spans more than a gain's ratio, 1.5), while
    the whole track can: most of it sits at the normal state, which fixes its scale.

    Named targets: ``state`` (per bin; the first), ``altered`` (per track: the share of bins not at the normal
    state, the first with ``level=sample``), ``coverage`` (per track: log2 c, the scale itself) and ``change`` (per
    bin, 1 where the state differs from the previous bin's).
    """

    def __init__(
        self,
        *,
        num_states: int = 5,  # copy numbers 0..K-1
        normal: int = 2,  # the germline copy number
        normal_fraction: float = 0.7,  # share of segments at the normal state
        segments: float = 16.0,  # mean segments per track: a segment is length / segments bins on average
        length: int = 1024,  # bins per track
        coverage_min: float = 4.0,  # reads per normal bin in the shallowest sample
        coverage_max: float = 64.0,  # ... and in the deepest
        purity_min: float = 0.6,  # the lowest share of tumour cells in a sample (the highest is 1)
        bin_bias: float = 0.1,  # deviation of log bin bias (the same in every sample)
        level: str = "position",  # position: a state per bin | sample: one target per track, the altered share
        seed: int = 0,  # fixes the problem: the bins' biases
    ) -> None:
        super().__init__(seed=seed)
        check_states(num_states, normal, normal_fraction)
        if not (1 <= segments <= length and 0 < coverage_min <= coverage_max and 0 < purity_min <= 1 and bin_bias >= 0):
            raise ValueError(
                "need 1 <= segments <= length, 0 < coverage_min <= coverage_max, 0 < purity_min <= 1, bin_bias >= 0; "
                f"got {segments}, {length}, {coverage_min}, {coverage_max}, {purity_min}, {bin_bias}"
            )
        if level not in ("position", "sample"):
            raise ValueError(f"level must be position or sample, got {level!r}")
        self.num_states, self.normal, self.normal_fraction = num_states, normal, normal_fraction
        self.segments, self.length, self.level = segments, length, level
        self.log2_coverage = (math.log2(coverage_min), math.log2(coverage_max))
        self.purity_min = purity_min
        self.bias = torch.exp(bin_bias * torch.randn(length, generator=self.problem_generator()))  # (L,)

    @property
    def spec(self) -> DataSpec:
        """Read depths (length, 1); a state per bin, or one altered share per track."""
        low, high = self.log2_coverage
        state = Target("state", "integer", num_classes=self.num_states, level="position")
        altered = Target("altered", "continuous", target_dim=1, level="sample")
        coverage = Target("coverage", "continuous", target_dim=1, level="sample")
        first, *more = (state, altered) if self.level == "position" else (altered, state)
        return DataSpec(
            in_shape=(self.length, 1),
            inputs="sequence",
            target_kind=first.kind,
            num_classes=first.num_classes,
            target_dim=first.target_dim,
            target_level=first.level,
            target_name=first.name,
            more_targets=(*more, coverage, Target("change", "integer", num_classes=2, level="position")),
        )

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Each track's scale, its segments and their states, then Poisson reads: all ``n`` tracks at once."""
        low, high = self.log2_coverage
        log2_c = low + (high - low) * torch.rand(n, 1, generator=generator)  # (n, 1)
        purity = self.purity_min + (1 - self.purity_min) * torch.rand(n, 1, generator=generator)  # (n, 1)
        y = segment_states(
            n, self.length, self.segments / self.length, self.num_states, self.normal, self.normal_fraction, generator
        )  # (n, L)
        copies = purity * y + (1 - purity) * self.normal  # (n, L) the mean copy number over the sample's cells
        rate = torch.exp2(log2_c) * self.bias * (copies + 0.05) / self.normal  # (n, L) expected reads
        x = torch.poisson(rate, generator=generator) / 2 ** ((low + high) / 2)  # (n, L) depths about 1
        altered = (y != self.normal).float().mean(1, keepdim=True)  # (n, 1)
        more = {"coverage": log2_c, "change": changes(y)}
        if self.level == "position":
            return Batch(x[..., None], y, targets={"altered": altered, **more})
        return Batch(x[..., None], altered, targets={"state": y, **more})
