"""Sequence-length warm-up: training tracks cut into windows for the first epochs, whole tracks after and for eval."""

from __future__ import annotations

import pytest
import torch

from src.data.simulated.datamodule import SimulatedDataModule
from src.data.simulated.warmup import check_warmup, windows
from src.errors import TriadError
from tests.data.test_samplers import SAMPLERS, draw, make


@pytest.mark.parametrize("name", SAMPLERS)
def test_windows_tile_each_track_or_the_data_is_refused_with_one_message(name: str) -> None:
    sampler = make(name)
    spec = sampler.spec
    if spec.target_level != "position" or spec.variable_length:
        with pytest.raises(TriadError, match=r"data\.warmup=\[2\] cuts tracks into windows.*leave data\.warmup=\[\]"):
            check_warmup([2], spec)
        return
    length = spec.length // 4
    assert check_warmup([length], spec) == [length]
    batch = draw(sampler, 3, 0)._replace(id=torch.arange(3))
    cut = windows(batch, length, spec)
    assert cut.x.shape == (12, length, *spec.in_shape[1:]) and cut.y.shape[:2] == (12, length)
    assert torch.equal(cut.x.reshape(batch.x.shape), batch.x) and torch.equal(cut.y.reshape(batch.y.shape), batch.y)
    assert cut.id.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]  # a window is named by its track
    for target in spec.more_targets:
        value, windowed = batch.targets[target.name], cut.targets[target.name]
        if target.level == "position":
            assert torch.equal(windowed.reshape(value.shape), value)
        else:  # a per-track value, the same for each of the track's windows
            assert torch.equal(windowed, value.repeat_interleave(4, dim=0))


def test_a_length_that_does_not_divide_the_track_is_refused() -> None:
    spec = make("tumour_copy_number", length=1024).spec
    with pytest.raises(TriadError, match=r"must divide the track's 1,024 positions.*300, 1024 does not"):
        check_warmup([256, 300, 1024], spec)


def test_the_first_epochs_train_on_windows_and_validation_sees_whole_tracks() -> None:
    sampler = make("tumour_copy_number", length=256)
    data = SimulatedDataModule(sampler=sampler, num_train=8, num_val=4, num_test=4, batch_size=4, warmup=[64, 128])
    train = data.loader("train")
    epochs = []
    for epoch in range(3):
        train.sampler.set_epoch(epoch)
        epochs.append([tuple(batch.y.shape) for batch in train])
    assert epochs == [[(16, 64)] * 2, [(8, 128)] * 2, [(4, 256)] * 2]  # as many steps and positions each epoch
    assert [tuple(batch.y.shape) for batch in data.loader("val")] == [(4, 256)]
    whole = SimulatedDataModule(sampler=sampler, num_train=8, batch_size=4)
    first = next(iter(whole.loader("train")))
    train.sampler.set_epoch(0)
    assert torch.equal(next(iter(train)).x.reshape(first.x.shape), first.x)  # the same tracks, cut
