"""Bad real-data input through the entry point: one message naming the file or folder, exit 2, nothing overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from src import train
from tests.data.conftest import write_npy_dataset
from tests.helpers import fast_train_cfg, run_cli

FILES = ["data=files", "trainer.max_epochs=1"]


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def corrupt(root: Path) -> str:
    (root / "s005.npy").write_bytes(b"not numpy at all")
    return str(root / "s005.npy")


def odd_shape(root: Path) -> str:
    np.save(root / "s006.npy", np.zeros((2, 4, 4), np.float32))
    return f"{root / 's006.npy'}: sample 0 has shape (2, 4, 4), but the data's samples have shape (1, 4, 4)"


def non_finite(root: Path) -> str:
    values = np.zeros((1, 4, 4), np.float32)
    values[0, 1, 2] = np.nan
    np.save(root / "s007.npy", values)
    return f"{root / 's007.npy'}: non-finite values (NaN or inf)"


def huge_label(root: Path) -> str:
    manifest = root / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("s002.npy,2", "s002.npy,1000000000"))
    return "the files' labels are 0, 1, 2, 3, 1e+09 (5 distinct)"


CASES = {  # name: (change to the data folder -> expected text, extra overrides); found at set-up unless TRAINS
    "missing-root": (
        lambda root: f"data root not found: {root / 'absent'}",
        ["data/datagetter=glob_files", "data.datagetter.root=${paths.data_dir}/my_data/absent"],
    ),
    "no-files": (
        lambda root: "no files match '*.tif'",
        [
            "data/datagetter=glob_files",
            "data.datagetter.root=${paths.data_dir}/my_data",
            "data.datagetter.pattern=*.tif",
        ],
    ),
    "corrupt-file": (corrupt, []),
    "label-out-of-range": (lambda root: f"{root / 's003.npy'}: label 3 is outside 0..2", ["data.num_classes=3"]),
    "inconsistent-shape": (odd_shape, []),
    "empty-split": (lambda root: "test split is empty", ["data.split=[0.98,0.02,0.0]"]),
    "non-finite-input": (non_finite, []),
    "non-finite-input-normalized": (non_finite, ["data.normalize=true"]),  # found by the statistics, at set-up
    "sparse-labels": (huge_label, ["data.num_classes=null"]),  # never a head of 1e9 outputs
}


TRAINS = {
    "corrupt-file",
    "inconsistent-shape",
    "non-finite-input",
}  # found only when the loader reads the file: the Trainer has started


@pytest.mark.parametrize("case", [pytest.param(c, marks=[pytest.mark.train] if c in TRAINS else []) for c in CASES])
def test_bad_data_stops_with_one_message(case: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = tmp_path / "data" / "my_data"
    write_npy_dataset(root, n=24)
    change, overrides = CASES[case]
    expected = change(root)
    before = digest(tmp_path / "data")
    cfg = fast_train_cfg([*FILES, f"paths.data_dir={tmp_path / 'data'}", *overrides], tmp_path / "run")
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and expected in err and "Traceback" not in err
    assert digest(tmp_path / "data") == before  # nothing written, moved or overwritten


@pytest.mark.train
def test_on_bad_file_skip_counts_the_skipped_files_and_trains(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "data" / "my_data"
    write_npy_dataset(root, n=24)
    corrupt(root)
    cfg = fast_train_cfg([*FILES, f"paths.data_dir={tmp_path / 'data'}", "data.on_bad_file=skip"], tmp_path / "run")
    assert train.main(cfg) is not None
    assert "skipped 1 unreadable file(s)" in caplog.text


@pytest.mark.train
def test_a_bad_file_found_by_a_loader_worker_is_reported_without_its_traceback(tmp_path: Path) -> None:
    root = tmp_path / "data" / "my_data"
    write_npy_dataset(root, n=24)
    bad = corrupt(root)
    result = run_cli(
        "src.train",
        *FILES,
        "data.num_workers=2",
        env={"DATA_DIR": str(tmp_path / "data"), "LOG_DIR": str(tmp_path / "logs")},
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"cannot read {bad}" in result.stderr and "Traceback" not in result.stdout + result.stderr
    (log_file,) = (tmp_path / "logs").rglob("train.log")
    assert "Traceback" in log_file.read_text()  # the full trace is kept in the run's log
