"""Registration of a schema in Hydra's ConfigStore, where each option's YAML links to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hydra.core.config_store import ConfigStore

T = TypeVar("T")


def store(path: str) -> Callable[[type[T]], type[T]]:
    """Register the decorated schema as ``schema/<path>`` in Hydra's ConfigStore."""

    def register(cls: type[T]) -> type[T]:
        group, _, name = f"schema/{path}".rpartition("/")
        ConfigStore.instance().store(group=group, name=name, node=cls)
        return cls

    return register
