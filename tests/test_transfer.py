"""Reusing a trained run: transfer of the backbone across tasks, eval on other data, predictions to CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch

from src import eval as evaluate
from src import predict, train
from tests.helpers import compose_cfg, fast_train_cfg

pytestmark = pytest.mark.train  # every test here trains or runs a command


@pytest.fixture(scope="module")
def classification_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run A: clusters learned as categories; its best checkpoint."""
    out = tmp_path_factory.mktemp("run_a")
    train.main(fast_train_cfg(["trainer.max_epochs=2"], out))
    return out / "checkpoints" / "best.ckpt"


def weights(ckpt: Path, prefix: str) -> dict[str, torch.Tensor]:
    state = torch.load(ckpt, map_location="cpu", weights_only=True)["state_dict"]  # a GPU run saves CUDA tensors
    return {k: v for k, v in state.items() if k.startswith(prefix)}


@pytest.mark.parametrize("freeze", [True, False], ids=["linear-probe", "fine-tune"])
def test_backbone_transfers_to_another_task_under_a_fresh_decoder(
    freeze: bool, classification_run: Path, tmp_path: Path
) -> None:
    overrides = ["task=integer_regression", f"backbone_ckpt={classification_run}", f"freeze_backbone={freeze}"]
    value = train.main(fast_train_cfg([*overrides, "trainer.max_epochs=2"], tmp_path))
    assert value is not None
    after = tmp_path / "checkpoints" / "last.ckpt"
    a_backbone, b_backbone = weights(classification_run, "backbone."), weights(after, "backbone.")
    unchanged = all(torch.equal(a_backbone[k], b_backbone[k]) for k in a_backbone)
    assert unchanged is freeze  # frozen: identical to run A; fine-tuned: moved on
    assert weights(after, "task.decoder.proj.weight")["task.decoder.proj.weight"].shape == (1, 128)


def test_frozen_probe_trains_the_decoder(classification_run: Path, tmp_path: Path) -> None:
    cfg = fast_train_cfg(
        [
            "task=integer_regression",
            f"backbone_ckpt={classification_run}",
            "freeze_backbone=true",
            "trainer.max_epochs=3",
        ],
        tmp_path,
    )
    from src.build.triad import build_triad
    from src.cli.job import prepare

    prepare(cfg.seed)
    _, fresh = build_triad(cfg, backbone_ckpt=cfg.backbone_ckpt, freeze_backbone=cfg.freeze_backbone)
    initial = fresh.task.decoder.proj.weight.detach().clone()
    train.main(cfg)
    ckpt = tmp_path / "checkpoints" / "last.ckpt"
    assert not torch.equal(weights(ckpt, "task.decoder.proj.weight")["task.decoder.proj.weight"], initial)


def test_a_backbone_of_another_shape_lists_the_mismatched_tensors(
    classification_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    cfg = fast_train_cfg([f"backbone_ckpt={classification_run}", "backbone.width=64"], tmp_path)
    with pytest.raises(SystemExit):
        train.main(cfg)
    err = capsys.readouterr().err
    assert "do not fit this model" in err and "net.1.weight: (128, 16) in the checkpoint, (64, 16) here" in err


def test_eval_on_other_data_with_a_fitting_spec(
    classification_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    own = evaluate.main(compose_cfg("eval", [f"ckpt_path={classification_run}"], tmp_path / "own"))
    noisier = ["data=simulated", "data.sampler.noise=2.0", "data.num_test=1024"]
    other = evaluate.main(compose_cfg("eval", [f"ckpt_path={classification_run}", *noisier], tmp_path / "noisy"))
    # Same problem, noisier samples: the model still applies, less well. Measured: own 0.660, noisier 0.590.
    assert own["test/acc"] > other["test/acc"] > 0.54
    with pytest.raises(SystemExit):
        evaluate.main(
            compose_cfg("eval", [f"ckpt_path={classification_run}", "data=simulated", "data.sampler.dim=8"], tmp_path)
        )
    assert "net.1.weight: (128, 16) in the checkpoint, (128, 8) here" in capsys.readouterr().err


def test_predict_writes_post_processed_predictions(classification_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "predictions.csv"
    predict.main(compose_cfg("predict", [f"ckpt_path={classification_run}", f"output={out}"], tmp_path))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 256 and list(rows[0])[:3] == ["id", "target", "pred"] and "probs_4" in rows[0]
    assert [int(row["id"]) for row in rows] == list(range(256))  # each test sample once, by its place in the split
    assert abs(sum(float(rows[0][f"probs_{k}"]) for k in range(5)) - 1) < 1e-5
    accuracy = sum(r["target"] == r["pred"] for r in rows) / len(rows)
    tested = evaluate.main(compose_cfg("eval", [f"ckpt_path={classification_run}"], tmp_path / "eval"))
    assert accuracy == pytest.approx(tested["test/acc"])  # the same test set, the same weights


def test_every_training_run_draws_its_curves(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["trainer.max_epochs=3"], tmp_path))
    png = tmp_path / "curves.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
