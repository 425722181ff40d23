"""The batch every DataModule yields and every step reads: named fields, not positional tuples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import torch
from torch import Tensor


class Batch(NamedTuple):
    """Inputs, targets and the masks that say which positions are real and which targets count.

    A NamedTuple, so that Lightning never deep-copies it; ``to`` moves it (the data modules' transfer hook uses it).
    - ``x``: (B, *in_shape) real values, or (B, L) token ids.
    - ``y``: (B,) labels or (B, target_dim) values; position-level: (B, L) or (B, L, target_dim).
    - ``mask``: (B, L) bool, True at real positions; None when every sequence is full length (padding is at the end).
    - ``target_mask``: (B, L) bool, True where a position-level target counts; None: every real position counts.
    - ``id``: (B,) int64 sample ids (predictions name their rows with it); None when the data has none.
    - ``targets``: the data's further named targets (``DataSpec.more_targets``), shaped as ``y`` is for their kind
      and level; None when it has one. ``target_masks``: those of them whose own positions count, by name.
    """

    x: Tensor
    y: Tensor
    mask: Tensor | None = None
    target_mask: Tensor | None = None
    id: Tensor | None = None
    targets: dict[str, Tensor] | None = None
    target_masks: dict[str, Tensor] | None = None

    def select(self, rows: slice | Tensor) -> Batch:
        """The same fields for a subset of the samples (a slice or an index tensor)."""
        return Batch(*(_each(field, lambda t: t[rows]) for field in self))

    def to(self, device: torch.device | str) -> Batch:
        """The same batch with every tensor on ``device`` (non-blocking where the copy allows it)."""
        return Batch(
            *(
                None
                if field is None
                else {k: v.to(device, non_blocking=True) for k, v in field.items()}
                if isinstance(field, dict)
                else field.to(device, non_blocking=True)
                for field in self
            )
        )

    def target(self, name: str | None) -> Batch:
        """The batch as a head learning target ``name`` sees it (None: the first target, ``y`` itself)."""
        if name is None:
            return self
        masks = self.target_masks or {}
        return self._replace(y=self.targets[name], target_mask=masks.get(name), targets=None, target_masks=None)

    def counted(self) -> Tensor | None:
        """(B, L) bool: the positions whose targets count (None: every position)."""
        if self.target_mask is not None and self.mask is not None:
            return self.target_mask & self.mask
        return self.target_mask if self.target_mask is not None else self.mask


def _each(field: Any, change: Callable[[Tensor], Tensor]) -> Any:
    """``change`` applied to a field: a tensor, each tensor of a dict of them, or nothing (None)."""
    if field is None:
        return None
    if isinstance(field, dict):
        return {name: change(value) for name, value in field.items()}
    return change(field)
