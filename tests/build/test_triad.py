"""Building the triad: the data's spec wires backbone and task; a misfit names the tasks that fit; rebuilding."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from hydra.utils import get_object

from schemas.store import options, target_of
from src.build.compatibility import check_memory
from src.build.triad import build_triad, rebuild
from src.data.spec import DataSpec
from src.errors import IncompatibleDataError, TriadError
from src.runs.checkpoints import CheckpointFiles
from tests.helpers import fast_train_cfg


def test_the_data_spec_wires_the_backbone_input_and_the_decoder_output(tmp_path: Path) -> None:
    cfg = fast_train_cfg(["data.sampler.dim=7", "data.sampler.num_classes=3", "backbone.width=32"], tmp_path)
    _, model = build_triad(cfg)
    assert model(torch.zeros(4, 7)).shape == (4, 3)  # 7 inputs from the data, 3 logits for its 3 classes
    assert model.hparams["config"]["backbone"]["width"] == 32  # the resolved config travels with the weights


def test_a_task_that_does_not_fit_the_data_names_the_tasks_that_do(tmp_path: Path) -> None:
    cfg = fast_train_cfg(["data/sampler=teacher", "task=classification"], tmp_path)
    with pytest.raises(IncompatibleDataError, match=r"Tasks that fit this data: task=regression\.") as err:
        build_triad(cfg)
    assert "task=classification does not fit data=simulated/teacher" in str(err.value)


def test_a_frozen_backbone_starts_from_another_runs_weights(tmp_path: Path) -> None:
    _, source = build_triad(fast_train_cfg(["seed=1"], tmp_path / "a"))
    checkpoint = {"state_dict": source.state_dict(), "hyper_parameters": dict(source.hparams)}
    files = CheckpointFiles()
    files.save_checkpoint(checkpoint, tmp_path / "a.ckpt")
    files.teardown()  # the write is in the background: the trainer waits for it at the end of a stage
    cfg = fast_train_cfg(["task=integer_regression"], tmp_path / "b")
    _, model = build_triad(cfg, backbone_ckpt=str(tmp_path / "a.ckpt"), freeze_backbone=True)
    assert all(torch.equal(v, source.backbone.state_dict()[k]) for k, v in model.backbone.state_dict().items())
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert all(p.requires_grad for p in model.task.parameters())


def test_rebuild_restores_the_run_and_every_weight_from_its_checkpoint(tmp_path: Path) -> None:
    _, source = build_triad(fast_train_cfg(["task=integer_regression", "backbone=resmlp"], tmp_path / "a"))
    files = CheckpointFiles()
    files.save_checkpoint(
        {"state_dict": source.state_dict(), "hyper_parameters": dict(source.hparams)}, tmp_path / "a.ckpt"
    )
    files.teardown()
    _, model = rebuild(str(tmp_path / "a.ckpt"))
    x = torch.randn(5, 16)
    assert torch.equal(model.eval()(x), source.eval()(x))


QUADRATIC = [n for n, s in options("backbone").items() if hasattr(get_object(str(target_of(s))), "attention_bytes")]


@pytest.mark.parametrize("name", QUADRATIC)
def test_attention_that_would_not_fit_in_memory_stops_before_the_run_with_its_estimate(name: str) -> None:
    backbone = get_object(str(target_of(options("backbone")[name])))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    length = 64
    while backbone.attention_bytes(length, 4, True) <= memory:  # the shortest padded length that would not fit
        length *= 2
    padded = DataSpec(in_shape=(length,), target_kind="integer", num_classes=3, inputs="tokens", vocab_size=8,
                      variable_length=True)  # fmt: skip
    with pytest.raises(TriadError, match=rf"on {length:,} positions at data.batch_size=4: .* about [\d,]+ GiB"):
        check_memory(backbone, padded, batch_size=4)
    check_memory(backbone, replace(padded, variable_length=False), batch_size=4)  # no padding: nothing quadratic
    check_memory(backbone, replace(padded, in_shape=(64,)), batch_size=4)  # short enough
