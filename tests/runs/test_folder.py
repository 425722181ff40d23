"""The run folder: atomic writes (a reader never sees half a file), and ``${newest_ckpt:...}`` finding a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from src.errors import TriadError
from src.runs.folder import atomic_write, newest_ckpt


def test_a_write_replaces_the_file_in_one_step_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.csv"
    with atomic_write(target) as handle:
        handle.write("new")
        assert not target.exists()  # nothing at the target until the write is complete
    assert target.read_text() == "new" and [p.name for p in target.parent.iterdir()] == ["a.csv"]


def test_a_failed_write_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_only_whole_file_modes_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="whole files"), atomic_write(tmp_path / "a", "a"):
        pass


def test_a_transfer_preset_starts_from_the_newest_run_of_its_source(tmp_path: Path) -> None:
    def run(where: str, experiment: str, age: int) -> Path:
        (tmp_path / where / ".hydra").mkdir(parents=True)
        (tmp_path / where / ".hydra" / "overrides.yaml").write_text(f"- experiment={experiment}\n- seed=1\n")
        (tmp_path / where / "checkpoints").mkdir()
        (ckpt := tmp_path / where / "checkpoints" / "best.ckpt").write_bytes(b"")
        os.utime(ckpt, (1e9 + age, 1e9 + age))
        return ckpt

    run("runs/a", "digits_cnn", age=1)
    newest = run("multiruns/s/0", "digits_cnn", age=2)  # a job of a sweep counts too
    run("runs/b", "digits_mlp", age=3)  # newer, but another experiment
    assert newest_ckpt(str(tmp_path), "digits_cnn") == str(newest)
    with pytest.raises(TriadError, match=r"experiment=diabetes_mlp.*backbone_ckpt=<file>"):
        newest_ckpt(str(tmp_path), "diabetes_mlp")
    cfg = OmegaConf.create({"backbone_ckpt": f"${{newest_ckpt:{tmp_path},digits_cnn}}"})
    assert cfg.backbone_ckpt == str(newest)
    newer = run("multiruns/s/1", "digits_cnn", age=4)  # a sweep job finishing while this run is under way
    assert cfg.backbone_ckpt == str(newest)  # one run reads one value
    assert OmegaConf.create({"b": f"${{newest_ckpt:{tmp_path},digits_cnn}}"}).b == str(newer)  # the next run: newer
