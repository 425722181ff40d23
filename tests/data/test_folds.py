"""K-fold cross-validation of file data: every sample in one test fold, classes stratified, files kept whole."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hydra.utils import instantiate

from src.data.files.splits import SampleRef, fold_refs
from src.errors import TriadError
from tests.helpers import compose_cfg

FOLDS = 5


def files(sizes: list[int]) -> list[SampleRef]:
    """Samples of files with these many samples each: (file index, offset)."""
    return [(record, offset) for record, size in enumerate(sizes) for offset in range(size)]


def every_fold(refs: list[SampleRef], labels: list[object], by: str, seed: int = 0) -> list[dict[str, list]]:
    return [fold_refs(refs, labels, FOLDS, fold, 0.125, seed, by) for fold in range(FOLDS)]


@pytest.mark.parametrize("by", ["sample", "file"])
def test_every_sample_is_in_exactly_one_test_fold_and_in_one_split_of_each_fold(by: str) -> None:
    refs = files([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3])
    labels = [i % 3 for i in range(16)]
    folds = every_fold(refs, labels, by)
    tested = [ref for parts in folds for ref in parts["test"]]
    assert sorted(tested) == sorted(refs)  # each sample tested once, over the folds
    for parts in folds:
        assert sorted(parts["train"] + parts["val"] + parts["test"]) == sorted(refs)
        assert parts["train"] and parts["val"] and parts["test"]
        assert abs(len(parts["val"]) - 0.125 * (len(refs) - len(parts["test"]))) <= 9  # carved from the rest
        if by == "file":  # no file in two splits, so none in two test folds
            where = {split: {record for record, _ in parts[split]} for split in parts}
            assert not (where["train"] & where["val"] or where["train"] & where["test"] or where["val"] & where["test"])


def test_each_fold_holds_its_share_of_every_class() -> None:
    refs = files([1] * 103)
    labels = [0] * 60 + [1] * 30 + [2] * 13  # unbalanced classes
    for parts in every_fold(refs, labels, "sample"):
        counts = Counter(labels[record] for record, _ in parts["test"])
        assert counts == {0: 12, 1: 6, 2: counts[2]} and counts[2] in (2, 3)


def test_the_folds_come_from_the_split_seed_alone() -> None:
    refs, labels = files([1] * 40), [i % 2 for i in range(40)]
    assert every_fold(refs, labels, "sample", seed=3) == every_fold(refs, labels, "sample", seed=3)
    assert every_fold(refs, labels, "sample", seed=3) != every_fold(refs, labels, "sample", seed=4)


@pytest.mark.parametrize(
    ("sizes", "folds", "fold", "said"),
    [
        ([10, 10, 10], 5, 0, "data.folds=5 needs at least 5 files (one per fold); there are 3"),
        ([1, 1, 1], 5, 0, "data.folds=5 needs at least 5 samples (one per fold); there are 3"),
        ([1] * 10, 5, 5, "folds are numbered 0..folds-1"),
        ([1] * 10, 1, 0, "folds must be at least 2"),
    ],
)
def test_folds_that_cannot_be_made_are_one_message(sizes: list[int], folds: int, fold: int, said: str) -> None:
    with pytest.raises(TriadError, match=re.escape(said)):
        fold_refs(files(sizes), [None] * len(sizes), folds, fold, 0.1, 0, "file")


def test_digits_in_five_folds_test_every_image_once(tmp_path: Path) -> None:
    tested: Counter[str] = Counter()
    for fold in range(FOLDS):
        cfg = compose_cfg("train", ["data=digits", f"data.folds={FOLDS}", f"data.fold={fold}"], tmp_path)
        datamodule = instantiate(cfg.data)
        datamodule.setup()
        test = datamodule.datasets["test"]
        tested.update(str(test.records[record][0]) for record, _ in test.refs)
        assert abs(len(test.refs) - 1797 / FOLDS) <= 1
    assert len(tested) == 1797 and set(tested.values()) == {1}


def test_an_official_split_is_kept_unless_folds_are_asked_for(tmp_path: Path) -> None:
    sizes = {}
    for name, extra in {"official": [], "folded": [f"data.folds={FOLDS}", "data.fold=1"]}.items():
        cfg = compose_cfg("train", ["data=ucr", "data.dataset=GunPoint", *extra], tmp_path)
        datamodule = instantiate(cfg.data)
        datamodule.setup()
        sizes[name] = {split: len(samples.refs) for split, samples in datamodule.datasets.items()}
    assert sizes["official"] == {"train": 40, "val": 10, "test": 150}  # GunPoint's own 50 / 150
    assert sizes["folded"]["test"] == 200 // FOLDS and sum(sizes["folded"].values()) == 200
