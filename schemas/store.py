"""How an option is registered: its schema, read from its class's signature, stored in Hydra's ConfigStore.

An option is a class and its schema. For a class (or function) of tasktriad's, its keyword arguments and their
defaults are the one copy of its settings: ``option("backbone", "mlp", "src.backbones.mlp.MLP")`` reads them from
the class's source file with ``ast`` and registers a dataclass with those fields as the group's option
``backbone=mlp``; the class docstring's first line is the option's description (``--help`` lists it). The module
is read, never imported, so that ``--help`` and ``--cfg job`` stay free of torch. ``**config`` gives the values
that the configuration wires instead of the class's default (``seed="${seed}"``); ``wired`` names the arguments
the build passes itself (a backbone's ``in_shape``), which are left out.

Reading a signature: keyword arguments with literal defaults; an argument without one is required (``???``). A
class without its own ``__init__``, or one whose ``__init__`` passes ``**kwargs`` on, also takes its first base
class's arguments (when that class is tasktriad's own). Annotations become OmegaConf types: ``int``, ``float``,
``str``, ``bool``, ``X | None``, sequences as lists, anything else ``Any``.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, Optional, TypeVar

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, OmegaConf

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]  # only tasktriad's own sources are read
SIMPLE: dict[str, Any] = {"int": int, "float": float, "str": str, "bool": bool, "Path": str}
SEQUENCES = ("list", "tuple", "Sequence", "List", "Tuple")


class SchemaError(Exception):
    """A class whose signature cannot be read into a schema: a developer's error, raised at import."""


class NotOurs(SchemaError):
    """A module that is not one of tasktriad's source files (torch's, Lightning's): its signature is not read."""


@dataclasses.dataclass(frozen=True)
class Argument:
    """One keyword argument: its name, its OmegaConf type, its default (MISSING: required)."""

    name: str
    type: Any
    default: Any


def register(group: str, name: str, schema: type[T], package: str | None = None) -> type[T]:
    """Store ``schema`` in Hydra's ConfigStore as the option ``group=name``."""
    ConfigStore.instance().store(group=group, name=name, node=schema, package=package)
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
        key.removesuffix(".yaml"): OmegaConf.get_type(entry.node)
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
    module, _, attr = target.rpartition(".")
    definition, source = _definition(module, attr)
    arguments = [a for a in _arguments(definition, source) if a.name not in set(wired)]
    unknown = set(config) - {a.name for a in arguments}
    if unknown:
        raise SchemaError(f"{target} takes no argument {sorted(unknown)} (schemas/)")
    fields = [("_target_", str, dataclasses.field(default=target))]
    if groups:
        fields.append(("defaults", list[Any], _default(["_self_", *({k: v} for k, v in groups.items())])))
    fields += [(a.name, a.type, _default(config.get(a.name, a.default))) for a in arguments]
    doc = ast.get_docstring(definition) or f"{target}."
    namespace = {"__doc__": doc, "__module__": _module(group), "read_from": target}  # read_from: not a field
    cls_name = f"{attr}Conf" if isinstance(definition, ast.ClassDef) else _class_name(attr)
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


@cache
def _tree(module: str) -> ast.Module:
    """The parsed source of one of tasktriad's modules, found below the repository root without importing it."""
    base = ROOT.joinpath(*module.split("."))
    path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
    if not path.is_file():
        raise NotOurs(f"{module} is not one of tasktriad's source files: write its schema by hand")
    return ast.parse(path.read_text(), filename=str(path))


def _definition(module: str, name: str) -> tuple[ast.ClassDef | ast.FunctionDef, str]:
    """The class or function ``name`` of ``module``, and the module it is defined in (following its imports)."""
    tree = _tree(module)
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
            return node, module
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _definition(node.module, alias.name)
    raise SchemaError(f"{module}.{name} is not a class or function defined in its module")


def _arguments(definition: ast.ClassDef | ast.FunctionDef, module: str) -> list[Argument]:
    """The keyword arguments of a function, or of a class's ``__init__`` (with its base's where it takes them)."""
    if isinstance(definition, ast.FunctionDef):
        return _signature(definition.args, method=False)
    init = next((n for n in definition.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    own = _signature(init.args, method=True) if init is not None else []
    if init is not None and init.args.kwarg is None:
        return own
    base = next((b.id for b in definition.bases if isinstance(b, ast.Name)), None)
    try:
        inherited = _arguments(*_definition(module, base)) if base is not None else []
    except NotOurs:  # a base from elsewhere (ABC, nn.Module, Lightning's classes): nothing of ours to read
        inherited = []
    return own + [a for a in inherited if a.name not in {o.name for o in own}]


def _signature(args: ast.arguments, *, method: bool) -> list[Argument]:
    positional = [*args.posonlyargs, *args.args][1 if method else 0 :]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    return [Argument(arg.arg, _type(arg.annotation), _literal(arg.arg, value)) for arg, value in pairs]


def _literal(name: str, node: ast.expr | None) -> Any:
    if node is None:
        return MISSING
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise SchemaError(
            f"the default of {name}, {ast.unparse(node)}, is not a literal: give it in schemas/"
        ) from None
    return list(value) if isinstance(value, tuple) else value


def _type(node: ast.expr | None) -> Any:
    """The OmegaConf type of an annotation, read from its syntax."""
    if node is None:
        return Any
    if isinstance(node, ast.Constant):
        return type(None) if node.value is None else _type(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.Name):
        return SIMPLE.get(node.id, Any)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _type(node.left), _type(node.right)
        if type(None) not in (left, right) or Any in (left, right):
            return Any  # a union of two values: OmegaConf checks none of it
        return Optional[left if right is type(None) else right]  # noqa: UP045  (a type built at run time)
    if isinstance(node, ast.Subscript):
        outer = node.value.id if isinstance(node.value, ast.Name) else ""
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer in SEQUENCES:
            return list[_type(inner[0])]  # type: ignore[misc]
        if outer == "Optional":
            return Optional[_type(inner[0])]  # noqa: UP045
        if outer == "Literal" and all(isinstance(i, ast.Constant) for i in inner):
            kinds = {type(i.value) for i in inner}  # type: ignore[attr-defined]
            return kinds.pop() if len(kinds) == 1 else Any
    return Any
