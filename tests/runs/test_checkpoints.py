"""Checkpoint files: one reader with one error path, atomic saves, weights that must fit exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from src.errors import TriadError
from src.runs.checkpoints import CheckpointFiles, load_matching, read_checkpoint, run_config


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (None, "checkpoint not found"),
        (b"", "is empty (0 bytes)"),  # a save or a copy that never finished
        (b"not a checkpoint", "cannot read checkpoint"),
        ({"weights": 1}, "is not a Lightning checkpoint (no state_dict)"),
    ],
    ids=["missing", "empty", "garbage", "foreign"],
)
def test_every_bad_file_is_one_error_that_names_it(content: object, named: str, tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        torch.save(content, path)
    for read in (read_checkpoint, CheckpointFiles().load_checkpoint):  # the trainer's loads (ckpt_path=) too
        with pytest.raises(TriadError) as err:
            read(path)
        assert named in str(err.value) and str(path) in str(err.value)


def test_a_checkpoint_without_a_run_config_says_who_writes_one(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match="written by `python -m src.train`"):
        run_config({"state_dict": {}}, "model.ckpt")
    config = run_config({"hyper_parameters": {"config": {"data": {"a": 1}, "seed": 3}}}, "x", data=None)
    assert config.seed == 3


def test_saves_are_atomic_and_read_back_with_weights_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    io, path = CheckpointFiles(), tmp_path / "checkpoints" / "last.ckpt"
    io.save_checkpoint({"state_dict": {"w": torch.ones(2)}, "epoch": 1}, path)
    assert io.load_checkpoint(path)["epoch"] == 1  # a load waits for the background write before it

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # a kill in the middle of the next save

    monkeypatch.setattr(torch, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        io.save_checkpoint({"state_dict": {}, "epoch": 2}, path)
    assert read_checkpoint(path)["epoch"] == 1 and [p.name for p in path.parent.iterdir()] == ["last.ckpt"]
    io.remove_checkpoint(path)
    assert not path.exists()


def test_a_background_write_that_fails_is_raised_at_the_next_call(tmp_path: Path) -> None:
    io, blocker = CheckpointFiles(), tmp_path / "a_file"
    blocker.write_text("not a folder")
    io.save_checkpoint({"state_dict": {}, "epoch": 1}, blocker / "last.ckpt")  # its folder cannot be made
    with pytest.raises(TriadError, match=r"cannot write the checkpoint .*a_file/last\.ckpt.*Free disk space"):
        io.teardown()  # one message naming the file and the fix, shown without a traceback by the entry points
    io.teardown()  # reported once; the writer goes on working
    io.save_checkpoint({"state_dict": {}, "epoch": 2}, tmp_path / "last.ckpt")
    io.teardown()
    assert read_checkpoint(tmp_path / "last.ckpt")["epoch"] == 2


def test_weights_that_do_not_fit_are_all_listed_before_anything_loads(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    before = model.state_dict()["0.weight"].clone()
    state = {"net.0.weight": torch.zeros(5, 4), "net.0.bias": torch.zeros(3), "net.2.weight": torch.zeros(1)}
    with pytest.raises(TriadError) as err:
        load_matching(model, state, "net.", "run A")
    message = str(err.value)
    assert "the weights of run A do not fit this model (4 tensor(s))" in message
    assert "0.weight: (5, 4) in the checkpoint, (3, 4) here" in message and "1.bias: missing" in message
    assert "2.weight: in the checkpoint, not in this model" in message
    assert torch.equal(model.state_dict()["0.weight"], before)
