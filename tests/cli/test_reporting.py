"""What a Hydra instantiation error shows the user: the error behind it, where that error speaks to the user."""

from __future__ import annotations

import pytest
from hydra.errors import InstantiationException

from src.cli.reporting import unwrapped
from src.errors import TriadError


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
