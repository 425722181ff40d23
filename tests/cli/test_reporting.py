"""What an error shows the user: the one behind Hydra's instantiation error; an out-of-memory error and its fixes."""

from __future__ import annotations

import pytest
import torch
from hydra.errors import InstantiationException
from omegaconf import OmegaConf

from src.cli.reporting import out_of_memory, unwrapped
from src.errors import OutOfMemory, TriadError

GPU_OOM = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.2 GiB..."


def wrapped(cause: Exception, key: str | None) -> InstantiationException:
    """The error Hydra raises when a constructor raises ``cause`` (its message ends with the config key, if any)."""
    message = f"Error in call to target 'x.Y':\n{cause!r}" + (f"\nfull_key: {key}" if key else "")
    try:
        raise InstantiationException(message) from cause
    except InstantiationException as err:
        return err


@pytest.mark.parametrize(("key", "shown"), [("data.sampler", "data.sampler: need dim >= 1"), (None, "need dim >= 1")])
def test_a_constructors_value_error_is_shown_with_its_key(key: str | None, shown: str) -> None:
    err = unwrapped(wrapped(ValueError("need dim >= 1"), key))
    assert isinstance(err, TriadError) and str(err) == shown


def test_a_triad_error_is_shown_as_it_is_and_other_errors_keep_hydras_text() -> None:
    own = TriadError("do this")
    assert unwrapped(wrapped(own, "data")) is own
    other = wrapped(TypeError("unexpected keyword"), "data")
    assert unwrapped(other) is other


def refused_allocation() -> RuntimeError:
    """The error torch raises here when the system refuses an allocation (a petabyte: more than any address space)."""
    try:
        torch.empty(2**50, dtype=torch.uint8)
    except RuntimeError as err:
        return err
    raise AssertionError("a petabyte was allocated")


@pytest.mark.parametrize("error", [torch.OutOfMemoryError(GPU_OOM), refused_allocation()], ids=["gpu", "cpu"])
def test_out_of_memory_is_one_message_with_the_fixes_this_run_can_take(error: RuntimeError) -> None:
    cfg = OmegaConf.create({"data": {"batch_size": 8, "sampler": {"length": 65536}}})
    cfg.backbone = {"checkpointing": False}
    cfg.trainer = {"precision": "32-true"}
    err = out_of_memory(error, cfg)
    said = "CUDA out of memory. Tried to allocate" if "CUDA" in str(error) else "DefaultCPUAllocator: can't allocate"
    assert isinstance(err, OutOfMemory) and str(err).startswith(f"out of memory: {said}")
    assert "data.batch_size (it is 8)" in str(err) and "backbone.checkpointing=true" in str(err)
    assert "trainer.precision=bf16-mixed" in str(err) and "data.sampler.length is 65536" in str(err)
    assert "bytes" not in str(err)  # the CPU's request is said in GiB: allocate 1,048,576.0 GiB


def test_out_of_memory_offers_only_the_options_the_run_has_not_taken() -> None:
    cfg = OmegaConf.create({"data": {"batch_size": 8}, "backbone": {"width": 64}})
    cfg.trainer = {"precision": "bf16-mixed"}
    shown = str(out_of_memory(torch.OutOfMemoryError(GPU_OOM), cfg))
    assert "checkpointing" not in shown and "precision" not in shown  # an mlp has no such option; bf16 is on
    assert "sequences" not in shown  # nor a sequence length
    cfg.backbone.checkpointing = True
    assert "checkpointing" not in str(out_of_memory(torch.OutOfMemoryError(GPU_OOM), cfg))


def test_out_of_memory_behind_hydras_instantiation_error_is_found() -> None:
    cfg = OmegaConf.create({"data": {"batch_size": 8}})
    err = out_of_memory(wrapped(refused_allocation(), "data.sampler"), cfg)
    assert isinstance(err, OutOfMemory) and "Error in call" not in str(err)


def test_other_runtime_errors_are_not_taken_for_out_of_memory() -> None:
    cfg = OmegaConf.create({"data": {"batch_size": 8}})
    assert out_of_memory(RuntimeError("mat1 and mat2 shapes cannot be multiplied"), cfg) is None
    assert out_of_memory(TriadError("bad value"), cfg) is None
