"""Errors a user can fix: reported as one message, without a traceback on screen."""

from __future__ import annotations


class TriadError(Exception):
    """A problem with the user's input (config, data, files) whose message says what to do."""

    exit_code = 2


class IncompatibleDataError(TriadError):
    """The chosen task cannot learn the targets the chosen data provides."""


class DivergedError(TriadError):
    """Training met a non-finite loss: the run stopped, and its message names where and the likely causes."""

    exit_code = 3


class OutOfMemory(TriadError):
    """The run needed more memory than its device has: the message says what it ran out on and what to lower."""
