"""The entry points as a user starts them: ``--help`` and ``--cfg job`` import no torch and no optional package."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

from schemas.store import groups, target_of
from schemas.store import options as store_options
from tests.helpers import CONFIGS, NOT_RUNNING, ROOT, compose_cfg, options, require_train_marker, run_cli

# Imported only by the options that need them: a command that does not use them must not pay for them.
OPTIONAL = ("optuna", "mlflow", "wandb", "tensorboard", "tensorboardX", "submitit")
FRAMEWORK = ("torch", "lightning")
ENTRY_SCRIPTS = ("triad-train", "triad-eval", "triad-predict")  # pyproject.toml [project.scripts]
GROUPS = sorted({*groups(), *(p.name for p in CONFIGS.iterdir() if p.is_dir() and p.name != "hydra")})

# Runs an entry point as `python -m` does, then reports every module the process imported.
PROBE = """
import json, runpy, sys
module, report = sys.argv[1], sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
with open(report, "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""


def imported_by(module: str, *args: str, env: dict[str, str], tmp_path: Path) -> tuple[set[str], str]:
    """The modules in ``sys.modules`` after ``python -m <module> <args>`` (and their top-level packages), and what
    it printed."""
    if not NOT_RUNNING & set(args):
        require_train_marker(f"python -m {module} {' '.join(args)}")
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module, str(report), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    names = json.loads(report.read_text())
    return {*names, *(name.split(".")[0] for name in names)}, done.stdout


@pytest.mark.parametrize("module", ["src.train", "src.eval", "src.predict"])
@pytest.mark.parametrize("flag", [["--help"], ["--cfg", "job"]], ids=["help", "cfg"])
def test_help_and_cfg_import_neither_torch_nor_any_optional_package(
    module: str, flag: list[str], logs: dict[str, str], tmp_path: Path
) -> None:
    args = [*flag] if module == "src.train" or flag == ["--help"] else [*flag, "ckpt_path=x.ckpt"]
    imported, printed = imported_by(module, *args, env={**os.environ, **logs}, tmp_path=tmp_path)
    assert "hydra" in imported and "schemas" in imported  # the probe saw the command run
    assert not imported & {*FRAMEWORK, *OPTIONAL}, sorted(imported & {*FRAMEWORK, *OPTIONAL})
    if flag == ["--help"]:  # every option of every group is listed, each with what it is
        for group in GROUPS:
            listed = printed.split(f"\n{group}:\n", 1)[1].split("\n==", 1)[0]
            assert all(re.search(rf"^  {name} +\S", listed, re.MULTILINE) for name in options(group)), group


@pytest.mark.train
def test_a_default_run_imports_no_optional_package_and_no_option_it_did_not_choose(
    logs: dict[str, str], tmp_path: Path
) -> None:
    imported, _ = imported_by("src.train", "debug=fdr", env={**os.environ, **logs}, tmp_path=tmp_path)
    assert "torch" in imported and not imported & set(OPTIONAL), sorted(imported & set(OPTIONAL))
    composed = OmegaConf.to_container(compose_cfg("train", ["debug=fdr"], tmp_path / "composed"))
    chosen = {value for _, value in leaves(composed) if isinstance(value, str)}
    modules = {
        target.rsplit(".", 1)[0]: f"{group}={name}"
        for group in groups()
        for name, schema in store_options(group).items()
        if (target := target_of(schema)) and target.startswith("src.") and target not in chosen
    }
    assert modules, "the probe found no option modules to check"
    unchosen = {option for module, option in modules.items() if module in imported and not _chosen(module, chosen)}
    assert not unchosen, f"a default run imports the code of options it did not choose: {sorted(unchosen)}"


def _chosen(module: str, targets: set[str]) -> bool:
    """Whether ``module`` holds one of the chosen targets (another option may share the chosen one's module)."""
    return any(target.rsplit(".", 1)[0] == module for target in targets)


def leaves(node: Any, key: str = "") -> list[tuple[str, Any]]:
    """Every ``(dotted key, value)`` leaf of a plain nested container."""
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in leaves(v, f"{key}.{k}")]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in leaves(v, f"{key}.{i}")]
    return [(key, node)]


def test_cfg_job_shows_every_value_of_the_composed_config(logs: dict[str, str]) -> None:
    result = run_cli("src.train", "data/sampler=teacher", "data.sampler.target_dim=3", "--cfg", "job", env=logs)
    assert result.returncode == 0, result.stderr
    for shown in ("target_dim: 3", "width: 128", "lr: 0.003", "max_epochs: 10", "save_last: false"):
        assert shown in result.stdout  # values that live only in schemas/


def test_console_scripts_are_installed_and_start() -> None:
    scripts = {name: shutil.which(name, path=str(Path(sys.executable).parent)) for name in ENTRY_SCRIPTS}
    assert all(scripts.values()), f"not installed next to {sys.executable} (pip install -e .): {scripts}"
    help_text = subprocess.run([scripts["triad-eval"], "--help"], cwd=ROOT, capture_output=True, text=True)
    assert help_text.returncode == 0 and "ckpt_path" in help_text.stdout  # one of them started, as the others would
