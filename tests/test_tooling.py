"""The project's own tooling: the README's commands, make's install logic, CI, and pre-commit from PyPI only."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path

import lightning.pytorch as pl
import pytest
import yaml

from tests.helpers import ROOT, run_cli


def test_every_test_folder_is_collected(request: pytest.FixtureRequest) -> None:
    # pytest silently skips folders that match norecursedirs (by default build/, dist/...): none of ours may match.
    patterns = request.config.getini("norecursedirs")
    folders = {path.parent.relative_to(ROOT) for path in (ROOT / "tests").rglob("test_*.py")}
    skipped = [f for f in folders if any(fnmatch(part, p) for part in f.parts for p in patterns)]
    assert not skipped, f"pytest would never collect the tests in {skipped}"


def test_readme_quickstart_shows_make_train_and_make_test_first() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make train", "make test"]
    sections = ["## Quickstart", "## The triad", "## The command line", "## Where a run writes", "## Add a component"]
    assert [line for line in readme.splitlines() if line.startswith("## ")][:6] == [
        *sections,
        "## When things go wrong",
    ]
    assert " -m " in readme and len(readme.encode()) <= 15_000  # a newcomer reads it to the end


def test_ci_runs_the_readme_test_command_and_the_lint() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "make lint" in script and os.access(ROOT / ".ci" / "run", os.X_OK)


def make_in(folder: Path) -> Callable[..., str]:
    """``make -n <args>`` in a copy of the project's Makefile and pyproject.toml: what make would run."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    (folder / ".venv" / "bin").mkdir(parents=True)
    return lambda *args: subprocess.run(["make", "-n", *args], cwd=folder, capture_output=True, text=True).stdout


def test_make_reinstalls_only_when_pyproject_or_the_extras_change(tmp_path: Path) -> None:
    planned = make_in(tmp_path)
    assert 'pip install --quiet -e ".[dev,all]"' in planned("test")  # no stamp yet: a fresh machine installs all
    (tmp_path / ".venv" / ".installed").touch()
    assert "pip install" not in planned("test") and "pytest" in planned("test")  # up to date: straight to the tests
    later = time.time() + 5
    os.utime(tmp_path / "pyproject.toml", (later, later))
    assert "pip install" in planned("test")  # pyproject.toml changed: install again


def test_make_remembers_the_extras_it_was_given(tmp_path: Path) -> None:
    planned = make_in(tmp_path)
    assert 'pip install --quiet -e ".[dev,data]"' in planned("train", "EXTRAS=dev,data")  # a lean install
    extras, stamp, now = tmp_path / ".venv" / ".extras", tmp_path / ".venv" / ".installed", time.time()
    stamp.touch()
    os.utime(tmp_path / "pyproject.toml", (now - 20, now - 20))
    os.utime(extras, (now - 10, now - 10))  # the extras were written, then installed
    os.utime(stamp, (now - 5, now - 5))
    assert "pip install" not in planned("test") and "pip install" not in planned("train", "EXTRAS=dev,data")
    assert 'pip install --quiet -e ".[dev,all]"' in planned("test", "EXTRAS=dev,all")  # named others: installed


def test_make_clean_removes_every_pycache_and_keeps_the_environment(tmp_path: Path) -> None:
    make_in(tmp_path)
    kept, gone = tmp_path / ".venv" / "lib" / "__pycache__", tmp_path / "src" / "data" / "files" / "__pycache__"
    for folder in (kept, gone, tmp_path / "__pycache__"):
        folder.mkdir(parents=True)
        (folder / "x.pyc").write_bytes(b"")
    subprocess.run(["make", "clean"], cwd=tmp_path, capture_output=True, check=True)
    assert kept.is_dir() and not gone.exists() and not (tmp_path / "__pycache__").exists()


def test_every_pre_commit_hook_installs_from_pypi_with_pinned_versions() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert all(h["language"] == "python" and all("==" in d for d in h["additional_dependencies"]) for h in hooks)
    ids = {h["id"] for h in hooks}
    assert {"ruff", "ruff-format", "check-yaml", "check-toml", "end-of-file-fixer", "trailing-whitespace"} <= ids
    assert {"check-added-large-files", "check-merge-conflict"} <= ids


def test_layout_matches_the_design() -> None:
    for path in ("src", "configs", "tests", "schemas", ".vscode/launch.json", ".env", ".pre-commit-config.yaml"):
        assert (ROOT / path).exists(), path
    for group in ("backbone", "task", "data", "optimizer", "scheduler", "trainer", "logger", "callbacks", "paths"):
        assert (ROOT / "schemas" / f"{group}.py").is_file(), group  # an option is its class and its schema
    kept = {"experiment", "debug", "hparams_search", "hydra", "logger", "scheduler"}  # compositions of options
    assert {p.name for p in (ROOT / "configs").iterdir() if p.is_dir()} <= kept
    for package in ("backbones", "tasks", "data"):  # the package mirrors the config groups
        assert (ROOT / "src" / package).is_dir() and (ROOT / "tests" / package).is_dir()
    for subpackage in ("simulated", "files"):
        assert (ROOT / "src" / "data" / subpackage / "__init__.py").is_file()
    for package in ("build", "cli", "runs"):  # one package per concern of the plumbing, tested alike
        assert (ROOT / "src" / package / "__init__.py").is_file() and (ROOT / "tests" / package).is_dir()
    assert not (ROOT / "src" / "utils").exists()  # no grab-bag


def test_a_test_that_trains_without_the_train_marker_fails(tmp_path: Path) -> None:
    """``make test-fast`` leaves out tests marked ``train``; the marker is enforced: an unmarked test never trains."""
    with pytest.raises(pytest.fail.Exception, match=r"python -m src.train debug=fdr: .* @pytest.mark.train"):
        run_cli("src.train", "debug=fdr")
    for method in ("fit", "validate", "test", "predict"):
        with pytest.raises(pytest.fail.Exception, match=rf"Trainer.{method}: .* @pytest.mark.train"):
            getattr(pl.Trainer(default_root_dir=tmp_path), method)(None)  # stopped before it starts


def test_make_test_fast_runs_the_unmarked_tests_and_the_readme_shows_both() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert '-m "not train and not slow"' in makefile.split("test-fast:", 1)[1].split("\n\n", 1)[0]
    readme = (ROOT / "README.md").read_text()
    assert "make test-fast" in readme and "make test " in readme
