"""SimulatedDataModule: fresh train data per epoch, fixed val/test, distinct streams per worker and rank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from hydra.utils import get_object
from torch.utils.data import DataLoader

from schemas.store import options, target_of
from src.data.simulated.datamodule import SimulatedDataModule, epoch_in_progress
from src.data.simulated.samplers.clusters import Clusters
from src.data.simulated.samplers.teacher import Teacher
from src.data.simulated.streams import EvalBatchOrder, SimulatedBatches, TrainBatchOrder
from src.errors import TriadError


def datamodule(sampler: str = "clusters", **settings: Any) -> SimulatedDataModule:
    """A small simulated data module in one line, as a notebook makes it (the sampler with its defaults)."""
    sampler_class = get_object(str(target_of(options("data/sampler")[sampler])))
    sizes = {"num_train": 640, "num_val": 320, "num_test": 320, "batch_size": 64}
    return SimulatedDataModule(sampler=sampler_class(), **(sizes | settings))


def epoch(loader: DataLoader, number: int) -> list[torch.Tensor]:
    loader.sampler.set_epoch(number)  # what Lightning's fit loop does at every epoch start
    return [batch.x for batch in loader]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(torch.equal(u, v) for u, v in zip(a, b, strict=True))


def test_loaders_yield_whole_batches_of_the_configured_sizes() -> None:
    dm = datamodule()
    assert [len(batch.x) for batch in dm.train_dataloader()] == [64] * 10
    val_ids = torch.cat([batch.id for batch in dm.val_dataloader()])
    assert val_ids.tolist() == list(range(320))  # every sample once, named by its place in the split
    assert dm.train_dataloader().batch_size is None  # batches come from the sampler, not from collation


def test_train_data_is_fresh_every_epoch_and_replays_exactly() -> None:
    loader = datamodule().train_dataloader()
    first, second = epoch(loader, 0), epoch(loader, 1)
    assert not any(torch.equal(u, v) for u, v in zip(first, second, strict=True))
    assert same(epoch(datamodule().train_dataloader(), 1), second)  # a resumed run replays epoch 1


@pytest.mark.parametrize("split", ["val", "test"])
def test_val_and_test_sets_are_fixed_whatever_the_epoch(split: str) -> None:
    loader = getattr(datamodule(), f"{split}_dataloader")()
    assert same(epoch(loader, 0), epoch(loader, 3))


def test_splits_and_seeds_give_different_data() -> None:
    dm = datamodule()
    assert not same(epoch(dm.val_dataloader(), 0), epoch(dm.test_dataloader(), 0))
    assert not same(epoch(dm.val_dataloader(), 0), epoch(datamodule(seed=7).val_dataloader(), 0))


def test_each_worker_draws_different_batches_and_together_they_equal_one_process() -> None:
    single = epoch(datamodule().train_dataloader(), 2)
    loader = datamodule(num_workers=2).train_dataloader()
    multi = epoch(loader, 2)
    assert len({tuple(x[0].tolist()) for x in multi}) == len(multi)  # no two batches alike
    assert same(sorted(multi, key=lambda x: x.sum().item()), sorted(single, key=lambda x: x.sum().item()))


def test_each_rank_gets_a_disjoint_share_of_the_training_batches() -> None:
    shares = []
    for rank in range(2):
        sampler = TrainBatchOrder(10, num_replicas=2, rank=rank)
        sampler.set_epoch(4)
        shares.append(list(sampler))
    assert shares[0] == [(4, i, 0, 1) for i in range(0, 10, 2)]
    assert shares[1] == [(4, i, 0, 1) for i in range(1, 10, 2)]


@pytest.mark.parametrize(("num_samples", "ranks"), [(300, 2), (300, 3), (129, 2), (1, 1), (2, 2), (5, 4)])
def test_ranks_evaluate_every_sample_exactly_once(num_samples: int, ranks: int) -> None:
    sampler = Clusters(num_classes=3, dim=4, spacing=1.0, noise=1.0, seed=0)
    batches = SimulatedBatches(sampler, split="val", num_samples=num_samples, batch_size=128, seed=0)
    whole = torch.cat([batches[i].x for i in range(len(batches))])
    shares = [
        torch.cat([batches[key].x for key in EvalBatchOrder(batches.sizes(), num_replicas=ranks, rank=rank)])
        for rank in range(ranks)
    ]
    assert all(len(share) for share in shares)  # no rank without a batch: it would skip the epoch's collectives
    merged = torch.cat(shares)
    assert len(merged) == num_samples  # no padding, no duplicate
    assert sorted(merged.tolist()) == sorted(whole.tolist())


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(Exception, match="num_train"):
        datamodule(num_train=0)


def test_spec_is_known_before_any_data_is_drawn() -> None:
    spec = SimulatedDataModule(sampler=Teacher(target_dim=3)).spec
    assert spec.target_kind == "continuous" and spec.target_dim == 3 and spec.in_shape == (16,)


def test_the_fit_loop_epoch_the_streams_follow_is_still_where_lightning_keeps_it(tmp_path: Path) -> None:
    """The one use of Lightning internals (src/data/simulated/datamodule.py): this fails if the attribute moves.

    That its value is the right one on resume is checked by tests/runs/test_life.py (resumed == uninterrupted).
    """
    trainer = pl.Trainer(default_root_dir=tmp_path)  # Lightning's defaults; nothing is written before fit
    assert epoch_in_progress(trainer) == 0 and isinstance(epoch_in_progress(trainer), int)


DEVICES = ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]  # every device this machine has


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("sampler", list(options("data/sampler")))
def test_batches_are_drawn_on_the_data_device_as_a_pure_function_of_the_stream(sampler: str, device: str) -> None:
    module = datamodule(sampler, device=device)
    first, again = next(iter(module.loader("train"))), next(iter(module.loader("train")))
    tensors = [t for t in first if isinstance(t, torch.Tensor)]
    assert tensors and all(t.device.type == device for t in tensors)  # drawn there: no host sampling, no copy
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True) if isinstance(a, torch.Tensor))
    assert torch.equal(first.id.cpu(), torch.arange(len(first.y)))


@pytest.mark.parametrize("device", ["tpu", *([] if torch.cuda.is_available() else ["cuda"])])
def test_a_data_device_that_cannot_draw_is_one_message(device: str) -> None:
    with pytest.raises(TriadError) as err:  # shown as one line by the entry points
        datamodule(device=device)
    assert f"data.device={device}" in str(err.value) and "use data.device=cpu" in str(err.value)
