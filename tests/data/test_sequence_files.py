"""Sequences from files: variable lengths padded with a mask, token ids, per-channel statistics, the manifest's own
split, and the UCR/UEA sets bundled with aeon."""

from __future__ import annotations

import csv
import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from src.data.files.aeon_sets import export_tser, export_ucr
from src.data.files.datamodule import FileDataModule
from src.data.files.getters import from_manifest
from src.data.files.readers import NumpyReader
from src.errors import TriadError

LENGTHS = [5, 9, 7, 3, 9, 6, 8, 4, 9, 5, 7, 6]


def write_sequences(root: Path, lengths: list[int], channels: int = 2, tokens: bool = False) -> Path:
    """One .npy per sequence, (length, channels) values or (length,) token ids, and a manifest with a split column."""
    root.mkdir(parents=True)
    g = np.random.default_rng(0)
    with (root / "manifest.csv").open("w", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["path", "label", "split"])
        for i, length in enumerate(lengths):
            x = g.integers(0, 6, length) if tokens else g.normal(3.0, 2.0, (length, channels))
            np.save(root / f"{i:02d}.npy", x.astype(np.int64 if tokens else np.float32))
            rows.writerow([f"{i:02d}.npy", i % 3, "test" if i >= 9 else "train"])
    return root / "manifest.csv"


def module(manifest: Path, **overrides: object) -> FileDataModule:
    args: dict[str, object] = {
        "datagetter": partial(
            from_manifest, csv_path=str(manifest), path_column="path", label_column="label", split_column="split",
            val_fraction=0.25,
        ),
        "reader": NumpyReader(x_key="x", y_key="y"),
        "target_kind": "integer",
        "num_classes": None,
        "inputs": "sequence",
        "vocab_size": None,
        "max_length": None,
        "split": [0.8, 0.1, 0.1],
        "split_seed": 0,
        "split_by": "file",
        "normalize": False,
        "cache": True,
        "on_bad_file": "raise",
        "batch_size": 4,
        "num_workers": 0,
        "pin_memory": False,
        "persistent_workers": False,
    }  # fmt: skip
    return FileDataModule(**(args | overrides))


def test_the_manifest_split_holds_and_validation_is_carved_from_train(tmp_path: Path) -> None:
    splits = from_manifest(
        csv_path=str(write_sequences(tmp_path / "d", LENGTHS)), path_column="path", label_column="label",
        split_column="split", val_fraction=0.25, val_seed=0,
    )  # fmt: skip
    assert isinstance(splits, dict) and [len(splits[s]) for s in ("train", "val", "test")] == [7, 2, 3]
    again = from_manifest(
        csv_path=str(tmp_path / "d" / "manifest.csv"), path_column="path", label_column="label",
        split_column="split", val_fraction=0.25, val_seed=1,
    )  # fmt: skip
    assert isinstance(again, dict) and again["test"] == splits["test"] and again["val"] != splits["val"]


def test_variable_lengths_are_padded_per_batch_with_a_mask(tmp_path: Path) -> None:
    dm = module(write_sequences(tmp_path / "d", LENGTHS))
    spec = dm.spec
    assert spec.inputs == "sequence" and spec.variable_length and spec.in_shape == (9, 2)  # the longest of any split
    for batch in dm.test_dataloader():
        lengths = batch.mask.sum(1)
        assert batch.x.shape == (len(batch.id), int(lengths.max()), 2)
        assert lengths.tolist() == [LENGTHS[9 + int(i)] for i in batch.id]  # ids: places in the test split
        assert not batch.x[~batch.mask].any()  # padding is zeros, at the end


def test_equal_lengths_carry_no_mask_and_a_longer_sample_is_named(tmp_path: Path) -> None:
    dm = module(write_sequences(tmp_path / "d", [6] * 12))
    assert not dm.spec.variable_length and next(iter(dm.train_dataloader())).mask is None
    manifest = write_sequences(tmp_path / "e", LENGTHS)
    short = module(manifest, max_length=8)
    with pytest.raises(TriadError, match=r"\d\d.npy: sample 0 has length 9, outside 1..8 \(data.max_length"):
        [list(loader()) for loader in (short.train_dataloader, short.val_dataloader, short.test_dataloader)]


def test_tokens_from_files_are_ids_checked_against_the_vocabulary(tmp_path: Path) -> None:
    manifest = write_sequences(tmp_path / "d", LENGTHS, tokens=True)
    dm = module(manifest, inputs="tokens", vocab_size=6)
    batch = next(iter(dm.train_dataloader()))
    assert dm.spec.in_shape == (9,) and batch.x.dtype == torch.int64 and batch.mask is not None
    with pytest.raises(TriadError, match=r"token ids \d\.\.\d, outside 0\.\.3 \(data.vocab_size=4\)"):
        list(module(manifest, inputs="tokens", vocab_size=4).train_dataloader())


def test_sequences_are_standardised_per_channel_over_real_positions(tmp_path: Path) -> None:
    dm = module(write_sequences(tmp_path / "d", LENGTHS, channels=3), normalize=True)
    dm.setup()
    values = torch.cat([b.x[b.mask] for b in dm.train_dataloader()])  # (positions, 3), padding left out
    assert torch.allclose(values.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(values.std(0, unbiased=False), torch.ones(3), atol=1e-4)


def test_ucr_export_keeps_the_official_split_and_the_label_names(tmp_path: Path) -> None:
    root = export_ucr(root=str(tmp_path / "JapaneseVowels"), dataset="JapaneseVowels")
    rows = list(csv.DictReader((root / "manifest.csv").open()))
    assert sum(r["split"] == "train" for r in rows) == 270 and sum(r["split"] == "test" for r in rows) == 370
    lengths = {np.load(root / r["path"]).shape for r in rows}
    assert {c for _, c in lengths} == {12} and min(n for n, _ in lengths) == 7 and max(n for n, _ in lengths) == 29
    classes = json.loads((root / "classes.json").read_text())
    assert classes == {str(i): str(i + 1) for i in range(9)} and {int(r["label"]) for r in rows} == set(range(9))


def test_tser_export_keeps_real_targets(tmp_path: Path) -> None:
    root = export_tser(root=str(tmp_path / "Covid3Month"), dataset="Covid3Month")
    rows = list(csv.DictReader((root / "manifest.csv").open()))
    assert len(rows) == 201 and not (root / "classes.json").exists()
    assert np.load(root / rows[0]["path"]).shape == (84, 1) and any(float(r["label"]) % 1 for r in rows)


def test_a_set_aeon_does_not_bundle_is_one_message(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match="(?s)cannot load 'NoSuchSet' offline.*The sets inside aeon's wheel"):
        export_ucr(root=str(tmp_path / "x"), dataset="NoSuchSet")
    assert not (tmp_path / "x").exists()
