"""The project's own tooling: the README's commands, make's install logic, CI, and pre-commit from PyPI only."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import lightning.pytorch as pl
import pytest
import yaml

from tests.helpers import ROOT, run_cli


def test_readme_quickstart_shows_make_train_and_make_test_first() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make train", "make test"]
    for section in ("## The triad", "## Command line", "## Where a run writes", "## Add a component", " -m "):
        assert section in readme


def test_ci_runs_the_readme_test_command_and_the_lint() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "make lint" in script and os.access(ROOT / ".ci" / "run", os.X_OK)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_reinstalls_only_when_pyproject_changes(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)

    def planned() -> str:
        return subprocess.run(["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout

    assert "pip install" in planned()  # no stamp yet: a fresh machine installs
    (tmp_path / ".venv" / ".installed").touch()
    assert "pip install" not in planned() and "pytest" in planned()  # up to date: straight to the tests
    later = time.time() + 5
    os.utime(tmp_path / "pyproject.toml", (later, later))
    assert "pip install" in planned()  # pyproject.toml changed: install again


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
