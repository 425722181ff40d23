"""Every entry point, every bad input, as a user types it: one message naming the thing, exit 2, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from tests.helpers import digest, run_cli

pytestmark = pytest.mark.train  # the trained_runs fixture trains; the commands are checked in a subprocess


def said_once(result: object, *fragments: str) -> None:
    """Exit 2, every fragment in the one message, and no traceback on screen."""
    screen = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, screen[-3000:]  # type: ignore[attr-defined]
    assert screen.count("tasktriad: error:") == 1 and "Traceback" not in screen, screen[-3000:]
    for fragment in fragments:
        assert fragment in screen, (fragment, screen[-3000:])


def bad_checkpoints(folder: Path, narrow: Path) -> dict[str, tuple[Path, str]]:
    """Bad checkpoint files, and what the message must say about each."""
    folder.mkdir(parents=True, exist_ok=True)
    (empty := folder / "empty.ckpt").write_bytes(b"")
    (corrupt := folder / "corrupt.ckpt").write_bytes(b"\x80\x02 this is no checkpoint " * 20)
    torch.save({"weights": torch.zeros(3)}, foreign := folder / "foreign.ckpt")
    return {
        "missing": (folder / "absent.ckpt", "checkpoint not found"),
        "empty": (empty, "is empty (0 bytes)"),
        "corrupt": (corrupt, "cannot read checkpoint"),
        "foreign": (foreign, "is not a Lightning checkpoint"),
        "mismatched": (narrow, "do not fit this model"),  # only where the model comes from the command line
    }


ENTRIES = {  # how each entry point is given a checkpoint
    "train ckpt_path": ("src.train", "ckpt_path={}"),
    "train backbone_ckpt": ("src.train", "backbone_ckpt={}"),
    "eval": ("src.eval", "ckpt_path={}"),
    "predict": ("src.predict", "ckpt_path={}"),
    "resume": ("src.train", "resume={}"),
}
KINDS = ["missing", "empty", "corrupt", "foreign", "mismatched"]
REBUILDING = ("eval", "predict")  # they rebuild the checkpoint's own model: any trained checkpoint fits them


@pytest.mark.parametrize(
    ("entry", "kind"), [(e, k) for e in ENTRIES for k in KINDS if not (k == "mismatched" and e in REBUILDING)]
)
def test_a_bad_checkpoint_is_one_message_at_every_entry_point(
    entry: str, kind: str, trained_runs: dict[str, Path], tmp_path: Path
) -> None:
    path, expected = bad_checkpoints(tmp_path / "bad", trained_runs["narrow"] / "checkpoints" / "best.ckpt")[kind]
    module, template = ENTRIES[entry]
    if entry == "resume":  # a run folder whose last.ckpt is the bad file
        run = tmp_path / "run"
        shutil.copytree(trained_runs["default"], run)
        (run / "checkpoints" / "last.ckpt").unlink()
        if path.exists():
            shutil.copy(path, run / "checkpoints" / "last.ckpt")
        before, argument = digest(run), template.format(run)
    else:
        before, argument = None, template.format(path)
    result = run_cli(module, argument, "trainer.max_epochs=3", env={"LOG_DIR": str(tmp_path / "logs")})
    said_once(result, expected if kind != "missing" or entry != "resume" else "needs checkpoints/last.ckpt")
    if before is not None:
        assert digest(tmp_path / "run") == before  # the run folder it was pointed at: byte for byte


def test_bad_paths_and_values_are_one_message_and_create_nothing(tmp_path: Path) -> None:
    (a_file := tmp_path / "a_file").write_text("not a folder")
    cases = {
        "LOG_DIR is a file": ({"LOG_DIR": str(a_file)}, [], f"{a_file} is a file, not a folder"),
        "LOG_DIR read-only": ({"LOG_DIR": "/sys/tasktriad-logs"}, [], "cannot write the run folder"),
        "negative lr": ({}, ["optimizer.lr=-1"], "Invalid learning rate: -1.0"),
        "lr not a number": ({}, ["optimizer.lr=fast"], "'fast' is not a valid value of optimizer.lr"),
        "probe of random weights": ({}, ["freeze_backbone=true"], "needs trained weights, backbone_ckpt="),
        "no such option": ({}, ["backbone=transformer9"], "backbone=transformer9"),
    }
    for name, (env, args, expected) in cases.items():
        logs = tmp_path / "logs"
        result = run_cli("src.train", *args, env={"LOG_DIR": str(logs), **env})
        said_once(result, expected)
        assert not logs.exists() or not any(logs.rglob("*.ckpt")), name


def test_a_dotenv_that_is_not_text_is_one_message(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(bytes(range(128, 256)))
    result = run_cli("src.train", env={"LOG_DIR": str(tmp_path / "logs")}, cwd=tmp_path)
    said_once(result, f"{tmp_path / '.env'} cannot be read as a .env file")
    assert not (tmp_path / "logs").exists()


def test_predictions_never_replace_a_file(trained_runs: dict[str, Path], tmp_path: Path) -> None:
    (output := tmp_path / "mine.csv").write_text("precious\n")
    ckpt = trained_runs["default"] / "checkpoints" / "best.ckpt"
    result = run_cli("src.predict", f"ckpt_path={ckpt}", f"output={output}", env={"LOG_DIR": str(tmp_path / "l")})
    said_once(result, f"output={output} exists")
    assert output.read_text() == "precious\n"
