"""The environment a command starts in: PROJECT_ROOT, and .env (the shell wins)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from src.cli.env import CONFIG_DIR, PROJECT_ROOT, load_env


def test_dotenv_in_the_working_folder_sets_variables_and_the_shell_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("TASKTRIAD_TEST_A=from_dotenv\nTASKTRIAD_TEST_B=from_dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TASKTRIAD_TEST_A", raising=False)
    monkeypatch.setenv("TASKTRIAD_TEST_B", "from_shell")
    load_env()
    assert os.environ["TASKTRIAD_TEST_A"] == "from_dotenv" and os.environ["TASKTRIAD_TEST_B"] == "from_shell"
    monkeypatch.delenv("TASKTRIAD_TEST_A")
    assert os.environ["PROJECT_ROOT"] == str(PROJECT_ROOT) and (CONFIG_DIR / "train.yaml").is_file()
