"""``--help``: the groups and their options, read from configs/, and the composed config, in well under a second.

Hydra's own help lists every group of the ConfigStore too (the schemas/ groups as well), deep-copying the whole store
for each one: about 2.5 s of a 3 s ``--help``. This prints the same two sections from the config folder and one
composition. ``--hydra-help`` still shows Hydra's flags.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

import schemas  # noqa: F401  (registers the schemas the configs compose from)
from src.cli.env import CONFIG_DIR

FLAGS = """\
Flags:
  --cfg job          print the composed config (with your overrides) and stop
  -m key=a,b ...     a sweep: one job per combination (hparams_search=... for Optuna)
  --hydra-help       Hydra's own flags"""


def groups() -> dict[str, list[str]]:
    """Every config group below configs/ (nested ones as ``data/sampler``) and its options, sorted."""
    found = {}
    for folder in sorted(p for p in CONFIG_DIR.rglob("*") if p.is_dir()):
        group = folder.relative_to(CONFIG_DIR).as_posix()
        options = sorted(f.stem for f in folder.glob("*.yaml"))
        if options and group.split("/")[0] != "hydra":
            found[group] = options
    return found


def help_text(config_name: str, overrides: Sequence[str]) -> str:
    """The help of the ``config_name`` entry point, its config composed with ``overrides``."""
    lines = [
        f"python -m src.{config_name} [group=option ...] [key=value ...]      (config: configs/{config_name}.yaml)",
        "",
        "== Configuration groups ==   pick one option per group: group=option  (configs/<group>/<option>.yaml)",
        *(f"{group}: {', '.join(options)}" for group, options in groups().items()),
        "",
        FLAGS,
        "",
        "== Config ==   override any value: key.sub=value  (add a new key: +key=value)",
    ]
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            try:
                cfg = compose(config_name, overrides=list(overrides))
            except (HydraException, OmegaConfBaseException) as err:
                lines.append(f"(composed without your overrides, which do not fit: {err})")
                cfg = compose(config_name)
    finally:
        GlobalHydra.instance().clear()
    return "\n".join(lines) + "\n" + OmegaConf.to_yaml(cfg)
