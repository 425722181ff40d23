"""The positions that count, selected by indices the host made: no device sync when a GPU selects them."""

from __future__ import annotations

import copy

import pytest
import torch

from src.data.batch import Batch
from src.data.simulated.datamodule import SimulatedDataModule
from src.data.simulated.samplers.motif import Motif
from src.tasks.classification import Classification
from tests.data.test_samplers import SAMPLERS, draw, make

MOTIF = Motif(length=20, min_length=10, motif_length=3, max_count=2)  # padding, and a target with its own mask
DIM = 8


@pytest.mark.parametrize("name", SAMPLERS)
def test_each_targets_index_names_exactly_its_counted_positions(name: str) -> None:
    batch = draw(make(name), 6, 0)
    indexed = batch.indexed()
    for target in ["", *(batch.targets or {})]:
        counted = batch.target(target or None).counted()
        index = (indexed.target(target or None).counted_index or {}).get("")
        if counted is None:
            assert index is None  # every position counts: nothing to select
        else:
            assert torch.equal(index, counted.flatten().nonzero().squeeze(1))


def test_a_batch_moved_to_a_device_selects_its_positions_without_reading_them_there() -> None:
    # The meta device holds shapes and no values: an operation that must read a value (a boolean mask's count,
    # which syncs a GPU) fails there, one that needs none runs.
    data = SimulatedDataModule(sampler=MOTIF, num_train=8, batch_size=8)
    batch = MOTIF.sample(8, torch.Generator().manual_seed(3))
    site = Classification(in_dim=DIM, spec=MOTIF.spec.target("site"), features="position")
    features = torch.randn(8, 20, DIM)
    out, y = site.scored(features, batch.target("site"))  # on the host: the boolean mask
    moved: Batch = data.transfer_batch_to_device(batch, torch.device("meta"), 0)
    on_device = copy.deepcopy(site).to("meta")
    on_meta, y_meta = on_device.scored(features.to("meta"), moved.target("site"))
    assert on_meta.shape == out.shape and y_meta.shape == y.shape == (int(batch.mask.sum()),)
    with pytest.raises(NotImplementedError):  # the check can fail: the mask itself needs a read
        on_device.scored(features.to("meta"), batch.to("meta").target("site"))
    indexed, _ = site.scored(features, batch.indexed().target("site"))
    assert torch.equal(indexed, out)  # the same rows as the mask selects
