"""Signatures that tests/test_schemas.py reads into schemas: one of each case the reader meets."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal


class Base:
    """A base whose arguments its subclasses take as their own."""

    def __init__(self, *, shared: int = 3, wired: object = None) -> None:
        self.shared, self.wired = shared, wired


class Forwarding(Base):
    """Passes ``**rest`` on to its base: the base's arguments are part of its schema."""

    def __init__(self, *, own: str = "a", shared: int = 4, **rest: Any) -> None:
        super().__init__(shared=shared, **rest)
        self.own = own


class Inheriting(Base):
    """No ``__init__`` of its own: its base's is its signature."""


def annotated(
    *,
    number: float = 1.5,
    maybe: int | None = None,
    sizes: Sequence[int] = (1, 2),
    kind: Literal["x", "y"] = "x",
    either: int | str = 0,
    anything: Callable[[], int] | None = None,
    required: str,
) -> None:
    """Every kind of annotation the reader turns into an OmegaConf type."""


def not_literal(*, ratio: float = math.pi) -> None:
    """A default the reader cannot take: it is computed."""
