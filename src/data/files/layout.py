"""How file samples' inputs are checked and batched: one fixed shape, or sequences that may vary in length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence

from src.data.batch import Batch
from src.data.spec import InputKind


@dataclass(frozen=True)
class Layout:
    """The inputs a DataSpec promises: ``in_shape`` is the longest sequence for sequence and token inputs."""

    inputs: InputKind
    in_shape: tuple[int, ...]
    vocab_size: int | None = None
    variable_length: bool = False

    @staticmethod
    def shape_of(inputs: InputKind, x: Tensor) -> tuple[int, ...]:
        """A stored sample's input shape as the data will use it: a univariate sequence (L,) becomes (L, 1)."""
        return (*x.shape, 1) if inputs == "sequence" and x.dim() == 1 else tuple(x.shape)

    def prepare(self, x: Tensor) -> Tensor:
        """A stored input as a backbone reads it: token ids as int64, a univariate sequence as (L, 1)."""
        if self.inputs == "tokens":
            return x.long()
        return x[:, None] if self.inputs == "sequence" and x.dim() == 1 else x

    def problem(self, x: Tensor) -> str | None:
        """What is wrong with a prepared input, or None: its shape, its length, its token ids."""
        shape = tuple(x.shape)
        if self.inputs == "real":
            return (
                None if shape == self.in_shape else f"shape {shape}, but the data's samples have shape {self.in_shape}"
            )
        if len(shape) != len(self.in_shape) or shape[1:] != self.in_shape[1:]:
            what = "(length,) token ids" if self.inputs == "tokens" else f"(length, {self.in_shape[1]}) values"
            return f"shape {shape}, but the data's samples are {what}"
        if shape[0] > self.in_shape[0] or shape[0] < 1:
            return f"length {shape[0]}, outside 1..{self.in_shape[0]} (data.max_length, or the longest training sample)"
        if not self.variable_length and shape[0] != self.in_shape[0]:
            return f"length {shape[0]}, but the data's sequences all have length {self.in_shape[0]}"
        if self.inputs == "tokens" and not (int(x.min()) >= 0 and int(x.max()) < int(self.vocab_size or 0)):
            vocab = int(self.vocab_size or 0)
            return f"token ids {int(x.min())}..{int(x.max())}, outside 0..{vocab - 1} (data.vocab_size={vocab})"
        return None


def collate(samples: Sequence[tuple[Tensor, Any, int]], pad: bool, per_position: bool = False) -> Batch:
    """(x, y, index) samples -> one Batch whose ids are the samples' indices in their split.

    With ``pad``, sequences are padded at the end to the batch's longest, and the mask says which positions are real.
    A sample's y may be several targets by name (the first one first): the others go to ``Batch.targets``, per
    position padded as the inputs are.
    """
    xs, ys, ids = zip(*samples, strict=True)
    ids_tensor = torch.tensor(ids)
    more: dict[str, Tensor] | None = None
    if isinstance(ys[0], dict):
        first, *names = ys[0]
        more = {name: _joined([y[name] for y in ys], pad) for name in names}
        ys = tuple(y[first] for y in ys)
    if not pad:
        return Batch(torch.stack(xs), torch.stack(ys), id=ids_tensor, targets=more)
    lengths = torch.tensor([len(x) for x in xs])
    mask = torch.arange(int(lengths.max()))[None, :] < lengths[:, None]  # (B, L)
    y = pad_sequence(list(ys), batch_first=True) if per_position else torch.stack(ys)  # padded as x is, or one each
    return Batch(pad_sequence(list(xs), batch_first=True), y, mask=mask, id=ids_tensor, targets=more)


def _joined(values: list[Tensor], pad: bool) -> Tensor:
    """One named target of a batch: stacked; per position (and ``pad``), padded at the end as the inputs are."""
    return pad_sequence(values, batch_first=True) if pad and values[0].dim() else torch.stack(values)
