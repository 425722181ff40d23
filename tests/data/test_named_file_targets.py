"""Named targets from files, for several heads: a manifest's label columns and an .npz file's arrays."""

from __future__ import annotations

import csv
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from src import train
from src.data.files.datamodule import FileDataModule
from src.data.files.getters import from_manifest, glob_files
from src.data.files.readers import NumpyReader
from src.errors import TriadError
from tests.data.conftest import write_npy_dataset
from tests.helpers import fast_train_cfg


def write_tracks(root: Path, lengths: list[int], files: int = 4) -> Path:
    """``files`` .npz files of tracks: x (n, L, 2), a class per track ``y``, a 0/1 ``site`` and a ``depth`` per
    position; variable lengths are padded at the end with a separate length array (stored per file, equal here)."""
    root.mkdir(parents=True)
    g = np.random.default_rng(0)
    for f in range(files):
        length = lengths[f % len(lengths)]
        site = g.integers(0, 2, (6, length))
        x = np.stack([site + 0.1 * g.standard_normal((6, length)), g.standard_normal((6, length))], -1)
        np.savez(
            root / f"part{f}.npz",
            x=x.astype(np.float32),
            y=site.sum(1) % 3,
            site=site,
            depth=(site * 2.0 + 0.5).astype(np.float32),
        )
    return root


def module(root: Path, **overrides: object) -> FileDataModule:
    args: dict[str, object] = {
        "datagetter": partial(glob_files, root=str(root), pattern="*.npz"),
        "reader": NumpyReader(more_keys=["site", "depth"]),
        "num_classes": 3,
        "inputs": "sequence",
        "split": [0.5, 0.25, 0.25],
        "batch_size": 4,
        "more_targets": {"site": 2, "depth": None},
    }
    return FileDataModule(**{**args, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize("lengths", [[10], [10, 7]], ids=["fixed-length", "variable-length"])
def test_npz_arrays_become_named_targets_per_sample_and_per_position(lengths: list[int], tmp_path: Path) -> None:
    dm = module(write_tracks(tmp_path / "tracks", lengths))
    spec = dm.spec
    assert spec.target_names == ("y", "site", "depth")
    assert [spec.target(n).target_level for n in spec.target_names] == ["sample", "position", "position"]
    assert spec.target("site").num_classes == 2 and spec.target("depth").target_dim == 1
    for batch in dm.train_dataloader():
        assert batch.y.shape == (len(batch.x),) and batch.y.dtype == torch.int64
        site, depth = batch.targets["site"], batch.targets["depth"]
        assert site.shape == batch.x.shape[:2] and site.dtype == torch.int64
        assert depth.shape == (*batch.x.shape[:2], 1) and depth.dtype == torch.float32
        real = batch.mask if batch.mask is not None else torch.ones_like(site, dtype=torch.bool)
        assert torch.equal(depth[..., 0][real], site[real] * 2.0 + 0.5)  # each position keeps its own values
        assert torch.equal(batch.x[..., 0].round()[real].long(), site[real])


def test_manifest_columns_become_named_targets(tmp_path: Path) -> None:
    manifest = write_npy_dataset(tmp_path / "npy", n=24, num_classes=4)
    rows = list(csv.DictReader(manifest.open()))
    with manifest.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "label", "parity", "size"])
        writer.writerows([[r["path"], r["label"], int(r["label"]) % 2, 0.5 * int(r["label"])] for r in rows])
    getter = partial(from_manifest, csv_path=str(manifest), more_columns=["parity", "size"])
    dm = module(tmp_path, datagetter=getter, reader=NumpyReader(), inputs="real", num_classes=4,
                more_targets={"parity": 2, "size": None}, cache=True, split=[0.5, 0.25, 0.25])  # fmt: skip
    assert dm.spec.target_names == ("label", "parity", "size")
    for _ in range(2):  # the second epoch reads the stacked cache: the same targets
        for batch in dm.train_dataloader():
            assert torch.equal(batch.targets["parity"], batch.y % 2)
            assert torch.equal(batch.targets["size"][:, 0], 0.5 * batch.y)


def test_named_targets_that_are_missing_or_out_of_range_are_named(tmp_path: Path) -> None:
    root = write_tracks(tmp_path / "tracks", [10])
    with pytest.raises(TriadError, match=r"names \['stage'\], which the samples do not have; they have"):
        _ = module(root, more_targets={"stage": 2}).spec
    with pytest.raises(TriadError, match="target depth has values outside 0..1"):
        dm = module(root, more_targets={"site": 2, "depth": 2})  # depth holds 0.5 and 2.5: not classes
        next(iter(dm.train_dataloader()))
    with pytest.raises(TriadError, match="each sample has one target"):
        _ = module(root, reader=NumpyReader()).spec


@pytest.mark.train
def test_heads_train_on_named_targets_from_files(tmp_path: Path) -> None:
    root = write_tracks(tmp_path / "tracks", [12, 9])
    heads = [
        "+task@task.heads.y=classification",
        "+task@task.heads.site=classification",
        "+task@task.heads.depth=regression",
    ]
    overrides = [
        "data=files",
        "data/datagetter=glob_files",
        f"data.datagetter.root={root}",
        "data.datagetter.pattern=*.npz",
        "data.reader.more_keys=[site,depth]",
        "data.more_targets={site: 2, depth: null}",
        "data.num_classes=3",
        "data.inputs=sequence",
        "data.split=[0.5,0.25,0.25]",
        "data.batch_size=4",
        "backbone=tcn",
        "task=multi",
        *heads,
        "trainer.max_epochs=2",
    ]
    value = train.main(fast_train_cfg(overrides, tmp_path))
    assert value is not None and value == value
