"""The import contract: layers point one way, entry points → cli → build → the triad and the run folder.

Every import of every module (those inside functions too) is read from the source and checked against what its
layer may use. A new module is checked without editing this test: it belongs to the layer of its package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

TRIAD = {"src.module", "src.tasks", "src.data", "src.backbones"}
PLUMBING = {"src.runs", "src.callbacks", "src.loggers", "src.speed", "src.errors"}
# What each part of the project may import of the project (beyond itself); "*": anything.
MAY_IMPORT: dict[str, set[str]] = {
    "src.train": {"*"},  # the entry points
    "src.eval": {"*"},
    "src.predict": {"*"},
    "src.results": {"*"},  # the results command, beside the entry points
    "hydra_plugins": {"*"},  # loaded by Hydra itself, beside the entry points
    "src.cli": {"src.build", *TRIAD, *PLUMBING, "schemas"},
    "src.build": {*TRIAD, *PLUMBING, "schemas"},
    "src.module": {"src.tasks", "src.data", "src.speed", "src.errors"},
    "src.tasks": {"src.data", "src.errors"},
    "src.data": {"src.speed", "src.errors"},
    "src.backbones": set(),  # torch and einops only (tests/backbones/ checks the packages)
    "src.runs": {"src.errors"},
    "src.callbacks": {"src.runs", "src.loggers", "src.errors"},
    "src.loggers": {"src.runs", "src.errors"},
    "src.speed": set(),
    "src.errors": set(),
    "schemas": {"src.runs"},  # the ${newest_ckpt:...} resolver, registered before anything composes
}


def part(module: str) -> str:
    """The part of the project a module belongs to: ``src.<package or module>``, ``schemas``, ``hydra_plugins``."""
    pieces = module.split(".")
    return ".".join(pieces[:2]) if pieces[0] == "src" else pieces[0]


def modules() -> list[Path]:
    return sorted(p for top in ("src", "schemas", "hydra_plugins") for p in (ROOT / top).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module of the project that ``path`` imports, at its top or inside a function."""
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    return {name for name in names if name.split(".")[0] in ("src", "schemas", "hydra_plugins")}


def test_every_part_of_the_project_has_its_layer() -> None:
    parts = {part(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in modules()}
    assert parts - {"src.__init__"} <= set(MAY_IMPORT), sorted(parts - set(MAY_IMPORT))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path: Path) -> None:
    own = part(".".join(path.relative_to(ROOT).with_suffix("").parts))
    allowed = MAY_IMPORT.get(own, set())
    if "*" in allowed:
        return
    wrong = sorted(name for name in imported(path) if part(name) not in {own, *allowed})
    assert not wrong, f"{own} may import {sorted(allowed) or 'nothing of the project'}, not {wrong}"
