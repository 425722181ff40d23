"""A sequence run end to end, as a user would: train, predict per position, resume, evaluate."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from src.runs.metrics import stage_values
from tests.helpers import run_cli

pytestmark = pytest.mark.train  # every test here runs a command
MQAR = ["experiment=mqar", "backbone.width=32", "data.num_train=512", "data.num_val=128", "data.num_test=100"]


def test_a_position_level_run_predicts_each_query_and_resumes(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    run = tmp_path / "run"
    result = run_cli("src.train", *MQAR, "trainer.max_epochs=1", f"hydra.run.dir={run}", env=env)
    assert result.returncode == 0, result.stderr[-3000:]

    output = tmp_path / "predictions.csv"
    ckpt = run / "checkpoints" / "best.ckpt"
    result = run_cli("src.predict", f"ckpt_path={ckpt}", f"output={output}", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["id", "position", "target", "pred"] and "probs_63" in rows[0]
    assert len(rows) == 100 * 8  # 8 queries in each of the 100 test sequences; no other position
    assert {int(r["id"]) for r in rows} == set(range(100)) and min(int(r["position"]) for r in rows) >= 16

    result = run_cli("src.train", f"resume={run}", "trainer.max_epochs=2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test/acc" in stage_values(run / "metrics.csv", "test")

    evaluated = tmp_path / "eval"
    result = run_cli(
        "src.eval", f"ckpt_path={run / 'checkpoints' / 'last.ckpt'}", f"hydra.run.dir={evaluated}", env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert 0.0 <= stage_values(evaluated / "metrics.csv", "test")["test/acc"] <= 1.0
