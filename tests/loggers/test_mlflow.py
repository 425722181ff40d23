"""The local MLflow store: shared by parallel jobs, each run findable from its run dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

JOB = """
import sys
from src.loggers.mlflow import LocalMLFlowLogger
logger = LocalMLFlowLogger(store_dir=sys.argv[1], experiment_name="train", run_dir=sys.argv[2])
logger.log_metrics({"val/loss": 0.5}, step=0)
logger.finalize("success")
"""


@pytest.mark.slow  # three processes importing mlflow: about 25 s
def test_parallel_jobs_create_and_share_one_store(tmp_path: Path) -> None:
    store = tmp_path / "mlflow"  # new: the jobs race to create its tables and the experiment
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", JOB, str(store), str(tmp_path / f"job{n}")], cwd=ROOT, stderr=subprocess.PIPE
        )
        for n in range(3)
    ]
    errors = [job.communicate(timeout=300)[1].decode()[-2000:] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0, 0], errors

    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{store / 'mlflow.db'}")
    (experiment,) = [e for e in client.search_experiments() if e.name == "train"]
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(r.data.tags["run_dir"] for r in runs) == [str(tmp_path / f"job{n}") for n in range(3)]
    assert all(r.info.status == "FINISHED" and r.data.metrics["val/loss"] == 0.5 for r in runs)
    assert experiment.artifact_location == (store / "artifacts").as_uri()  # inside the store, not ./mlartifacts
