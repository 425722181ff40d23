"""Turn user-fixable errors into one message on screen, with the traceback kept in the run's log file."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hydra.errors import InstantiationException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from src.utils.errors import TriadError

log = logging.getLogger(__name__)
EXIT_USER_ERROR = 2


def validate(cfg: DictConfig) -> None:
    """Report every missing value and every broken interpolation at once, before anything is built."""
    problems = []
    try:
        missing = sorted(OmegaConf.missing_keys(cfg))
        problems += [f"{key}: no value given (set it on the command line: {key}=...)" for key in missing]
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=False)
    except OmegaConfBaseException as err:  # a broken interpolation, or a resolver that failed: its own message
        text = str(getattr(err, "msg", err)).splitlines()[0].split(" raised while resolving interpolation: ")[-1]
        problems.append(f"{err.full_key}: {text}" if getattr(err, "full_key", None) else text)
    if problems:
        raise TriadError("the config is incomplete:\n  - " + "\n  - ".join(problems))


@contextmanager
def reported() -> Iterator[None]:
    """Run the body; a user error prints one message (no traceback) and exits with status 2."""
    try:
        yield
    except (TriadError, InstantiationException, OmegaConfBaseException) as err:
        log.debug("full traceback of the error below", exc_info=True)  # file handler only (DEBUG)
        print(f"\ntasktriad: error: {message(err)}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_USER_ERROR) from None


def message(err: BaseException) -> str:
    """The error's own message, without the worker traceback a DataLoader re-raise puts in its text.

    The log file keeps the full trace.
    """
    text = str(err)
    marker = f"{type(err).__name__}: "
    if "Original Traceback" in text and marker in text:
        return text.rsplit(marker, 1)[1].strip()
    return text
