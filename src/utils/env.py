"""Environment set-up done before Hydra composes: project root and .env."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = PROJECT_ROOT / "configs"  # absolute, so console scripts find it from any cwd


def load_env() -> None:
    """Set PROJECT_ROOT and load ``.env`` (from the cwd upwards, else the repository's); the shell wins."""
    os.environ.setdefault("PROJECT_ROOT", str(PROJECT_ROOT))
    dotenv = find_dotenv(usecwd=True) or str(PROJECT_ROOT / ".env")
    load_dotenv(dotenv, override=False)


def prepare_run(seed: int) -> None:
    """Seed everything and make Lightning's console output go through Hydra's logging once, without ads."""
    import warnings

    from lightning.pytorch import seed_everything

    # `lightning` installs its own console handler at import; Hydra's root handlers already print and file it.
    logging.getLogger("lightning").handlers.clear()
    logging.getLogger("lightning.pytorch.utilities.rank_zero").addFilter(lambda r: "💡 Tip" not in r.getMessage())
    # Lightning 2.6 on torch >= 2.10 warns on every step about a torch-internal deprecation it calls itself.
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    seed_everything(seed, workers=True)
