"""The trainer and its plumbing from config: every callback and logger option builds; a missing package is one line."""

from __future__ import annotations

import ctypes
import os
import re
from importlib.metadata import metadata
from pathlib import Path

import pytest
import torch
from hydra.utils import get_class
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.profilers import SimpleProfiler

from src.build import trainer as trainer_module
from src.build.trainer import instantiate_trainer
from src.errors import TriadError
from src.runs.checkpoints import CheckpointFiles
from src.speed import NVML_CHECK, NoProfiler
from tests.helpers import fast_train_cfg, options


@pytest.mark.parametrize("callbacks", options("callbacks"))
def test_every_callbacks_option_builds_a_trainer_whose_checkpoints_go_through_ours(
    callbacks: str, tmp_path: Path
) -> None:
    # Each callbacks option, callbacks=none among them, is the subject here: the test checks what each one builds.
    cfg = fast_train_cfg([f"callbacks={callbacks}"], tmp_path)
    trainer = instantiate_trainer(cfg)
    for name, conf in cfg.callbacks.items():
        if conf is not None:
            assert any(isinstance(c, get_class(conf._target_)) for c in trainer.callbacks), f"{name} not built"
    assert isinstance(trainer.strategy.checkpoint_io, CheckpointFiles)


def test_no_profiler_costs_nothing_and_a_chosen_profiler_replaces_it(tmp_path: Path) -> None:
    default = instantiate_trainer(fast_train_cfg([], tmp_path / "a"))
    assert isinstance(default.profiler, NoProfiler)
    with default.profiler.profile("[Callback]x.on_train_batch_end") as inside:  # what Lightning does around each hook
        assert inside is None
    chosen = instantiate_trainer(fast_train_cfg(["debug=profiler"], tmp_path / "b"))
    assert isinstance(chosen.profiler, SimpleProfiler)


@pytest.mark.parametrize("loads", [True, False])
def test_a_trainer_drops_the_nvml_variable_only_where_the_library_does_not_load(
    loads: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def load(name: str) -> object:
        if not loads:
            raise OSError(f"{name}: cannot open shared object file")
        return object()

    monkeypatch.setenv(NVML_CHECK, "1")  # as Lightning's import sets it
    monkeypatch.setattr(ctypes, "CDLL", load)
    monkeypatch.setattr(torch.backends.cuda, "is_built", lambda: True)
    instantiate_trainer(fast_train_cfg([], tmp_path))
    assert (os.environ.get(NVML_CHECK) == "1") is loads


def test_a_trainer_keeps_freed_memory_for_reuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(trainer_module, "keep_freed_memory", lambda: calls.append(True) or True)
    instantiate_trainer(fast_train_cfg([], tmp_path))
    assert calls == [True]


def test_without_a_logger_the_learning_rate_monitor_is_left_out(tmp_path: Path) -> None:
    # The one switched-off default here, on purpose: logger=none is what the test is about, set against the default
    # logger; it checks that the learning-rate monitor, which writes through a logger, is then left out.
    with_logger = instantiate_trainer(fast_train_cfg([], tmp_path / "a"))
    without = instantiate_trainer(fast_train_cfg(["logger=none"], tmp_path / "b"))
    assert any(isinstance(c, LearningRateMonitor) for c in with_logger.callbacks)
    assert not any(isinstance(c, LearningRateMonitor) for c in without.callbacks)  # it would have nowhere to write


@pytest.mark.parametrize("logger", [o for o in options("logger") if o not in ("csv", "many", "none")])
def test_a_logger_whose_package_is_missing_stops_with_the_pip_line(logger: str, tmp_path: Path) -> None:
    # Only the loggers with a package of their own: csv and many need none, and none builds no logger.
    absent = f"logger.{logger}._target_=tasktriad_absent_{logger}.Logger"  # as if its package were not installed
    with pytest.raises(TriadError, match="needs a package that is not installed") as err:
        instantiate_trainer(fast_train_cfg([f"logger={logger}", absent], tmp_path))
    extra = re.search(r'pip install -e "\.\[(\w+)\]"', str(err.value))
    assert extra and extra.group(1) in metadata("tasktriad").get_all("Provides-Extra"), err.value


def test_a_second_run_into_a_folder_that_holds_one_is_refused_before_training(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text("epoch,step,val/acc\n0,1,0.5\n")
    with pytest.raises(TriadError, match="already holds a run"):
        instantiate_trainer(fast_train_cfg([], tmp_path))
    assert (tmp_path / "metrics.csv").read_text() == "epoch,step,val/acc\n0,1,0.5\n"  # nothing overwritten
