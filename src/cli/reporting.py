"""User errors on screen: one message and exit status 2, the traceback kept in the run's log file."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from hydra.errors import HydraException, InstantiationException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from src.errors import OutOfMemory, TriadError

log = logging.getLogger(__name__)
EXIT_USER_ERROR = 2
CPU_REFUSED = "DefaultCPUAllocator: can't allocate memory"  # in torch's error when the system refuses an allocation
USER_ERRORS = (TriadError, InstantiationException, OmegaConfBaseException)  # reported as a message, not a traceback


def fail(message: str, code: int = EXIT_USER_ERROR) -> NoReturn:
    """Print ``tasktriad: error: <message>`` and exit with ``code`` (2: a user error)."""
    print(f"\ntasktriad: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def unwrapped(err: BaseException) -> BaseException:
    """The error behind a Hydra instantiation error, where it speaks to the user; else the error itself.

    A TriadError says what to do. A constructor's ValueError (``data.num_train=0``) names the wrong value: it is
    shown with the config key whose build raised it (``data: need num_train ... >= 1, got 0``), without Hydra's
    "Error in call to target" wrapping.
    """
    if not isinstance(err, InstantiationException):
        return err
    if isinstance(err.__cause__, TriadError):
        return err.__cause__
    if type(err.__cause__) is ValueError:
        _, marked, key = str(err).rpartition("\nfull_key: ")  # Hydra ends its message with the key, when it has one
        return TriadError(f"{key}: {err.__cause__}" if marked else str(err.__cause__))
    return err


def out_of_memory(err: BaseException, cfg: DictConfig) -> TriadError | None:
    """An out-of-memory error (a GPU's, or a CPU allocation refused) as one message with what to lower; else None.

    Where the kernel itself kills the process for memory (Linux, exit 137), no Python code runs: nothing to catch.
    """
    torch = sys.modules.get("torch")  # an error raised before torch was imported is not torch's
    if torch is None:
        return None
    gpu = next((e for e in causes(err) if isinstance(e, torch.OutOfMemoryError)), None)  # also behind Hydra's
    cpu = next((e for e in causes(err) if isinstance(e, RuntimeError) and CPU_REFUSED in str(e)), None)  # plain
    if gpu is None and cpu is None:
        return None
    text = str(gpu or cpu).strip()
    said = text[text.find(CPU_REFUSED) :] if gpu is None else text.splitlines()[0] if text else "OutOfMemoryError"
    said = re.sub(r"allocate (\d+) bytes", lambda m: f"allocate {int(m[1]) / 2**30:,.1f} GiB", said)  # the CPU's
    batch_size = OmegaConf.select(cfg, "data.batch_size")
    fixes = [f"lower data.batch_size (it is {batch_size})" if batch_size is not None else "lower data.batch_size"]
    if (length := OmegaConf.select(cfg, "data.sampler.length")) is not None:
        fixes.append(f"shorten the sequences (data.sampler.length is {length})")
    if OmegaConf.select(cfg, "backbone.checkpointing") is False:  # only backbones that take the option have the key
        fixes.append("set backbone.checkpointing=true (activations recomputed in the backward pass)")
    if str(OmegaConf.select(cfg, "trainer.precision")).startswith("32"):
        fixes.append("train in trainer.precision=bf16-mixed")
    return OutOfMemory(f"out of memory: {said}\n  To fit: {', '.join(fixes)}.")


def fail_with(err: BaseException) -> NoReturn:
    """Report a user error: its own message, and its exit code (2, or the TriadError's own)."""
    fail(str(unwrapped(err)), code=getattr(unwrapped(err), "exit_code", EXIT_USER_ERROR))


@contextmanager
def reported() -> Iterator[None]:
    """Run the body; a user error (bad config, data or file) prints one message, no traceback, and exits 2."""
    try:
        yield
    except USER_ERRORS as err:
        log.debug("full traceback of the error below", exc_info=True)  # file handler only (DEBUG)
        fail_with(err)


def causes(error: BaseException) -> list[BaseException]:
    """The error and, in order, what caused it (explicit causes, else the exception being handled when raised)."""
    chain = [error]
    while (inner := chain[-1].__cause__ or chain[-1].__context__) is not None and inner not in chain:
        chain.append(inner)
    return chain


def innermost(chain: list[BaseException]) -> str:
    """The first cause from outside Hydra and OmegaConf (a resolver's own error), else OmegaConf's unformatted one."""
    outside = next((e for e in chain if not isinstance(e, HydraException | OmegaConfBaseException)), None)
    if isinstance(outside, TriadError):  # our own resolvers' messages say what to do
        return str(outside)
    if outside is not None:
        return f"{type(outside).__name__}: {outside.args[0] if len(outside.args) == 1 else outside}"
    return str(chain[-1])
