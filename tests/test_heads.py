"""Several heads on one backbone through the real entry point: every head on every kind and level of target."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch
from hydra.utils import instantiate

from schemas.store import options as stored
from src import train
from src.data.spec import DataSpec
from src.runs.checkpoints import read_checkpoint
from src.runs.metrics import rows, stage_values
from tests.backbones.conftest import BACKBONES, backbone_class
from tests.helpers import fast_train_cfg, run_cli
from tests.test_train import TASKS, takes, task_class

SPECS = {name: instantiate(schema).spec for name, schema in stored("data/sampler").items()}


def kinds_and_levels() -> list[tuple[str, str]]:
    """(sampler, target): for every (target kind, level) some sampler publishes, the first target of that kind."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for sampler, spec in SPECS.items():
        for name in spec.target_names:
            one = spec.target(name)
            found.setdefault((one.target_kind, one.target_level), (sampler, name))
    return list(found.values())


def backbone_for(spec: DataSpec) -> str:
    """A backbone that takes the data, with features per position where the data is a sequence (any level fits)."""
    per_position = spec.inputs != "real"
    return next(
        b
        for b in BACKBONES
        if takes(backbone_class(b), spec) and (backbone_class(b).features == "position") == per_position
    )


def first_fitting(spec: DataSpec) -> str:
    """The first task of one target that learns ``spec``'s target (the rule stated here, over ``accepts``)."""
    return next(t for t in TASKS if spec.target_kind in task_class(t).accepts)


COMBOS = [(sampler, target, task) for sampler, target in kinds_and_levels() for task in TASKS]


def fits(sampler: str, target: str, task: str) -> bool:
    return SPECS[sampler].target(target).target_kind in task_class(task).accepts


@pytest.mark.parametrize(
    "combo",
    [pytest.param(c, marks=[pytest.mark.train] if fits(*c) else []) for c in COMBOS],
    ids=lambda c: "+".join(c),
)
def test_every_head_on_every_kind_and_level_of_target_trains_or_fails_before_training(
    combo: tuple[str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The head under test, beside a head on the data's first target (when it learns another one)."""
    sampler, target, task = combo
    spec = SPECS[sampler]
    heads = [f"+task@task.heads.{target}={task}"]
    if target != spec.target_name:
        heads.append(f"+task@task.heads.{spec.target_name}={first_fitting(spec.target(spec.target_name))}")
    chosen = [f"data/sampler={sampler}", f"backbone={backbone_for(spec)}", "task=multi", *heads]
    cfg = fast_train_cfg([*chosen, "trainer.fast_dev_run=true"], tmp_path)
    if fits(sampler, target, task):
        value = train.main(cfg)
        assert value is not None and value == value  # the total validation loss was logged (not NaN)
        return
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    err = capsys.readouterr().err
    fitting = ", ".join(f"task@task.heads.{target}={t}" for t in TASKS if fits(sampler, target, t))
    expected = [
        f"task@task.heads.{target}={task} does not fit target {target}",
        f"Tasks that fit target {target}: {fitting}.",
    ]
    assert exit_info.value.code == 2 and all(part in err for part in expected) and "Traceback" not in err, err
    assert not list(tmp_path.rglob("*.ckpt"))


def test_a_task_of_heads_as_a_head_is_one_message(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cfg = fast_train_cfg(
        ["experiment=clusters_heads", "task@task.heads.label=multi", "trainer.fast_dev_run=true"], tmp_path
    )
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "task@task.heads.label=multi does not fit target label" in err, err
    assert "a head learns one target" in err and "Traceback" not in err


def test_one_heads_task_is_swapped_by_one_word(tmp_path: Path) -> None:
    cfg = fast_train_cfg(["experiment=copy_number_heads", "task@task.heads.mean=classification"], tmp_path)
    assert cfg.task.heads.mean._target_.endswith(".Classification")
    assert cfg.task.heads.state._target_.endswith(".Classification")  # the other head is as the preset has it
    assert cfg.task.monitor == "val/state/acc"


@pytest.mark.train
def test_learned_weights_reach_the_checkpoint_and_every_head_reaches_metrics_csv(tmp_path: Path) -> None:
    overrides = [
        "experiment=copy_number_heads",
        "task/weighting=uncertainty",
        "data.num_train=512",
        "trainer.max_epochs=2",
    ]
    value = train.main(fast_train_cfg([*overrides, "data.num_val=256", "data.num_test=256"], tmp_path))
    checkpoint = torch.load(tmp_path / "checkpoints" / "best.ckpt", map_location="cpu", weights_only=True)
    log_variance = checkpoint["state_dict"]["task.weighting.log_variance"]
    assert log_variance.shape == (2,) and bool((log_variance != 0).all())  # they moved from their start, 0
    monitors = [state.get("monitor") for key, state in checkpoint["callbacks"].items() if "ModelCheckpoint" in key]
    assert "val/state/acc" in monitors  # the best checkpoint follows the head's metric the preset monitors
    with (tmp_path / "metrics.csv").open() as handle:
        header = next(csv.reader(handle))
    for name in ("val/state/acc", "val/mean/mae", "train/state/weight", "train/mean/loss", "val/loss", "test/mean/mae"):
        assert name in header, name
    assert 0 < value <= 1  # the optimized metric is the monitored one: val/state/acc


SMALL = [
    "data.sampler.length=32",
    "data.num_train=128",
    "data.num_val=64",
    "data.num_test=64",
    "data.batch_size=32",
    "task/weighting=dwa",
]


@pytest.mark.train
def test_two_heads_predict_evaluate_resume_exactly_and_transfer_both_ways(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    straight, run = tmp_path / "straight", tmp_path / "run"
    heads = ["experiment=copy_number_heads", *SMALL]
    assert run_cli("src.train", *heads, "trainer.max_epochs=3", f"hydra.run.dir={straight}", env=env).returncode == 0
    assert run_cli("src.train", *heads, "trainer.max_epochs=2", f"hydra.run.dir={run}", env=env).returncode == 0
    result = run_cli("src.train", f"resume={run}", "trainer.max_epochs=3", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    expected, got = rows(straight / "metrics.csv"), rows(run / "metrics.csv")
    assert [r.keys() for r in got] == [r.keys() for r in expected]  # every head's metrics and weights, every epoch
    assert [list(r.values()) for r in got] == [pytest.approx(list(r.values()), abs=1e-6) for r in expected]
    weights = [
        read_checkpoint(r / "checkpoints" / "last.ckpt")["state_dict"]["task.weighting.weights"]
        for r in (straight, run)
    ]
    assert torch.allclose(*weights) and not torch.equal(weights[0], torch.ones(2))  # DWA's weights moved, and replayed

    output = tmp_path / "predictions.csv"
    result = run_cli("src.predict", f"ckpt_path={run / 'checkpoints' / 'best.ckpt'}", f"output={output}", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    with (tmp_path / "predictions.mean.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 64  # per track: one row per test sequence
    with (tmp_path / "predictions.state.csv").open() as handle:
        state = list(csv.DictReader(handle))
    assert len(state) == 64 * 32 and list(state[0])[:4] == ["id", "position", "target", "pred"]  # per position
    assert not output.exists()  # several heads: a file each, named after the head

    evaluated = tmp_path / "eval"
    result = run_cli(
        "src.eval", f"ckpt_path={run / 'checkpoints' / 'best.ckpt'}", f"hydra.run.dir={evaluated}", env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert {"test/state/acc", "test/mean/mae", "test/loss"} <= set(stage_values(evaluated / "metrics.csv", "test"))

    source = read_checkpoint(run / "checkpoints" / "best.ckpt")["state_dict"]
    single, back = tmp_path / "single", tmp_path / "back"
    one = ["experiment=copy_number", *SMALL[:-1], "trainer.max_epochs=1", "freeze_backbone=true"]
    result = run_cli("src.train", *one, f"backbone_ckpt={run / 'checkpoints' / 'best.ckpt'}", f"hydra.run.dir={single}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert same_backbone(source, read_checkpoint(single / "checkpoints" / "last.ckpt")["state_dict"])
    probe = [
        *heads,
        "trainer.max_epochs=1",
        "freeze_backbone=true",
        f"backbone_ckpt={single / 'checkpoints' / 'last.ckpt'}",
    ]
    result = run_cli("src.train", *probe, f"hydra.run.dir={back}", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert same_backbone(source, read_checkpoint(back / "checkpoints" / "last.ckpt")["state_dict"])


def same_backbone(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    """Whether two state dicts hold the same backbone, tensor for tensor."""
    keys = [k for k in a if k.startswith("backbone.")]
    return (
        bool(keys)
        and keys == [k for k in b if k.startswith("backbone.")]
        and all(torch.equal(a[k], b[k]) for k in keys)
    )


@pytest.mark.train
@pytest.mark.parametrize("weighting", list(stored("task/weighting")))
def test_every_weighting_trains_under_mixed_precision(weighting: str, tmp_path: Path) -> None:
    chosen = [
        "experiment=copy_number_heads",
        f"task/weighting={weighting}",
        "trainer.precision=bf16-mixed",
        *SMALL[:-1],
    ]
    value = train.main(fast_train_cfg([*chosen, "trainer.max_epochs=2"], tmp_path))
    assert value is not None and 0 <= value <= 1  # val/state/acc, finite
