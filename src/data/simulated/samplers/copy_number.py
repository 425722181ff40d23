"""A genome-like copy-number track: a piecewise-constant integer state seen through noisy read-depth channels."""

from __future__ import annotations

import torch

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.simulated.samplers.segments import changes, check_states, segment_states
from src.data.spec import DataSpec, Target


class CopyNumber(Sampler):
    """A genome-like copy-number track: one integer state per position, seen through noisy read depths.

    Segments of random length, each with a copy-number state in 0..K-1, most at the normal state; one label per
    position, observed through ``channels`` read-depth-like signals.

    The state changes at each position with probability 1 / ``mean_segment``; a new segment is at ``normal`` with
    probability ``normal_fraction``, else at another state drawn uniformly. Channel c at a position counts reads
    ``Poisson(coverage · gain_c · (state + 0.05) / normal)`` (the 0.05: a deletion still gets stray reads), scaled
    by ``1 / coverage``, so that the normal state reads about ``gain_c`` and the noise falls as coverage grows. The
    channel gains (0.8 to 1.2, like libraries sequenced to different depths) are the problem the seed fixes. One
    position alone is ambiguous at low coverage: a backbone that pools its neighbours' evidence does better, and
    positions next to a change are the hardest.

    ``level=sample`` keeps the same tracks but gives one target per sequence: its mean state, rounded (the transfer
    from a per-position backbone to a sample-level task).

    Named targets, for several heads (``task=multi``): ``state`` (per position), ``mean`` (per sequence, the mean
    state rounded), ``change`` (per position, 1 where the state differs from the previous position's) and ``ratio``
    (per position, continuous: the copy ratio ``state / normal``, what a caller's log-ratio track estimates). The
    first is ``state``, or ``mean`` with ``level=sample``.
    """

    def __init__(
        self,
        *,
        num_states: int = 5,  # copy numbers 0..K-1
        normal: int = 2,  # the usual copy number; its depth reads about 1
        normal_fraction: float = 0.6,  # share of segments at the normal state
        mean_segment: float = 32.0,  # mean segment length, in positions
        length: int = 256,  # positions per sequence
        channels: int = 2,  # read-depth-like signals per position
        coverage: float = 8.0,  # reads per copy; the noise falls as it grows
        level: str = "position",  # position: a state per position | sample: one per sequence, its mean state rounded
        seed: int = 0,  # fixes the problem (the channel gains), not the samples
    ) -> None:
        super().__init__(seed=seed)
        check_states(num_states, normal, normal_fraction)
        if mean_segment < 1 or length < 1 or channels < 1 or coverage <= 0:
            raise ValueError(
                f"need mean_segment >= 1, length >= 1, channels >= 1, coverage > 0; got {mean_segment}, {length}, "
                f"{channels}, {coverage}"
            )
        self.num_states, self.normal, self.normal_fraction = num_states, normal, normal_fraction
        if level not in ("position", "sample"):
            raise ValueError(f"level must be position or sample, got {level!r}")
        self.mean_segment, self.length, self.channels, self.coverage = mean_segment, length, channels, coverage
        self.level = level
        self.gains = 0.8 + 0.4 * torch.rand(channels, generator=self.problem_generator())  # (C,)

    @property
    def spec(self) -> DataSpec:
        """Real sequences (length, channels); one integer state per position (or per sequence: the mean state)."""
        state = Target("state", "integer", num_classes=self.num_states, level="position")
        mean = Target("mean", "integer", num_classes=self.num_states, level="sample")
        first, *more = (state, mean) if self.level == "position" else (mean, state)
        return DataSpec(
            in_shape=(self.length, self.channels),
            inputs="sequence",
            target_kind="integer",
            num_classes=self.num_states,
            target_level=first.level,
            target_name=first.name,
            more_targets=(
                *more,
                Target("change", "integer", num_classes=2, level="position"),
                Target("ratio", "continuous", target_dim=1, level="position"),
            ),
        )

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Change points, a state per segment, then Poisson depths: all ``n`` tracks at once."""
        y = segment_states(
            n, self.length, 1 / self.mean_segment, self.num_states, self.normal, self.normal_fraction, generator
        )  # (n, L)
        rate = self.coverage * (y.float() + 0.05) / self.normal  # (n, L)
        rates = rate[..., None] * self.gains  # (n, L, C)
        x = torch.poisson(rates, generator=generator) / self.coverage  # (n, L, C)
        mean = y.float().mean(1).round().long()  # (n,)
        more = {"change": changes(y), "ratio": (y.float() / self.normal)[..., None]}  # ratio: (n, L, 1)
        if self.level == "position":
            return Batch(x, y, targets={"mean": mean, **more})
        return Batch(x, mean, targets={"state": y, **more})
