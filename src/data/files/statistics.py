"""Normalisation statistics of file-backed data, from the training split only."""

from __future__ import annotations

import torch

from src.data.files.labels import first
from src.data.files.readers import Reader
from src.data.files.samples import FileSamples, read_file
from src.errors import TriadError

# ((input mean, input std), (target mean, target std)): inputs elementwise, targets per target dimension
Statistics = tuple[tuple[torch.Tensor, torch.Tensor], tuple[tuple[float, ...], tuple[float, ...]]]


def statistics(
    train: FileSamples, reader: Reader, channels: int | None = None, per_position: bool = False
) -> Statistics:
    """Mean and std of the training inputs and targets, reading each training file once.

    Inputs: elementwise; with ``channels`` (sequences of any length), per channel over every position. Targets: per
    target dimension, over samples, or (``per_position``) over every position.
    """
    offsets: dict[int, list[int]] = {}
    for record, offset in train.refs:
        offsets.setdefault(record, []).append(offset)
    moments = [torch.zeros(0)] * 4  # sum x, sum x², sum y, sum y² (float64)
    positions = targets = 0
    for record, wanted in offsets.items():
        path, label = train.records[record]
        samples = read_file(reader, path)
        if channels is None:
            x = torch.stack([samples[i][0] for i in wanted]).double()
        else:
            x = torch.cat([samples[i][0].reshape(-1, channels) for i in wanted]).double()  # (positions, C)
        if not bool(torch.isfinite(x).all()):
            raise TriadError(f"{path}: non-finite values (NaN or inf) in its inputs: clean the file or leave it out.")
        ys = [torch.as_tensor(first(label if label is not None else samples[i][1])) for i in wanted]
        if per_position:  # (positions, target_dim)
            y = torch.cat([v.double().reshape(len(v), -1) for v in ys])
        else:
            y = torch.stack(ys).double().reshape(len(wanted), -1)
        positions += len(x)
        targets += len(y)
        parts = [x.sum(0), x.square().sum(0), y.sum(0), y.square().sum(0)]
        moments = [m + p if m.numel() else p for m, p in zip(moments, parts, strict=True)]
    counts = {"x": positions if channels is not None else len(train.refs), "y": targets}

    def mean_std(total: torch.Tensor, squares: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        mean = total / n
        return mean.float(), (squares / n - mean.square()).clamp_min(0).sqrt().clamp_min(1e-6).float()

    x_stats, (y_mean, y_std) = mean_std(*moments[:2], counts["x"]), mean_std(*moments[2:], counts["y"])
    return x_stats, (tuple(y_mean.tolist()), tuple(y_std.tolist()))
