"""Samplers: spec, shapes and dtypes, determinism by seed, whole batches in one call."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hydra.utils import instantiate

from src.data.samplers.base import Sampler
from tests.helpers import compose_cfg, options

SAMPLERS = options("data/sampler")


def make(name: str, tmp_path: Path, *overrides: str) -> Sampler:
    return instantiate(compose_cfg("train", [f"data/sampler={name}", *overrides], tmp_path).data.sampler)


def draw(sampler: Sampler, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    return sampler.sample(n, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("name", SAMPLERS)
def test_batch_matches_the_published_spec(name: str, tmp_path: Path) -> None:
    sampler = make(name, tmp_path)
    spec = sampler.spec
    x, y = draw(sampler, 33, 0)
    assert x.shape == (33, *spec.in_shape) and x.dtype == torch.float32
    if spec.target_kind == "integer":
        assert y.shape == (33,) and y.dtype == torch.int64
        assert int(y.min()) >= 0 and int(y.max()) < spec.num_classes
    else:
        assert y.shape == (33, spec.target_dim) and y.dtype == torch.float32


@pytest.mark.parametrize("name", SAMPLERS)
def test_same_seed_same_data_other_seed_other_data(name: str, tmp_path: Path) -> None:
    a, b = make(name, tmp_path), make(name, tmp_path)
    assert all(torch.equal(u, v) for u, v in zip(draw(a, 64, 1), draw(b, 64, 1), strict=True))
    assert not torch.equal(draw(a, 64, 1)[0], draw(a, 64, 2)[0])


@pytest.mark.parametrize("name", SAMPLERS)
def test_the_problem_is_fixed_by_the_sampler_seed(name: str, tmp_path: Path) -> None:
    """Same sample stream, different problem seed: the inputs' distribution or the targets change."""
    x0, y0 = draw(make(name, tmp_path, "data.sampler.seed=0"), 256, 5)
    x1, y1 = draw(make(name, tmp_path, "data.sampler.seed=1"), 256, 5)
    assert not (torch.equal(x0, x1) and torch.equal(y0, y1))


def test_clusters_labels_are_ordinal_along_one_line(tmp_path: Path) -> None:
    sampler = make("clusters", tmp_path, "data.sampler.num_classes=6")
    steps = sampler.centres.diff(dim=0)  # (K-1, dim): equal steps along one direction
    assert torch.allclose(steps, steps[0].expand_as(steps), atol=1e-5)
    x, y = draw(sampler, 6000, 0)
    projection = (x - sampler.centres[0]) @ steps[0] / steps[0].norm() ** 2  # ~ the label
    # Rounding the projection is right unless the noise crosses half a spacing (2 sd): measured 0.963 (theory ~0.96).
    assert (projection.round().clamp(0, 5).long() == y).float().mean() > 0.94


def test_teacher_targets_have_unit_signal_and_the_configured_noise(tmp_path: Path) -> None:
    sampler = make("teacher", tmp_path, "data.sampler.noise=0.5", "data.sampler.target_dim=2")
    _, y = draw(sampler, 20000, 0)
    assert y.shape == (20000, 2)
    assert torch.allclose(y.var(0), torch.tensor([1.25, 1.25]), rtol=0.08)


@pytest.mark.parametrize("name", SAMPLERS)
def test_a_whole_batch_is_one_vectorised_call(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data module asks the sampler once per batch, never once per sample."""
    from src.data.streams import SimulatedBatches

    sampler = make(name, tmp_path)
    calls: list[int] = []
    original = sampler.sample
    monkeypatch.setattr(sampler, "sample", lambda n, g: calls.append(n) or original(n, g))
    batches = SimulatedBatches(sampler, split="train", num_samples=300, batch_size=128, seed=0)
    sizes = [len(batches[(0, i, 0, 1)][0]) for i in range(len(batches))]
    assert calls == sizes == [128, 128, 44]
