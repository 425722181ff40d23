"""A signature read from source: a class's (or function's) keyword arguments, their types and defaults, unimported.

Keyword arguments with literal defaults; an argument without one is required (``MISSING``). A class without its
own ``__init__``, or one whose ``__init__`` passes ``**kwargs`` on, also takes its first base class's arguments
(when that class is tasktriad's own). Annotations become OmegaConf types: ``int``, ``float``, ``str``, ``bool``,
``X | None``, sequences as lists, anything else ``Any``. The module is read from its file below the repository
root, never imported, so that ``--help`` and ``--cfg job`` stay free of torch.
"""

from __future__ import annotations

import ast
import dataclasses
from functools import cache
from pathlib import Path
from typing import Any, Optional

from omegaconf import MISSING

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


def signature(target: str) -> tuple[list[Argument], str | None, bool]:
    """``target``'s keyword arguments, its docstring, and whether it is a class (else a function)."""
    module, _, name = target.rpartition(".")
    definition, source = definition_of(module, name)
    return arguments(definition, source), ast.get_docstring(definition), isinstance(definition, ast.ClassDef)


@cache
def _tree(module: str) -> ast.Module:
    """The parsed source of one of tasktriad's modules, found below the repository root without importing it."""
    base = ROOT.joinpath(*module.split("."))
    path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
    if not path.is_file():
        raise NotOurs(f"{module} is not one of tasktriad's source files: write its schema by hand")
    return ast.parse(path.read_text(), filename=str(path))


def definition_of(module: str, name: str) -> tuple[ast.ClassDef | ast.FunctionDef, str]:
    """The class or function ``name`` of ``module``, and the module it is defined in (following its imports)."""
    tree = _tree(module)
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
            return node, module
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return definition_of(node.module, alias.name)
    raise SchemaError(f"{module}.{name} is not a class or function defined in its module")


def arguments(definition: ast.ClassDef | ast.FunctionDef, module: str) -> list[Argument]:
    """The keyword arguments of a function, or of a class's ``__init__`` (with its base's where it takes them)."""
    if isinstance(definition, ast.FunctionDef):
        return _signature(definition.args, method=False)
    init = next((n for n in definition.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    own = _signature(init.args, method=True) if init is not None else []
    if init is not None and init.args.kwarg is None:
        return own
    base = next((b.id for b in definition.bases if isinstance(b, ast.Name)), None)
    try:
        inherited = arguments(*definition_of(module, base)) if base is not None else []
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
