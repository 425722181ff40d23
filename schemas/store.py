"""How an option is registered: its schema, read from its class's signature, stored in Hydra's ConfigStore.

An option is a class and its schema. For a class (or function) of tasktriad's, its keyword arguments and their
defaults are the one copy of its settings: ``option("backbone", "mlp", "src.backbones.mlp.MLP")`` reads them from
the class's source file with ``ast`` and registers a dataclass with those fields as the group's option
``backbone=mlp``; the class docstring's first line is the option's description (``--help`` lists it). The module
is read, never imported, so that ``--help`` and ``--cfg job`` stay free of torch. ``**config`` gives the values
that the configuration wires instead of the class's default (``seed="${seed}"``); ``wired`` names the arguments
the build passes itself (a backbone's ``in_shape``), which are left out.

How a signature is read: ``schemas/signature.py``.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hydra.core.config_store import ConfigNode, ConfigStore
from omegaconf import MISSING, OmegaConf

from schemas.signature import SchemaError, signature

T = TypeVar("T")


class DeferredNode(ConfigNode):
    """A ConfigStore entry whose config is made from its schema when Hydra first loads it, not when it is stored.

    ``ConfigStore.store`` makes every option's DictConfig at once (``OmegaConf.structured``, 1.5 ms each, 51
    options) while a composition loads only the ten or so it selects: deferring saves about 80 ms of every command,
    a seventh of ``--help`` (0.59 → 0.51 s, medians of 8 alternating runs on 2 cores). Hydra reads an entry as
    ``ConfigStore.load`` does: a shallow copy whose ``node`` it replaces with a deep copy; ``tests/test_schemas.py``
    fails if it stops doing so.
    """

    def __init__(self, name: str, schema: type, group: str, package: str | None) -> None:
        self.schema = schema
        self.made: list[Any] = []  # shared with Hydra's shallow copies: each schema is converted once
        super().__init__(name=name, node=None, group=group, package=package, provider=None)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def node(self) -> Any:
        """The option's DictConfig: the one Hydra set on its copy, else the schema's, made on first use."""
        if "node" in self.__dict__:
            return self.__dict__["node"]
        if not self.made:
            self.made.append(OmegaConf.structured(self.schema))
        return self.made[0]

    @node.setter
    def node(self, value: Any) -> None:
        if value is not None:  # None: the dataclass __init__'s placeholder
            self.__dict__["node"] = value


def register(group: str, name: str, schema: type[T], package: str | None = None) -> type[T]:
    """Store ``schema`` in Hydra's ConfigStore as the option ``group=name`` (where ``ConfigStore.store`` would)."""
    folder = ConfigStore.instance().repo
    for part in group.split("/"):
        folder = folder.setdefault(part, {})
    folder[f"{name}.yaml"] = DeferredNode(f"{name}.yaml", schema, group, package)
    return schema


def groups() -> list[str]:
    """Every config group of options in the ConfigStore (nested ones as ``data/sampler``), roots and Hydra's aside."""
    found: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        if any(key.endswith(".yaml") for key in node):
            found.append(prefix)
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}/{key}".lstrip("/"))

    walk({k: v for k, v in ConfigStore.instance().repo.items() if k not in ("schema", "hydra")}, "")
    return sorted(g for g in found if g)


def options(group: str) -> dict[str, type]:
    """The options of config group ``group`` in the ConfigStore, each with its schema (a dataclass), by name."""
    node: Any = ConfigStore.instance().repo
    for part in group.split("/"):
        node = node.get(part, {})
    found = {
        key.removesuffix(".yaml"): entry.schema if isinstance(entry, DeferredNode) else OmegaConf.get_type(entry.node)
        for key, entry in node.items()
        if key.endswith(".yaml")
    }
    return dict(sorted(found.items()))


def target_of(schema: type) -> str | None:
    """The class or function a schema builds (its ``_target_``), or None for a schema of settings only."""
    fields = {f.name: f.default for f in dataclasses.fields(schema)}
    found = fields.get("_target_", MISSING)
    return None if found is MISSING else str(found)


def option(group: str, name: str, target: str, *, base: type, package: str | None = None, **how: Any) -> type:
    """The schema of ``target`` (see ``schema``), registered as the option ``group=name`` (into ``package``)."""
    return register(group, name, schema(group, target, base=base, **how), package=package)


def schema(
    group: str,
    target: str,
    *,
    base: type,
    wired: Iterable[str] = (),
    groups: dict[str, str] | None = None,
    **config: Any,
) -> type:
    """A dataclass (subclass of ``base``) whose fields are ``target``'s keyword arguments and their defaults.

    It belongs to config group ``group`` (its module is that group's, ``schemas/<group>.py``). ``groups``: nested
    config groups and their default option (``{"sampler": "clusters"}``), as a defaults list.
    """
    read, doc, is_class = signature(target)
    arguments = [a for a in read if a.name not in set(wired)]
    unknown = set(config) - {a.name for a in arguments}
    if unknown:
        raise SchemaError(f"{target} takes no argument {sorted(unknown)} (schemas/)")
    fields = [("_target_", str, dataclasses.field(default=target))]
    if groups:
        fields.append(("defaults", list[Any], _default(["_self_", *({k: v} for k, v in groups.items())])))
    fields += [(a.name, a.type, _default(config.get(a.name, a.default))) for a in arguments]
    namespace = {"__doc__": doc or f"{target}.", "__module__": _module(group), "read_from": target}  # not a field
    attr = target.rpartition(".")[2]
    cls_name = f"{attr}Conf" if is_class else _class_name(attr)
    return _importable(_dataclass(cls_name, fields, base, namespace))


def preset(group: str, name: str, base: type, doc: str, **values: Any) -> type:
    """Register, as ``group=name``, ``base`` with other defaults: a data set of ``data=files``, a set of callbacks."""
    types = {f.name: f.type for f in dataclasses.fields(base)}
    unknown = set(values) - set(types)
    if unknown:
        raise SchemaError(f"{base.__name__} has no field {sorted(unknown)}")
    if "defaults" in types:  # the values are given here: no nested group default replaces them
        values = {"defaults": ["_self_"], **values}
    fields = [(key, types[key], _default(value)) for key, value in values.items()]
    namespace = {"__doc__": doc, "__module__": _module(group)}
    cls = _dataclass(_class_name(name), fields, base, namespace)
    return register(group, name, _importable(cls))


def _dataclass(name: str, fields: list[tuple[str, Any, Any]], base: type, namespace: dict[str, Any]) -> type:
    """A schema class: only ``__init__`` is generated (``repr``, ``eq``: each another exec at every ``--help``)."""
    return dataclasses.make_dataclass(name, fields, bases=(base,), namespace=namespace, repr=False, eq=False)


def _importable(cls: type[T]) -> type[T]:
    """``cls`` as an attribute of its module under its own name, so that pickle finds it by reference.

    A config pickled to another process (the submitit launcher's jobs) then refers to the class that process's own
    ``schemas`` defines; pickled by value, it would be a second class of the same name, and merges would fail.
    """
    module = sys.modules.get(cls.__module__)
    if module is not None:
        setattr(module, cls.__name__, cls)
    return cls


def _default(value: Any) -> Any:
    """A dataclass field with ``value`` as its default; lists and dataclasses are copied for each instance."""
    if isinstance(value, list | tuple | dict) or dataclasses.is_dataclass(value):
        value = list(value) if isinstance(value, tuple) else value
        return dataclasses.field(default_factory=_copier(value))
    return dataclasses.field(default=value)


def _copier(value: Any) -> Callable[[], Any]:
    return lambda: copy.deepcopy(value)


def _class_name(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_")) + "Conf"


def _module(group: str) -> str:
    """The schemas/ module of a config group: one per top-level group (``data/sampler``: ``schemas.data``)."""
    return f"schemas.{group.split('/')[0]}"
