"""Every VS Code launch configuration that starts the project's own module runs, as VS Code would start it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from src import train
from tests.helpers import ROOT, fast_train_cfg, run_cli

pytestmark = pytest.mark.train  # every test here trains or runs a command

LAUNCH = json.loads((ROOT / ".vscode" / "launch.json").read_text())
INPUTS = {item["id"]: item for item in LAUNCH["inputs"]}
OWN = [c for c in LAUNCH["configurations"] if c.get("module", "").startswith("src.")]


def expand(value: str, variables: dict[str, str]) -> str:
    """Substitute ${workspaceFolder}, ${input:id} (the input's default, or a test-supplied value)."""
    return re.sub(r"\$\{([^}]+)\}", lambda m: variables[m.group(1)], value)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real checkpoint for the 'evaluate a checkpoint' configuration to open."""
    out = tmp_path_factory.mktemp("ckpt_run")
    train.main(fast_train_cfg(["trainer.max_epochs=1", "test=false"], out))
    return str(out / "checkpoints" / "last.ckpt")


def test_the_expected_configurations_are_shipped() -> None:
    modules = [c.get("module") for c in LAUNCH["configurations"]]
    assert modules.count("src.train") >= 2 and "src.eval" in modules and "pytest" in modules
    assert any("${input:" in json.dumps(c.get("args")) for c in OWN if c["module"] == "src.train")
    assert all(c["request"] == "launch" and c["type"] == "debugpy" for c in LAUNCH["configurations"])


@pytest.mark.parametrize("config", OWN, ids=lambda c: c["name"])
def test_launch_configuration_runs(config: dict, checkpoint: str, tmp_path: Path) -> None:
    variables = {"workspaceFolder": str(ROOT)} | {f"input:{k}": v.get("default", "") for k, v in INPUTS.items()}
    variables["input:checkpoint"] = checkpoint  # the prompt's default is a placeholder path
    args = config.get("args", [])
    args = shlex.split(expand(args, variables)) if isinstance(args, str) else [expand(a, variables) for a in args]
    env = {k: expand(v, variables) for k, v in config.get("env", {}).items()}
    cwd = Path(expand(config.get("cwd", "${workspaceFolder}"), variables))
    result = run_cli(
        config["module"],
        *args,
        "trainer.fast_dev_run=true",
        env={**env, "LOG_DIR": str(tmp_path)},
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test/" in result.stdout  # the final metrics table was printed
