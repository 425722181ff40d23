"""The environment a command starts in: the project root, its configs and ``.env``."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = PROJECT_ROOT / "configs"  # absolute, so console scripts find it from any cwd


def load_env() -> None:
    """Set PROJECT_ROOT and load ``.env`` (from the cwd upwards, else the repository's); the shell wins."""
    os.environ.setdefault("PROJECT_ROOT", str(PROJECT_ROOT))
    dotenv = find_dotenv(usecwd=True) or str(PROJECT_ROOT / ".env")
    try:
        load_dotenv(dotenv, override=False)
    except (UnicodeDecodeError, OSError) as err:
        from src.cli.reporting import fail

        fail(f"{dotenv} cannot be read as a .env file ({err}).\n  It must be text lines KEY=value: fix or remove it.")
