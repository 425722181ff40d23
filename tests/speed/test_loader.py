"""Loader: the items of torch's DataLoader, without the per-item profiler range unless a torch profiler records."""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.autograd.profiler as torch_profiler
from torch.utils.data import DataLoader, Dataset, IterableDataset

from src.speed.loader import Loader


class Squares(Dataset):
    """i -> i * i, as a tensor."""

    def __len__(self) -> int:
        return 10

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.tensor(index * index)


class Counting(IterableDataset):
    """0..4, iterable."""

    def __iter__(self) -> Any:
        return iter(torch.arange(5))


def items(loader: DataLoader) -> list[list[int]]:
    return [batch.tolist() for batch in loader]


@pytest.mark.parametrize("workers", [0, 2])
def test_same_items_as_torch(workers: int) -> None:
    args: dict[str, Any] = {"batch_size": 3, "shuffle": True, "num_workers": workers}
    ours = items(Loader(Squares(), generator=torch.Generator().manual_seed(0), **args))
    torchs = items(DataLoader(Squares(), generator=torch.Generator().manual_seed(0), **args))
    assert ours == torchs and len(ours) == 4


def test_no_range_unless_profiling(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = torch_profiler.record_function

    def counting(name: str, *args: Any) -> Any:
        opened.append(name)
        return real(name, *args)

    monkeypatch.setattr(torch_profiler, "record_function", counting)
    assert items(DataLoader(Squares(), batch_size=5)) and len(opened) >= 2  # torch's own opens one per item
    opened.clear()
    assert items(Loader(Squares(), batch_size=5)) == [[0, 1, 4, 9, 16], [25, 36, 49, 64, 81]]
    assert opened == []
    assert items(Loader(Counting(), batch_size=2)) == [[0, 1], [2, 3], [4]]  # iterable data: torch's own path
    assert opened


def test_range_kept_while_a_profiler_records() -> None:
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        items(Loader(Squares(), batch_size=5))
    names = {event.name for event in profile.events()}
    assert any(name.startswith("enumerate(DataLoader)") for name in names), sorted(names)[:20]
