"""src/speed.py: each trick does what the code it replaces did, and fails here if upstream moves what it leans on."""

from __future__ import annotations

import ctypes
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import numpy as np
import pytest
import torch
import torch.autograd.profiler as torch_profiler
from lightning.pytorch import callbacks
from lightning.pytorch.callbacks import TQDMProgressBar
from lightning.pytorch.profilers import PassThroughProfiler
from lightning.pytorch.trainer import call
from torch.utils.data import DataLoader, Dataset, IterableDataset

from src.speed import (
    NVML_CHECK,
    NVML_LIBRARY,
    CheapHookNames,
    Loader,
    ModelCheckpoint,
    NoProfiler,
    TimedProgressBar,
    keep_freed_memory,
    load_npy,
    parse_header,
    skip_nvml_probe,
)


class Module(CheapHookNames, pl.LightningModule):
    """A LightningModule with the cheap hook name, and one layer."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(2, 2)


def test_lightning_still_names_each_hook_call_on_the_module() -> None:
    assert "_current_fx_name" in inspect.getsource(call._call_lightning_module_hook)
    assert "_current_fx_name" in inspect.getsource(call._call_callback_hooks)


def test_the_hook_name_is_a_plain_attribute_and_modules_still_register() -> None:
    model = Module()
    model._current_fx_name = "training_step"  # Lightning sets it around every hook: the fast path
    assert model._current_fx_name == "training_step" and "_current_fx_name" not in model.state_dict()
    model.extra = torch.nn.Linear(2, 2)  # every other attribute goes through nn.Module as before
    assert "extra" in dict(model.named_children()) and "extra.weight" in model.state_dict()


def test_no_profiler_replaces_lightnings_pass_through_one_with_one_shared_null_context() -> None:
    assert issubclass(NoProfiler, PassThroughProfiler)
    assert "profiler.profile(" in inspect.getsource(call._call_callback_hooks)  # what Lightning wraps every hook in
    profiler = NoProfiler()
    with profiler.profile("[Callback]x.on_train_batch_end") as inside:
        assert inside is None
    assert profiler.profile("a") is profiler.profile("b")


class Clock:
    """A clock that reads what the test sets."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def redraws(bar: TimedProgressBar, clock: Clock, total: int, seconds_per_step: float) -> list[int]:
    drawn = []
    for step in range(1, total + 1):
        clock.now += seconds_per_step
        if bar._should_update(step, total):  # noqa: SLF001  (the throttle)
            drawn.append(step)
    return drawn


@pytest.mark.parametrize("start", [0.0, 5.0, 1e6])  # a clock that counts from boot: just booted, or long ago
def test_the_bar_redraws_its_first_and_last_step_and_every_interval(start: float) -> None:
    bar, clock = TimedProgressBar(interval=1.0), Clock()
    bar.clock, clock.now = clock, start
    assert redraws(bar, clock, 50, seconds_per_step=0.25) == [1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 50]


def test_interval_zero_redraws_every_step_as_lightnings_bar_does() -> None:
    bar, clock = TimedProgressBar(interval=0), Clock()
    bar.clock = clock
    assert redraws(bar, clock, 20, seconds_per_step=0.0) == list(range(1, 21))


def test_the_bar_is_lightnings_tqdm_bar_and_overrides_a_method_lightning_still_calls() -> None:
    assert issubclass(TimedProgressBar, TQDMProgressBar) and "_should_update" in vars(TQDMProgressBar)
    assert "_should_update" in inspect.getsource(TQDMProgressBar.on_train_batch_end)


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="interval must be >= 0"):
        TimedProgressBar(interval=-1)


SETTINGS = [{"monitor": "val/acc", "mode": "max"}, {"monitor": None, "filename": "last"}, {"every_n_epochs": 2}]


@pytest.mark.parametrize("settings", SETTINGS)
def test_state_key_is_lightnings_and_built_once(settings: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = callbacks.ModelCheckpoint(**settings).state_key
    assert ModelCheckpoint(**settings).state_key == expected  # checkpoints written by either load into the other
    built: list[str] = []
    real = callbacks.Callback._generate_state_key
    monkeypatch.setattr(
        callbacks.Callback, "_generate_state_key", lambda self, **kw: built.append("x") or real(self, **kw)
    )
    fresh = ModelCheckpoint(**settings)
    assert {fresh.state_key for _ in range(5)} == {expected}
    assert len(built) == 1


class Squares(Dataset):
    """i -> i * i, as a tensor."""

    def __len__(self) -> int:
        return 10

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.tensor(index * index)


class Counting(IterableDataset):
    """0..4, iterable."""

    def __iter__(self) -> Any:
        return iter(torch.arange(5))


def items(loader: DataLoader) -> list[list[int]]:
    return [batch.tolist() for batch in loader]


@pytest.mark.parametrize("workers", [0, 2])
def test_same_items_as_torch(workers: int) -> None:
    args: dict[str, Any] = {"batch_size": 3, "shuffle": True, "num_workers": workers}
    ours = items(Loader(Squares(), generator=torch.Generator().manual_seed(0), **args))
    torchs = items(DataLoader(Squares(), generator=torch.Generator().manual_seed(0), **args))
    assert ours == torchs and len(ours) == 4


def test_no_range_unless_profiling(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = torch_profiler.record_function

    def counting(name: str, *args: Any) -> Any:
        opened.append(name)
        return real(name, *args)

    monkeypatch.setattr(torch_profiler, "record_function", counting)
    assert items(DataLoader(Squares(), batch_size=5)) and len(opened) >= 2  # torch's own opens one per item
    opened.clear()
    assert items(Loader(Squares(), batch_size=5)) == [[0, 1, 4, 9, 16], [25, 36, 49, 64, 81]]
    assert opened == []
    assert items(Loader(Counting(), batch_size=2)) == [[0, 1], [2, 3], [4]]  # iterable data: torch's own path
    assert opened


def test_range_kept_while_a_profiler_records() -> None:
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        items(Loader(Squares(), batch_size=5))
    names = {event.name for event in profile.events()}
    assert any(name.startswith("enumerate(DataLoader)") for name in names), sorted(names)[:20]


ARRAYS = {
    "float32 image": np.arange(64, dtype=np.float32).reshape(1, 8, 8),
    "float64 vector": np.linspace(-1, 1, 7),
    "int64 tokens": np.array([3, 1, 4, 1, 5], dtype=np.int64),
    "big-endian": np.arange(6, dtype=">f4").reshape(2, 3),
    "fortran order": np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "bool": np.array([True, False, True]),
}


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_load_npy_equals_np_load(tmp_path: Path, name: str) -> None:
    path = tmp_path / "a.npy"
    np.save(path, ARRAYS[name])
    loaded = load_npy(path)
    expected = np.load(path)
    assert loaded.dtype == expected.dtype and loaded.shape == expected.shape
    np.testing.assert_array_equal(loaded, expected)
    assert loaded.flags.writeable  # torch.from_numpy takes it without a warning, and may write to it


def test_version_2_and_3_headers_read(tmp_path: Path) -> None:
    array = np.arange(10, dtype=np.float32)
    for version in ((2, 0), (3, 0)):  # 2: a 4-byte header length; 3 (utf-8 field names) goes through np.load
        path = tmp_path / f"v{version[0]}.npy"
        with path.open("wb") as handle:
            np.lib.format.write_array(handle, array, version=version)
        np.testing.assert_array_equal(load_npy(path), array)


def test_header_parsed_once_for_files_alike(tmp_path: Path) -> None:
    parse_header.cache_clear()
    for i in range(5):
        np.save(tmp_path / f"{i}.npy", np.full((2, 2), i, dtype=np.float32))
        assert load_npy(tmp_path / f"{i}.npy")[0, 0] == i
    info = parse_header.cache_info()
    assert (info.misses, info.hits) == (1, 4)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not numpy at all", "no numpy magic"),
        (None, "truncated"),
        ("object", "allow_pickle"),
    ],
)
def test_malformed_files_refused(tmp_path: Path, content: bytes | str | None, reason: str) -> None:
    path = tmp_path / "bad.npy"
    if content is None:  # a valid file cut short
        np.save(path, np.zeros(100, dtype=np.float32))
        path.write_bytes(path.read_bytes()[:-40])
    elif content == "object":
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=reason):
        load_npy(path)


def test_torch_still_counts_devices_through_nvml_when_the_variable_is_set() -> None:
    assert "PYTORCH_NVML_BASED_CUDA_CHECK" in inspect.getsource(torch.cuda._nvml_based_avail)  # noqa: SLF001
    assert "_nvml_based_avail()" in inspect.getsource(torch.cuda.is_available)
    assert NVML_LIBRARY in inspect.getsource(torch.cuda._raw_device_count_nvml)  # noqa: SLF001


@pytest.mark.parametrize("loads", [True, False])
def test_the_variable_goes_only_where_the_library_does_not_load(loads: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    def load(name: str) -> object:
        if not loads:
            raise OSError(f"{name}: cannot open shared object file")
        return object()

    monkeypatch.setenv(NVML_CHECK, "1")
    monkeypatch.setattr(ctypes, "CDLL", load)
    monkeypatch.setattr(torch.backends.cuda, "is_built", lambda: True)
    assert skip_nvml_probe() is not loads
    assert (os.environ.get(NVML_CHECK) == "1") is loads


def test_without_the_variable_or_a_cuda_build_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NVML_CHECK, raising=False)
    assert skip_nvml_probe() is False and NVML_CHECK not in os.environ
    monkeypatch.setenv(NVML_CHECK, "1")
    monkeypatch.setattr(torch.backends.cuda, "is_built", lambda: False)
    assert skip_nvml_probe() is False and os.environ[NVML_CHECK] == "1"


def test_this_machine_gets_the_same_answer_with_and_without_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NVML_CHECK, "1")
    probed = (torch.cuda.is_available(), torch.cuda.device_count())
    skip_nvml_probe()
    assert (torch.cuda.is_available(), torch.cuda.device_count()) == probed


STEPS = """
import resource, torch
from src.speed import keep_freed_memory

def step() -> int:  # the page faults of filling a 64 MiB block (freed at the end, as a step's activations are)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    torch.ones(16 << 20)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

print(step(), step(), keep_freed_memory(), step(), step(), step())
"""


def test_kept_memory_is_refilled_without_page_faults() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    root = Path(__file__).parents[1]  # a process of its own: the setting is for the rest of the process
    shown = subprocess.run([sys.executable, "-c", STEPS], capture_output=True, text=True, env=env, cwd=root, check=True)
    first, second, kept, *_, later = shown.stdout.split()
    if kept == "False":  # not glibc (macOS): nothing was changed, and nothing is promised
        return
    assert int(first) >= 16_000 and int(second) >= 16_000  # 16,384 pages of 4 KiB mapped afresh, at every step
    assert int(later) < 1_000  # a block freed by an earlier step is filled again (the heap's first steps grow it)


@pytest.mark.parametrize("variable", ["MALLOC_ARENA_MAX", "GLIBC_TUNABLES"])
def test_a_users_own_malloc_setting_is_left_as_it_is(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    called = []
    monkeypatch.setattr(ctypes, "CDLL", lambda name: called.append(name))
    monkeypatch.setenv(variable, "2" if variable.startswith("MALLOC") else "glibc.malloc.arena_max=2")
    assert keep_freed_memory() is False and not called
