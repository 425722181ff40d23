"""``${newest_ckpt:...}``: how a transfer preset finds the newest run of its source experiment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from src.errors import TriadError
from src.runs.resolvers import newest_ckpt


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
