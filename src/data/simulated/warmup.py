"""Sequence-length warm-up: the first training epochs see each track cut into shorter windows.

HyenaDNA (Nguyen et al. 2023) trains on short sequences first and lengthens them stage by stage, which it reports
stabilises and speeds up training at long lengths. Here a stage is an epoch: ``data.warmup=[1024,4096]`` cuts every
training track into windows of 1,024 positions in the first epoch, of 4,096 in the second, and trains on whole
tracks from the third. The windows tile the track, so an epoch holds the same positions (and the same number of
steps) with or without warm-up; validation and test always see whole tracks.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

from src.data.batch import Batch
from src.data.spec import DataSpec
from src.errors import TriadError


def check_warmup(warmup: Sequence[int], spec: DataSpec) -> list[int]:
    """The warm-up lengths, if the data can be cut into windows of each: else one message that says what fits."""
    lengths = [int(length) for length in warmup]
    if not lengths:
        return lengths
    if spec.target_level != "position" or spec.variable_length or spec.length is None:
        raise TriadError(
            f"data.warmup={lengths} cuts tracks into windows, which needs sequences of one length with a target per "
            f"position; this data has {spec.describe_inputs()} and {spec.describe()}: leave data.warmup=[]"
        )
    bad = [length for length in lengths if not (0 < length < spec.length and spec.length % length == 0)]
    if bad:
        raise TriadError(
            f"data.warmup={lengths}: each window length must divide the track's {spec.length:,} positions and be "
            f"shorter, and {', '.join(map(str, bad))} does not (a power of two below it does)"
        )
    return lengths


def windows(batch: Batch, length: int, spec: DataSpec) -> Batch:
    """Every track of ``batch`` cut into consecutive windows of ``length`` positions: (B, L, ...) -> (B·L/length, ...).

    Per-position fields are reshaped (a view: nothing is copied); a per-track target and the sample id are repeated
    for each of the track's windows, so a window keeps its track's value (the track's coverage, say).
    """
    count = batch.x.shape[1] // length  # windows per track

    def cut(t: Tensor | None) -> Tensor | None:  # (B, L, ...) -> (B * count, length, ...)
        return None if t is None else t.reshape(t.shape[0] * count, length, *t.shape[2:])

    def repeat(t: Tensor | None) -> Tensor | None:  # (B, ...) -> (B * count, ...)
        return None if t is None else t.repeat_interleave(count, dim=0)

    levels = {target.name: target.level for target in spec.more_targets}
    targets = None if batch.targets is None else {
        name: cut(value) if levels.get(name) == "position" else repeat(value) for name, value in batch.targets.items()
    }  # fmt: skip
    masks = None if batch.target_masks is None else {name: cut(m) for name, m in batch.target_masks.items()}
    return Batch(cut(batch.x), cut(batch.y), cut(batch.mask), cut(batch.target_mask), repeat(batch.id), targets, masks)
