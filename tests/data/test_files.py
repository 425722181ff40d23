"""FileDataModule, getters and readers: splits, laziness, readers, and every bad input named clearly."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from src.data.files.datamodule import FileDataModule
from src.data.files.getters import from_manifest, glob_files
from src.data.files.readers import CSVRowsReader, NumpyReader, TorchReader
from src.data.files.samples import all_finite
from src.errors import TriadError
from tests.data.conftest import write_npy_dataset


def module(manifest: Path, **overrides: object) -> FileDataModule:
    args: dict[str, object] = {
        "datagetter": partial(from_manifest, csv_path=str(manifest), path_column="path", label_column="label"),
        "reader": NumpyReader(x_key="x", y_key="y"),
        "target_kind": "integer",
        "num_classes": None,
        "inputs": "real",
        "vocab_size": None,
        "max_length": None,
        "split": [0.5, 0.25, 0.25],
        "split_seed": 0,
        "split_by": "file",
        "normalize": False,
        "cache": False,
        "on_bad_file": "raise",
        "batch_size": 8,
        "num_workers": 0,
        "pin_memory": False,
        "persistent_workers": False,
    }
    return FileDataModule(**(args | overrides))


def files_of(dm: FileDataModule, split: str) -> set[str]:
    ds = dm.datasets[split]
    return {str(ds.records[r][0]) for r, _ in ds.refs}


def test_split_is_reproducible_disjoint_and_complete(npy_data: Path) -> None:
    a, b, other = module(npy_data), module(npy_data), module(npy_data, split_seed=1)
    for dm in (a, b, other):
        dm.setup()
    parts = [files_of(a, s) for s in ("train", "val", "test")]
    assert [len(p) for p in parts] == [20, 10, 10]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert parts == [files_of(b, s) for s in ("train", "val", "test")]
    assert parts != [files_of(other, s) for s in ("train", "val", "test")]


def test_a_getter_can_return_the_split_itself(npy_data: Path) -> None:
    records = from_manifest(csv_path=str(npy_data), path_column="path", label_column="label")
    explicit = {"train": records[:30], "val": records[30:35], "test": records[35:]}
    dm = module(npy_data, datagetter=lambda: explicit)
    dm.setup()
    assert files_of(dm, "test") == {str(p) for p, _ in records[35:]}


def test_files_are_read_only_when_the_loader_asks(npy_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    read = NumpyReader.read
    monkeypatch.setattr(NumpyReader, "read", lambda self, path: opened.append(path.name) or read(self, path))
    dm = module(npy_data)
    spec = dm.spec  # lists the files, splits them, and reads one training sample for the input shape
    assert spec.in_shape == (1, 4, 4) and spec.num_classes == 4
    assert len(opened) == 1
    batch = next(iter(dm.val_dataloader()))
    assert batch.x.shape == (8, 1, 4, 4) and batch.y.dtype == torch.int64 and batch.id.tolist() == list(range(8))
    assert len(opened) == 1 + 8 and set(opened[1:]) <= {Path(p).name for p in files_of(dm, "val")}


def test_cache_reads_each_file_once(npy_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    read = NumpyReader.read
    monkeypatch.setattr(NumpyReader, "read", lambda self, path: opened.append(path.name) or read(self, path))
    dm = module(npy_data, cache=True)
    dm.setup()
    for _ in range(3):
        list(dm.train_dataloader())
    assert len(opened) == 1 + 20  # the probe, then every training file exactly once


def test_a_cached_split_once_read_gives_the_same_batches_by_one_gather(npy_data: Path) -> None:
    cached, uncached = module(npy_data, cache=True), module(npy_data)
    cached.setup(), uncached.setup()
    per_sample = {int(i): (x, y) for b in uncached.val_dataloader() for x, y, i in zip(b.x, b.y, b.id, strict=True)}
    list(cached.val_dataloader())  # the first pass reads and checks every sample
    assert cached.datasets["val"]._stacked is not None  # noqa: SLF001  (the gather path is what this test is about)
    for batch in cached.val_dataloader():
        for x, y, i in zip(batch.x, batch.y, batch.id, strict=True):
            assert torch.equal(x, per_sample[int(i)][0]) and torch.equal(y, per_sample[int(i)][1])
    assert sorted(int(i) for b in cached.val_dataloader() for i in b.id) == sorted(per_sample)


def test_readers_for_npz_pt_and_csv_rows(tmp_path: Path) -> None:
    np.savez(tmp_path / "a.npz", x=np.ones((3, 2), np.float32), y=np.array([0, 1, 0]))
    torch.save({"x": torch.zeros(4, 2), "y": torch.ones(4)}, tmp_path / "b.pt")
    torch.save(torch.ones(5), tmp_path / "c.pt")
    (tmp_path / "d.csv").write_text("f1,f2,price\n1,2,3.5\n4,5,6.5\n")
    assert [int(y) for _, y in NumpyReader(x_key="x", y_key="y").read(tmp_path / "a.npz")] == [0, 1, 0]
    assert len(TorchReader().read(tmp_path / "b.pt")) == 4 and TorchReader().read(tmp_path / "c.pt")[0][1] is None
    rows = CSVRowsReader(target=["price"], delimiter=",").read(tmp_path / "d.csv")
    assert rows[1][0].tolist() == [4.0, 5.0] and rows[1][1].tolist() == [6.5]
    assert CSVRowsReader(target=["price"], delimiter=",").count(tmp_path / "d.csv") == 2


def test_many_samples_per_file_are_split_by_file_or_by_sample(tmp_path: Path) -> None:
    for i in range(8):
        np.savez(tmp_path / f"part{i}.npz", x=np.random.rand(25, 3).astype(np.float32), y=np.arange(25) % 3)
    getter = partial(glob_files, root=str(tmp_path), pattern="*.npz")
    by_file = module(tmp_path, datagetter=getter, num_classes=3)
    assert by_file.spec.in_shape == (3,)
    assert [len(by_file.datasets[s]) for s in ("train", "val", "test")] == [100, 50, 50]
    splits_of = {}
    for split in ("train", "val", "test"):
        for record, _ in by_file.datasets[split].refs:
            splits_of.setdefault(record, set()).add(split)
    assert all(len(splits) == 1 for splits in splits_of.values())  # no file in two splits: no leakage
    by_sample = module(tmp_path, datagetter=getter, num_classes=3, split_by="sample")
    by_sample.setup()
    assert [len(by_sample.datasets[s]) for s in ("train", "val", "test")] == [100, 50, 50]
    assert len({r for r, _ in by_sample.datasets["test"].refs}) > 2  # the test samples come from many files


def test_uncached_training_reads_each_file_once_an_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        np.savez(tmp_path / f"part{i}.npz", x=np.random.rand(40, 3).astype(np.float32), y=np.arange(40) % 3)
    dm = module(tmp_path, datagetter=partial(glob_files, root=str(tmp_path), pattern="*.npz"), num_classes=3)
    dm.setup()
    reads: list[str] = []
    original = NumpyReader.read
    monkeypatch.setattr(NumpyReader, "read", lambda self, path: reads.append(path.name) or original(self, path))
    seen = [batch.y for batch in dm.train_dataloader()]
    assert sum(len(y) for y in seen) == len(dm.datasets["train"])
    assert sorted(reads) == sorted({str(dm.datasets["train"].records[r][0].name) for r, _ in dm.datasets["train"].refs})


def test_continuous_targets_are_standardised_by_the_task_with_training_statistics(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b,y\n" + "".join(f"{i},{i % 7},{100 + 10 * i}\n" for i in range(40)))
    dm = module(
        tmp_path,
        datagetter=partial(glob_files, root=str(tmp_path), pattern="*.csv"),
        target_kind="continuous",
        reader=CSVRowsReader(target=["y"], delimiter=","),
        normalize=True,
    )
    spec = dm.spec
    assert spec.target_dim == 1 and spec.target_mean[0] > 200 and spec.target_std[0] > 50
    x, y = next(iter(dm.train_dataloader()))[:2]
    assert abs(float(x.mean())) < 1.0 and float(y.mean()) > 100  # inputs standardised, targets kept raw


# ----------------------------------------------------------------------------------------------- bad input
def test_missing_root_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match=f"data root not found: {tmp_path / 'nope'}"):
        glob_files(root=str(tmp_path / "nope"), pattern="*.npy")


def test_a_getter_that_finds_nothing_says_so(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match="no files match"):
        glob_files(root=str(tmp_path), pattern="*.npy")
    dm = module(tmp_path, datagetter=lambda: [])
    with pytest.raises(TriadError, match="returned no files"):
        dm.setup()


def test_a_corrupt_file_is_named_or_skipped_and_counted(npy_data: Path, caplog: pytest.LogCaptureFixture) -> None:
    bad = npy_data.parent / "s005.npy"
    bad.write_bytes(b"definitely not numpy")
    dm = module(npy_data)
    dm.setup()
    with pytest.raises(TriadError, match=f"cannot read {bad}"):
        for split in ("train", "val", "test"):
            list(getattr(dm, f"{split}_dataloader")())
    skipping = module(npy_data, on_bad_file="skip")
    skipping.setup()
    assert sum(len(skipping.datasets[s]) for s in ("train", "val", "test")) == 39
    assert "skipped 1 unreadable file(s)" in caplog.text
    assert bad.read_bytes() == b"definitely not numpy"  # nothing overwritten


def test_a_label_outside_num_classes_names_the_file(npy_data: Path) -> None:
    with pytest.raises(TriadError, match=r"s003.npy: label 3 is outside 0..2"):
        module(npy_data, num_classes=3).setup()


def test_samples_of_inconsistent_shape_name_the_file(tmp_path: Path) -> None:
    manifest = write_npy_dataset(tmp_path / "mixed", n=12)
    odd = tmp_path / "mixed" / "s007.npy"
    np.save(odd, np.zeros((1, 5, 5), np.float32))
    dm = module(manifest, split=[0.5, 0.25, 0.25])
    dm.setup()
    with pytest.raises(TriadError, match=rf"{odd}: sample 0 has shape \(1, 5, 5\), but .* \(1, 4, 4\)"):
        for split in ("train", "val", "test"):
            list(getattr(dm, f"{split}_dataloader")())


@pytest.mark.parametrize("split", [[0.98, 0.02, 0.0], [0.9, 0.1, 0.01], [0.5, 0.5, 0.5]])
def test_split_fractions_that_leave_a_split_empty_or_do_not_sum_to_one(split: list[float], npy_data: Path) -> None:
    with pytest.raises(TriadError, match="split"):
        module(npy_data, split=split).setup()


def test_input_statistics_travel_in_the_checkpoint_to_other_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = NumpyReader.read
    from tests.data.conftest import write_npy_dataset as write

    trained = module(write(tmp_path / "train_data", n=40), normalize=True)
    trained.setup()
    state = trained.state_dict()
    assert set(state) == {"x_mean", "x_std", "y_mean", "y_std"}  # what Lightning stores in every checkpoint
    shifted = write(tmp_path / "new_data", n=40, num_classes=4, shape=(1, 4, 4))
    for path in (tmp_path / "new_data").glob("*.npy"):
        np.save(path, np.load(path) + 100.0)  # other data, other statistics
    fresh, restored = module(shifted, normalize=True), module(shifted, normalize=True)
    restored.load_state_dict(state)
    reads: list[Path] = []
    monkeypatch.setattr(NumpyReader, "read", lambda self, path: reads.append(path) or original(self, path))
    restored.setup()
    assert reads == [restored.datasets["train"].records[restored.datasets["train"].refs[0][0]][0]]  # the shape probe
    fresh.setup()
    assert torch.equal(restored.datasets["test"].x_stats[0], state["x_mean"])  # normalised as training was
    assert not torch.allclose(fresh.datasets["test"].x_stats[0], state["x_mean"])


def test_all_finite_rechecks_an_overflowing_sum() -> None:
    huge = torch.full((4,), 3e38)  # finite values whose float32 sum overflows to inf
    assert all_finite(huge)
    assert not all_finite(torch.tensor([1.0, float("nan")]))
    assert not all_finite(torch.tensor([1.0, float("-inf")]))
