"""Real data sets shipped inside scikit-learn, exported once as files and then read like any user data."""

from __future__ import annotations

import csv
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from src.errors import TriadError

log = logging.getLogger(__name__)


def export_once(final: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` into a fresh hidden folder beside ``final``, then rename it into place.

    The rename is atomic, so ``final`` exists only when complete: a crash mid-export leaves a hidden
    ``.<name>.partial-*`` folder that nothing reads. An existing ``final`` is never rewritten.
    """
    if final.is_dir() and any(final.iterdir()):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    leftovers = list(final.parent.glob(f".{final.name}.partial-*"))
    if leftovers:
        log.warning(
            f"{len(leftovers)} unfinished export(s) of {final.name} in {final.parent} are ignored (safe to delete)."
        )
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    try:
        write(partial)
        os.replace(partial, final)  # fails if another process finished first: its copy is as good as ours
    except OSError:
        if not (final.is_dir() and any(final.iterdir())):
            raise
        shutil.rmtree(partial, ignore_errors=True)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log.info(f"Exported {final.name} to {final}")
    return final


def _sklearn_datasets():  # noqa: ANN202 - the sklearn.datasets module
    try:
        from sklearn import datasets
    except ImportError:
        raise TriadError('data=digits and data=diabetes need scikit-learn: pip install -e ".[data]"') from None
    return datasets


def export_digits(*, root: str) -> Path:
    """scikit-learn's digits: one ``images/NNNN.npy`` per image, (1, 8, 8) in [0, 1], and ``manifest.csv``."""

    def write(folder: Path) -> None:
        digits = _sklearn_datasets().load_digits()
        (folder / "images").mkdir()
        with (folder / "manifest.csv").open("w", newline="") as handle:
            rows = csv.writer(handle)
            rows.writerow(["path", "label"])
            for i, (image, label) in enumerate(zip(digits.images, digits.target, strict=True)):
                np.save(folder / "images" / f"{i:04d}.npy", (image / 16.0).astype(np.float32)[None])  # (1, 8, 8)
                rows.writerow([f"images/{i:04d}.npy", int(label)])

    return export_once(Path(root), write)


def export_diabetes(*, root: str) -> Path:
    """scikit-learn's diabetes: ``diabetes.csv`` with the ten raw features and the target, one row per patient."""

    def write(folder: Path) -> None:
        data = _sklearn_datasets().load_diabetes(scaled=False)
        with (folder / "diabetes.csv").open("w", newline="") as handle:
            rows = csv.writer(handle)
            rows.writerow([*data.feature_names, "target"])
            rows.writerows([*map(float, x), float(y)] for x, y in zip(data.data, data.target, strict=True))

    return export_once(Path(root), write)
