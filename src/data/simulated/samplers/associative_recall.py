"""Multi-query associative recall (MQAR; Arora et al., "Zoology", 2023): recall the value bound to each queried key."""

from __future__ import annotations

import torch

from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.spec import DataSpec


class AssociativeRecall(Sampler):
    """Multi-query associative recall (Zoology's MQAR): key-value pairs, then queries; targets at the queries.

    The target at a query is the value its key was bound to. A sequence of ``length`` tokens: ``k1 v1 k2 v2 ... kP vP``
    (P = ``pairs`` distinct keys from one half of the vocabulary, values from the other; which token is in which half is
    fixed by the sampler's seed), then filler tokens among which each key appears once more, as a query, at a random
    position. Targets count at the query positions only (``target_mask``): a model must look up, at the query, the token
    that followed the same key earlier. Attention does this in one layer; recurrences must hold every pair in a
    fixed-size state, which is the gap the Zoology paper measures.
    """

    def __init__(
        self,
        *,
        vocab_size: int = 64,  # keys from one half, values from the other
        pairs: int = 8,  # key-value pairs per sequence, each queried once
        length: int = 64,  # tokens per sequence (at least 3 * pairs)
        seed: int = 0,  # fixes the problem (which tokens are keys), not the samples
    ) -> None:
        super().__init__(seed=seed)
        if vocab_size < 4 or pairs < 1 or pairs > vocab_size // 2 or length < 3 * pairs:
            raise ValueError(
                "need vocab_size >= 4, 1 <= pairs <= vocab_size / 2 (distinct keys) and length >= 3 * pairs "
                f"(pairs, then as many queries and room for them); got {vocab_size}, {pairs}, {length}"
            )
        self.vocab_size, self.pairs, self.length = vocab_size, pairs, length
        tokens = torch.randperm(vocab_size, generator=self.problem_generator())
        self.keys, self.values = tokens[: vocab_size // 2], tokens[vocab_size // 2 :]  # the problem: two halves

    @property
    def spec(self) -> DataSpec:
        """Token sequences of ``length``; one target (a value token) per query position."""
        return DataSpec(
            in_shape=(self.length,),
            inputs="tokens",
            vocab_size=self.vocab_size,
            target_kind="integer",
            num_classes=self.vocab_size,
            target_level="position",
        )

    def sample(self, n: int, generator: torch.Generator) -> Batch:
        """All ``n`` sequences at once: keys without replacement, query slots without replacement, by argsort."""
        p, length = self.pairs, self.length
        keys = self.keys[torch.rand(n, len(self.keys), generator=generator).argsort(1)[:, :p]]  # (n, P) distinct
        values = self.values[torch.randint(len(self.values), (n, p), generator=generator)]  # (n, P)
        x = torch.randint(self.vocab_size, (n, length), generator=generator)  # filler everywhere first
        x[:, 0 : 2 * p : 2], x[:, 1 : 2 * p : 2] = keys, values  # (n, 2P): k1 v1 k2 v2 ...
        queries = 2 * p + torch.rand(n, length - 2 * p, generator=generator).argsort(1)[:, :p]  # (n, P) positions
        rows = torch.arange(n)[:, None]  # (n, 1)
        x[rows, queries] = keys  # each key asked once, in a random order
        y = torch.zeros(n, length, dtype=torch.long)
        y[rows, queries] = values
        target_mask = torch.zeros(n, length, dtype=torch.bool)
        target_mask[rows, queries] = True
        return Batch(x, y, target_mask=target_mask)
