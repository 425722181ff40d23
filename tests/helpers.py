"""Shared test helpers: compose configs like the CLI does, list config options, run the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

import schemas  # noqa: F401  (registers the schemas, as the entry points do)
from src.cli.env import load_env

load_env()  # PROJECT_ROOT and .env, as a console entry point sets them before Hydra composes
ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def options(group: str) -> list[str]:
    """The option names of a config group, read from its folder (so a new YAML is tested automatically)."""
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


def transfer_sources() -> list[str]:
    """The experiments whose newest checkpoint a ``transfer_*`` preset starts from (``${newest_ckpt:...,<name>}``)."""
    texts = (p.read_text() for p in (CONFIGS / "experiment").glob("*.yaml"))
    return sorted({name for text in texts for name in re.findall(r"\$\{newest_ckpt:[^,]+,(\w+)\}", text)})


def compose_cfg(config_name: str, overrides: list[str], out_dir: Path) -> DictConfig:
    """Compose a root config with the Hydra node set, exactly as the CLI would, writing into ``out_dir``."""
    GlobalHydra.instance().clear()
    # Left initialised, as during a CLI run (the suite's fixture clears it after each test).
    initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3")
    cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
    with read_write(cfg.hydra), open_dict(cfg.hydra):
        cfg.hydra.runtime.output_dir = str(out_dir)
        cfg.hydra.job.num = 0
    HydraConfig.instance().set_config(cfg)
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


def fast_train_cfg(overrides: list[str], out_dir: Path, *, small_data: bool = True) -> DictConfig:
    """A training config sized for tests: small simulated data (unless other data is chosen), no progress bar."""
    chosen = any(o.startswith("experiment=") or (o.startswith("data=") and o != "data=simulated") for o in overrides)
    simulated = small_data and not chosen  # an experiment or another data option chooses its own data
    small = ["data.num_train=512", "data.num_val=256", "data.num_test=256"] if simulated else []
    small += ["trainer.enable_progress_bar=false", "trainer.log_every_n_steps=1"]
    return compose_cfg("train", [*small, f"paths.log_dir={out_dir}", *overrides], out_dir)  # the caller's win


def run_cli(
    module: str, *args: str, env: dict[str, str | None] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run ``python -m <module> <args>`` as a user would; output captured as text. ``env`` None values unset."""
    full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600
    )


def selecting(group: str, option: str) -> list[str]:
    """Overrides that select ``group=option``; a nested group (data/sampler) first selects a parent that has it."""
    parent, _, child = group.rpartition("/")
    if not parent:
        return [f"{group}={option}"]
    for candidate in options(parent):  # a parent that has the group and does not customise what it selects
        raw = OmegaConf.load(CONFIGS / parent / f"{candidate}.yaml")
        if any(isinstance(d, DictConfig) and child in d for d in raw.get("defaults", [])) and child not in raw:
            return [*selecting(parent, candidate), f"{group}={option}"]
    raise LookupError(f"no option of {parent} has a {child} group")
