"""GRU backbone: stacked gated recurrent layers, one direction or both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import torch
from torch import Tensor, nn

from src.backbones.sequence import InputEmbedding, reverse_within_length


class GRU(nn.Module):
    """Stacked GRU over sequences or tokens: one feature vector per position.

    Embedding → ``depth`` GRU layers → LayerNorm.  (B, L[, C]) -> (B, L, width).

    Bidirectional: each layer runs a forward GRU and a backward GRU of ``width // 2`` units and concatenates them.
    The backward one reads each sequence reversed within its own length, so it starts at the last real position
    and padding never reaches a real one (no packing, no host sync for the lengths).
    """

    inputs: ClassVar[tuple[str, ...]] = ("sequence", "tokens")
    variable_length: ClassVar[bool] = True  # padding sits after the real positions in both directions
    features: ClassVar[str] = "position"

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        vocab_size: int | None = None,  # token inputs: the vocabulary (from the data)
        depth: int = 2,  # GRU layers
        width: int = 64,  # features per position (out_dim); bidirectional: width / 2 per direction
        bidirectional: bool = False,  # false: causal (each position sees only the past)
        dropout: float = 0.0,  # between layers
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1 or (bidirectional and width % 2):
            raise ValueError(f"need depth >= 1 and width >= 1 (even if bidirectional), got {depth}, {width}")
        self.embedding = InputEmbedding("gru", in_shape, vocab_size, width)
        units = width // 2 if bidirectional else width
        self.forward_layers = nn.ModuleList(nn.GRU(width, units, batch_first=True) for _ in range(depth))
        self.backward_layers = nn.ModuleList(
            nn.GRU(width, units, batch_first=True) for _ in range(depth if bidirectional else 0)
        )
        self.dropout, self.norm = nn.Dropout(dropout), nn.LayerNorm(width)
        self.causal, self.out_dim = not bidirectional, width

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, L) ids or (B, L, C) values, (B, L) padding mask -> (B, L, width)."""
        h = self.embedding(x)  # (B, L, D)
        for i, forward_layer in enumerate(self.forward_layers):
            out, _ = forward_layer(h)  # (B, L, units)
            if self.backward_layers:
                back, _ = self.backward_layers[i](reverse_within_length(h, mask))
                out = torch.cat([out, reverse_within_length(back, mask)], dim=-1)  # (B, L, D)
            h = self.dropout(out) if i < len(self.forward_layers) - 1 else out
        return self.norm(h)
