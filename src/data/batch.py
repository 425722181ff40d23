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
    - ``counted_index``: by target name (``""`` for ``y``), the flat (N,) indices of the positions that count, made
      on the host before the batch is copied to a GPU (``indexed``); None where nothing was made.
    """

    x: Tensor
    y: Tensor
    mask: Tensor | None = None
    target_mask: Tensor | None = None
    id: Tensor | None = None
    targets: dict[str, Tensor] | None = None
    target_masks: dict[str, Tensor] | None = None
    counted_index: dict[str, Tensor] | None = None

    def select(self, rows: slice | Tensor) -> Batch:
        """The same fields for a subset of the samples (a slice or an index tensor)."""
        return Batch(*(_each(field, lambda t: t[rows]) for field in self))._replace(counted_index=None)

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
        masks, index = self.target_masks or {}, self.counted_index or {}
        own = {"": index[name]} if name in index else None
        return self._replace(
            y=self.targets[name], target_mask=masks.get(name), targets=None, target_masks=None, counted_index=own
        )

    def indexed(self) -> Batch:
        """The batch with ``counted_index`` made: each target's counted positions as flat indices.

        Selecting positions with a boolean mask makes the host wait for the device to count them (a sync every
        step on a GPU); the same selection by indices made here, on the host where the batch was drawn, does not.
        """
        index = {}
        for name in ["", *(self.targets or {})]:
            counted = self.target(name or None).counted()
            if counted is not None:
                index[name] = counted.flatten().nonzero().squeeze(1)  # (N,)
        return self._replace(counted_index=index or None)

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
