"""Random token sequences with a planted motif, and how many copies each sequence holds."""

from __future__ import annotations

import torch

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.spec import DataSpec, Target


class Motif(Sampler):
    """Random tokens with 0..max_count copies of one planted motif; the target is the count.

    The motif (``motif_length`` tokens) is fixed by the sampler's seed. Lengths vary between ``min_length`` and
    ``length`` when they differ (padding with token 0 at the end, and a mask). Each sequence is cut into
    ``max_count`` equal slots of its own length and a copy goes into ``count`` of them, so copies never overlap.
    ``max_count=1`` is motif presence (classification); larger counts suit integer_regression as well.

    Named targets, for several heads (``task=multi``): ``count`` (per sequence, the first) and ``site`` (per
    position: 1 inside a copy of the motif, 0 elsewhere; padding never counts).
    """

    def __init__(
        self,
        *,
        vocab_size: int = 16,
        motif_length: int = 6,
        max_count: int = 3,  # targets 0..max_count; 1: presence
        length: int = 64,  # the longest sequence
        min_length: int = 32,  # the shortest; below length, sequences vary in length and batches carry a mask
        seed: int = 0,  # fixes the problem (the motif), not the samples
    ) -> None:
        super().__init__(seed=seed)
        if vocab_size < 2 or motif_length < 1 or max_count < 1 or not 1 <= min_length <= length:
            raise ValueError(
                "need vocab_size >= 2, motif_length >= 1, max_count >= 1, 1 <= min_length <= length; "
                f"got {vocab_size}, {motif_length}, {max_count}, {min_length}, {length}"
            )
        if min_length < max_count * motif_length:
            raise ValueError(
                f"min_length={min_length} cannot hold max_count={max_count} copies of a motif of {motif_length}"
            )
        self.vocab_size, self.max_count = vocab_size, max_count
        self.length, self.min_length = length, min_length
        self.motif = torch.randint(vocab_size, (motif_length,), generator=self.problem_generator())  # (M,)

    @property
    def spec(self) -> DataSpec:
        """Token sequences, of varying length unless min_length == length; one count per sequence."""
        return DataSpec(
            in_shape=(self.length,),
            inputs="tokens",
            vocab_size=self.vocab_size,
            variable_length=self.min_length < self.length,
            target_kind="integer",
            num_classes=self.max_count + 1,
            target_name="count",
            more_targets=(Target("site", "integer", num_classes=2, level="position"),),
        )

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """Draw lengths, counts and slots for all ``n`` sequences, then write every copy with one scatter."""
        m, k = len(self.motif), self.max_count
        lengths = torch.randint(self.min_length, self.length + 1, (n,), generator=generator)  # (n,)
        x = torch.randint(self.vocab_size, (n, self.length), generator=generator)
        count = torch.randint(k + 1, (n,), generator=generator)  # (n,) the target
        chosen = torch.rand(n, k, generator=generator).argsort(1) < count[:, None]  # (n, k) slots holding a copy
        slot = lengths[:, None] // k  # (n, 1) slot length, >= m
        room = (slot - m + 1).float()  # (n, 1) start offsets that keep a copy inside its slot
        offset = (torch.rand(n, k, generator=generator) * room).long()  # (n, k)
        starts = torch.arange(k)[None, :] * slot + offset  # (n, k)
        positions = starts[..., None] + torch.arange(m)  # (n, k, M)
        tokens = torch.where(
            chosen[..., None], self.motif.expand(n, k, m), x.gather(1, positions.flatten(1)).view(n, k, m)
        )
        x = x.scatter(1, positions.flatten(1), tokens.flatten(1))
        mask = torch.arange(self.length)[None, :] < lengths[:, None]  # (n, L)
        x = x.masked_fill(~mask, 0)
        copies = chosen[..., None].expand(n, k, m).flatten(1).long()  # (n, k*M) 1 for the positions of a copy
        site = torch.zeros_like(x).scatter(1, positions.flatten(1), copies)  # (n, L)
        return Batch(x, count, mask=mask if self.min_length < self.length else None, targets={"site": site})
