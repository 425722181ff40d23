"""Per-position labels from files: in one .npz with the tracks, or a track and its labels side by side (.npy pairs)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from src import train
from src.data.files.datamodule import FileDataModule
from src.data.files.getters import glob_files
from src.data.files.readers import NumpyReader, TrackReader
from src.errors import TriadError
from tests.helpers import fast_train_cfg


def track(length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A depth track (L,) whose state (0..2 per position) shows in its level: x = state + noise."""
    g = np.random.default_rng(seed)
    states = np.repeat(g.integers(0, 3, length // 8 + 1), 8)[:length]
    return (states + 0.1 * g.standard_normal(length)).astype(np.float32), states


def write_pairs(root: Path, lengths: list[int]) -> Path:
    """One ``.track.npy`` and ``.labels.npy`` pair per length."""
    root.mkdir(parents=True)
    for i, length in enumerate(lengths):
        x, y = track(length, i)
        np.save(root / f"sample{i}.track.npy", x)
        np.save(root / f"sample{i}.labels.npy", y)
    return root


def module(root: Path, pattern: str, reader: object, **overrides: object) -> FileDataModule:
    args: dict[str, object] = {
        "datagetter": partial(glob_files, root=str(root), pattern=pattern),
        "reader": reader,
        "num_classes": 3,
        "inputs": "sequence",
        "split": [0.5, 0.25, 0.25],
        "batch_size": 2,
    }
    return FileDataModule(**{**args, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize("lengths", [[40] * 8, [40, 33, 40, 25, 40, 40, 31, 40]], ids=["fixed", "variable"])
def test_side_by_side_labels_are_a_position_level_target_padded_as_the_tracks(
    lengths: list[int], tmp_path: Path
) -> None:
    # normalize off: the test reads each position's label back from its raw depth (state + noise)
    dm = module(write_pairs(tmp_path / "pairs", lengths), "*.track.npy", TrackReader(), normalize=False)
    spec = dm.spec
    assert spec.target_level == "position" and spec.num_classes == 3 and spec.in_shape == (40, 1)
    assert spec.variable_length == (len(set(lengths)) > 1)
    for batch in dm.train_dataloader():
        assert batch.y.shape == batch.x.shape[:2] and batch.y.dtype == torch.int64
        real = batch.mask if batch.mask is not None else torch.ones_like(batch.y, dtype=torch.bool)
        assert torch.equal(batch.x[..., 0].round().long()[real], batch.y[real])  # each position keeps its label
        assert not batch.y[~real].any()  # padding as the inputs are


def test_per_position_labels_in_one_npz_with_the_tracks(tmp_path: Path) -> None:
    root = tmp_path / "npz"
    root.mkdir()
    for f in range(4):
        pairs = [track(24, 10 * f + i) for i in range(3)]
        np.savez(root / f"part{f}.npz", x=np.stack([x for x, _ in pairs]), y=np.stack([y for _, y in pairs]))
    dm = module(root, "*.npz", NumpyReader())
    assert dm.spec.target_level == "position"
    batch = next(iter(dm.train_dataloader()))
    assert batch.y.shape == (2, 24) and int(batch.y.max()) <= 2


def test_a_track_and_labels_that_do_not_match_are_named(tmp_path: Path) -> None:
    root = write_pairs(tmp_path / "pairs", [16] * 4)
    np.save(root / "sample2.labels.npy", np.zeros(15, dtype=np.int64))  # one label short
    with pytest.raises(
        TriadError, match=r"sample2.track.npy: .*sample2.labels.npy holds labels of shape \(15,\), not one"
    ):
        _ = module(root, "*.track.npy", TrackReader()).spec
    (root / "sample2.labels.npy").unlink()
    with pytest.raises(TriadError, match="no labels beside it: sample2.labels.npy is missing"):
        _ = module(root, "*.track.npy", TrackReader()).spec
    np.save(root / "sample2.labels.npy", np.full(16, 7, dtype=np.int64))  # classes 0..2 only
    dm = module(root, "*.track.npy", TrackReader())
    with pytest.raises(TriadError, match=r"sample \d: its target has values outside 0..2 \(data.num_classes\)"):
        for split in ("train", "val", "test"):
            for _ in getattr(dm, f"{split}_dataloader")():
                pass


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the process's memory maps (Linux)")
def test_a_track_and_its_labels_are_memory_mapped_not_copied_into_memory(tmp_path: Path) -> None:
    root = write_pairs(tmp_path / "pairs", [4096])
    x, y = TrackReader().read(root / "sample0.track.npy")[0]
    maps = Path("/proc/self/maps").read_text().splitlines()
    for tensor, name in ((x, "sample0.track.npy"), (y, "sample0.labels.npy")):
        spans = [[int(a, 16) for a in line.split()[0].split("-")] for line in maps if line.endswith(name)]
        assert any(start <= tensor.data_ptr() < end for start, end in spans), name  # its memory is the file's


@pytest.mark.train
def test_a_sequence_backbone_trains_on_tracks_and_labels_side_by_side(tmp_path: Path) -> None:
    root = write_pairs(tmp_path / "pairs", [64, 48, 64, 56, 64, 64, 40, 64])
    overrides = [
        "data=files",
        "data/datagetter=glob_files",
        f"data.datagetter.root={root}",
        "data.datagetter.pattern=*.track.npy",
        "data/reader=track",
        "data.num_classes=3",
        "data.inputs=sequence",
        "data.split=[0.5,0.25,0.25]",
        "data.batch_size=2",
        "backbone=tcn",
        "trainer.max_epochs=2",
    ]
    value = train.main(fast_train_cfg(overrides, tmp_path))
    assert value is not None and value == value
