"""User errors on screen: one message and exit status 2, the traceback kept in the run's log file."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hydra.errors import InstantiationException
from omegaconf.errors import OmegaConfBaseException

from src.errors import TriadError

log = logging.getLogger(__name__)
EXIT_USER_ERROR = 2
USER_ERRORS = (TriadError, InstantiationException, OmegaConfBaseException)  # reported as a message, not a traceback


def fail(message: str, code: int = EXIT_USER_ERROR) -> None:
    """Print ``tasktriad: error: <message>`` and exit with ``code`` (2: a user error)."""
    print(f"\ntasktriad: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def unwrapped(err: BaseException) -> BaseException:
    """The TriadError behind a Hydra instantiation error (its message says what to do), else the error itself."""
    return err.__cause__ if isinstance(err, InstantiationException) and isinstance(err.__cause__, TriadError) else err


def fail_with(err: BaseException) -> None:
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
