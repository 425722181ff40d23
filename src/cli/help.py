"""``--help``: every config group, its options and what each is, and the composed config, in well under a second.

Hydra's own help lists every group of the ConfigStore, deep-copying the whole store for each one (about 2.5 s).
This reads the options from the ConfigStore (each one's description: its class's docstring) and from the config
folder (a YAML option's description: its first comment line), then composes once. ``--hydra-help`` still shows
Hydra's flags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from schemas.store import groups, options
from src.cli.hydra_driver import CONFIG_DIR

FLAGS = """\
Flags:
  --cfg job          print the composed config (with your overrides) and stop
  -m key=a,b ...     a sweep: one job per combination (hparams_search=... for Optuna)
  --hydra-help       Hydra's own flags"""


def first_line(text: str | None) -> str:
    """A docstring's or a comment's first line, without reST's double backquotes."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line.replace("``", "")


def described() -> dict[str, dict[str, str]]:
    """Every config group (nested ones as ``data/sampler``): its options, each with its one-line description."""
    found: dict[str, dict[str, str]] = {g: {n: first_line(s.__doc__) for n, s in options(g).items()} for g in groups()}
    for path in sorted(CONFIG_DIR.rglob("*.yaml")):
        group = path.parent.relative_to(CONFIG_DIR).as_posix()
        if group != "." and group.split("/")[0] != "hydra":
            comments = [line.lstrip("# ") for line in path.read_text().splitlines() if line.startswith("#")]
            text = " ".join(c for c in comments if not c.startswith("@package")).split("Run:")[0]
            found.setdefault(group, {})[path.stem] = re.split(r"(?<=\.)\s", text.strip(), maxsplit=1)[0]
    return {group: dict(sorted(found[group].items())) for group in sorted(found)}


def help_text(config_name: str, overrides: Sequence[str]) -> str:
    """The help of the ``config_name`` entry point, its config composed with ``overrides``."""
    lines = [
        f"python -m src.{config_name} [group=option ...] [key=value ...]      (config: configs/{config_name}.yaml)",
        "",
        "== Configuration groups ==   pick one option per group: group=option",
    ]
    for group, choices in described().items():
        width = max(map(len, choices))
        lines += [f"{group}:", *(f"  {name:<{width}}  {text}" for name, text in choices.items())]
    lines += ["", FLAGS, "", "== Config ==   override any value: key.sub=value  (add a new key: +key=value)"]
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
