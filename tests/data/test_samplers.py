"""Samplers: spec, shapes and dtypes, determinism by seed, whole batches in one call."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hydra.utils import get_object

from schemas.store import options, target_of
from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler

SAMPLERS = list(options("data/sampler"))  # every registered option: a new sampler is tested without editing a test


def make(name: str, **settings: Any) -> Sampler:
    """A sampler in one line, with its defaults, as a notebook makes it."""
    return get_object(str(target_of(options("data/sampler")[name])))(**settings)


def draw(sampler: Sampler, n: int, seed: int) -> Batch:
    return sampler.sample(n, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("name", SAMPLERS)
def test_batch_matches_the_published_spec(name: str) -> None:
    sampler = make(name)
    spec = sampler.spec
    batch = draw(sampler, 33, 0)
    x, mask, target_mask = batch.x, batch.mask, batch.target_mask
    assert x.shape == (33, *spec.in_shape)
    if spec.inputs == "tokens":
        assert x.dtype == torch.int64 and int(x.min()) >= 0 and int(x.max()) < spec.vocab_size
    else:
        assert x.dtype == torch.float32
    assert (mask is not None) == spec.variable_length  # a mask exactly when lengths vary
    if mask is not None:
        assert mask.shape == (33, spec.length) and mask[:, 0].all()
        assert torch.equal(mask, mask.cummin(1).values)  # real positions first, padding at the end
    assert target_mask is None or (spec.target_level == "position" and target_mask.shape == (33, spec.length))
    assert set(batch.targets or {}) == set(spec.target_names[1:])  # every further target, by name
    for name in spec.target_names:  # every target shaped as its own spec says, the first (y) included
        one, values = spec.target(name), batch.target(None if name == spec.target_name else name).y
        positions = (spec.length,) if one.target_level == "position" else ()
        if one.target_kind == "integer":
            assert values.shape == (33, *positions) and values.dtype == torch.int64
            assert int(values.min()) >= 0 and int(values.max()) < one.num_classes
        else:
            assert values.shape == (33, *positions, one.target_dim) and values.dtype == torch.float32


def tensors(batch: Batch) -> list[torch.Tensor | None]:
    """Every field of a batch, the named targets one by one in name order."""
    flat: list[torch.Tensor | None] = []
    for field in batch:
        flat += [field[k] for k in sorted(field)] if isinstance(field, dict) else [field]
    return flat


@pytest.mark.parametrize("name", SAMPLERS)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    a, b = make(name), make(name)
    first, again = tensors(draw(a, 64, 1)), tensors(draw(b, 64, 1))
    assert all(u is v is None or torch.equal(u, v) for u, v in zip(first, again, strict=True))
    assert not torch.equal(draw(a, 64, 1).x, draw(a, 64, 2).x)


@pytest.mark.parametrize("name", SAMPLERS)
def test_the_problem_is_fixed_by_the_sampler_seed(name: str) -> None:
    """Same sample stream, different problem seed: the inputs' distribution or the targets change."""
    x0, y0 = draw(make(name, seed=0), 256, 5)[:2]
    x1, y1 = draw(make(name, seed=1), 256, 5)[:2]
    assert not (torch.equal(x0, x1) and torch.equal(y0, y1))


def test_clusters_labels_are_ordinal_along_one_line() -> None:
    sampler = make("clusters", num_classes=6)
    steps = sampler.centres.diff(dim=0)  # (K-1, dim): equal steps along one direction
    assert torch.allclose(steps, steps[0].expand_as(steps), atol=1e-5)
    x, y = draw(sampler, 6000, 0)[:2]
    projection = (x - sampler.centres[0]) @ steps[0] / steps[0].norm() ** 2  # ~ the label
    # Rounding the projection is right unless the noise crosses half a spacing (2 sd): measured 0.963 (theory ~0.96).
    assert (projection.round().clamp(0, 5).long() == y).float().mean() > 0.94


def test_teacher_targets_have_unit_signal_and_the_configured_noise() -> None:
    sampler = make("teacher", noise=0.5, target_dim=2)
    y = draw(sampler, 20000, 0).y
    assert y.shape == (20000, 2)
    assert torch.allclose(y.var(0), torch.tensor([1.25, 1.25]), rtol=0.08)


@pytest.mark.parametrize("name", SAMPLERS)
def test_a_whole_batch_is_one_vectorised_call(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data module asks the sampler once per batch, never once per sample."""
    from src.data.simulated.streams import SimulatedBatches

    sampler = make(name)
    calls: list[int] = []
    original = sampler.sample
    monkeypatch.setattr(sampler, "sample", lambda n, g: calls.append(n) or original(n, g))
    batches = SimulatedBatches(sampler, split="train", num_samples=300, batch_size=128, seed=0)
    sizes = [len(batches[(0, i, 0, 1)].x) for i in range(len(batches))]
    assert calls == sizes == [128, 128, 44]


def test_associative_recall_targets_are_the_values_bound_to_the_queried_keys() -> None:
    sampler = make("associative_recall", pairs=6, length=40)
    batch = draw(sampler, 200, 3)
    x, y, target_mask = batch.x, batch.y, batch.target_mask
    assert (target_mask.sum(1) == 6).all()  # every key queried once
    for tokens, targets, queried in zip(x, y, target_mask, strict=True):
        binding = dict(zip(tokens[0:12:2].tolist(), tokens[1:12:2].tolist(), strict=True))
        assert len(binding) == 6  # distinct keys
        for position in queried.nonzero().flatten().tolist():
            assert position >= 12 and binding[int(tokens[position])] == int(targets[position])


def test_copy_number_states_are_segments_mostly_normal_and_depth_follows_the_state() -> None:
    sampler = make("copy_number", coverage=50)
    x, y = draw(sampler, 400, 0)[:2]
    changes = (y.diff(dim=1) != 0).float().mean()
    assert 0.5 / 32 < changes < 1 / 32  # a change where a new segment draws another state: measured 0.0209
    assert 0.55 < (y == 2).float().mean() < 0.75  # normal segments, and others drawn at 2 are impossible: 0.62
    depth = x / sampler.gains  # (n, L, C): each channel's gain taken out
    for state in range(5):  # about (state + 0.05) / 2 reads per copy
        assert abs(float(depth[y == state].mean()) - (state + 0.05) / 2) < 0.02


def test_tumour_copy_number_a_state_is_read_against_its_track_not_against_every_track() -> None:
    # Deep enough that a bin's reads are nearly their expectation, no bin bias, pure tumours: the scale alone is hidden.
    sampler = make("tumour_copy_number", coverage_min=400, coverage_max=6400, purity_min=1.0, bin_bias=0.0)
    x, y = draw(sampler, 200, 0)[:2]
    depth = x[..., 0]  # (n, L)
    assert (y == 2).float().mean() > 0.5  # most of a track is normal: its median is the normal depth
    expected = (torch.arange(5) + 0.05) / 2.05  # each state's depth relative to the normal state's

    def called(relative: torch.Tensor) -> torch.Tensor:
        return (relative[..., None] - expected).abs().argmin(-1)  # the nearest state

    own_track = (called(depth / depth.median(1, keepdim=True).values) == y).float().mean()
    every_track = (called(depth / depth.median()) == y).float().mean()
    assert own_track > 0.95 and every_track < 0.6, (own_track, every_track)  # measured 0.98 and 0.30


@pytest.mark.parametrize("length", [1024, 16384])
def test_tumour_copy_number_segments_grow_with_the_track(length: int) -> None:
    y = draw(make("tumour_copy_number", length=length), 64, 0).y
    changes = (y.diff(dim=1) != 0).float().sum(1).mean()  # 16 segments a track; about half start on another state
    assert 5 < changes < 12, changes  # whatever the track's length: measured 8.5 and 7.7


def test_motif_counts_are_the_copies_in_the_real_positions() -> None:
    sampler = make("motif")
    batch = draw(sampler, 300, 1)
    x, y, mask = batch.x, batch.y, batch.mask
    motif = sampler.motif.tolist()
    for tokens, count, real in zip(x, y, mask, strict=True):
        sequence = tokens[real].tolist()
        found = sum(sequence[i : i + len(motif)] == motif for i in range(len(sequence)))
        assert found == int(count)
        assert not tokens[~real].any()  # padding is token 0
    assert set(y.tolist()) == {0, 1, 2, 3}


def published_statistics() -> list[tuple[str, str]]:
    """(sampler, target): every target whose mean and deviation its sampler publishes."""
    found = []
    for name in SAMPLERS:
        spec = make(name).spec
        found += [(name, target) for target in spec.target_names if spec.target(target).target_mean is not None]
    return found


@pytest.mark.parametrize(("name", "target"), published_statistics())
def test_published_target_statistics_are_those_of_the_samples(name: str, target: str) -> None:
    sampler = make(name)
    spec, one = sampler.spec, sampler.spec.target(target)
    values = draw(sampler, 20000, 5).target(None if target == spec.target_name else target).y.float()
    assert values.mean(0).tolist() == pytest.approx(list(one.target_mean), rel=0.02)
    assert values.std(0).tolist() == pytest.approx(list(one.target_std), rel=0.05)
