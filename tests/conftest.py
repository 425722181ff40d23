"""Pytest fixtures shared by the whole suite, and the check that every test that trains is marked ``train``."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from hydra.core.global_hydra import GlobalHydra

from src.data.files import exports
from tests.data.conftest import write_npy_dataset
from tests.helpers import TRAIN_MARKER, require_train_marker, run_cli, transfer_sources


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: pl.Trainer, *args: Any, **kwargs: Any) -> Any:
        require_train_marker(f"Trainer.{method.__name__}")
        return method(self, *args, **kwargs)

    return run


def pytest_configure(config: pytest.Config) -> None:
    """Every use of a Trainer, in this process, must come from a test marked ``train`` (run_cli checks commands).

    Under pytest-xdist each worker gets its share of the cores, for itself and the commands it starts: torch's
    default (a thread per core in every process) oversubscribes the machine, and its spinning OpenMP threads then
    slow a run tenfold. A command a test starts inherits OMP_NUM_THREADS.
    """
    for name in ("fit", "validate", "test", "predict"):
        setattr(pl.Trainer, name, _guarded(getattr(pl.Trainer, name)))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1 and "OMP_NUM_THREADS" not in os.environ:
        share = max(1, (os.cpu_count() or 1) // workers)
        os.environ["OMP_NUM_THREADS"] = str(share)
        torch.set_num_threads(share)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures are set up (a fixture may train too), note whether it may train."""
    TRAIN_MARKER["allowed"] = item.get_closest_marker("train") is not None


@pytest.fixture(autouse=True)
def _clean_hydra() -> Iterator[None]:
    """Every test starts and ends with no global Hydra state."""
    GlobalHydra.instance().clear()
    yield
    GlobalHydra.instance().clear()


@pytest.fixture(autouse=True)
def _logging_as_found() -> Iterator[None]:
    """Every test leaves the root logger's handlers and level as it found them.

    A run in the test's process (Hydra configures logging for it) binds its console handler to the stream of the
    moment, which pytest captures for that test and closes after it: the next test's first log line would fail on it.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _logs_below_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that does not choose its log folder writes below the test's tmp_path, never into the repo's logs/."""
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture
def logs(tmp_path: Path) -> dict[str, str]:
    """Environment for CLI runs that writes all run folders below a temporary directory."""
    return {"LOG_DIR": str(tmp_path / "logs"), "DATA_DIR": str(tmp_path / "data")}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR holding every data option's files: the shipped exports, and `my_data` for data=files."""
    root = tmp_path_factory.mktemp("data")
    exports.export_digits(root=str(root / "digits"))
    exports.export_diabetes(root=str(root / "diabetes"))
    write_npy_dataset(root / "my_data", n=64)
    return root


@pytest.fixture(scope="session")
def source_logs(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A LOG_DIR with one short, real run of every experiment that a ``transfer_*`` preset starts from."""
    root = tmp_path_factory.mktemp("source_logs")
    short = ["trainer.max_epochs=1", "trainer.limit_train_batches=2", "trainer.limit_val_batches=2", "test=false"]
    for source in transfer_sources():
        env = {"LOG_DIR": str(root), "DATA_DIR": str(data_dir)}
        result = run_cli("src.train", f"experiment={source}", *short, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
    return root
