"""src/loggers.py: metrics.csv and hparams.yaml in the run folder; the local MLflow store shared by parallel jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from src.loggers import MetricsCSVLogger
from src.runs.metrics import rows
from tests.helpers import ROOT


def test_logged_rows_reach_metrics_csv_when_lightning_saves(tmp_path: Path) -> None:
    logger = MetricsCSVLogger(save_dir=str(tmp_path))
    logger.log_hyperparams({"config": {"seed": 3, "task": {"monitor": "val/acc"}}})
    logger.log_metrics({"train/loss": torch.tensor(0.5), "epoch": 0}, step=3)
    assert not (tmp_path / "metrics.csv").exists()  # queued until save(), as Lightning calls it
    logger.save()
    logger.log_metrics({"val/acc": 0.75, "epoch": 0}, step=3)
    logger.finalize("success")
    assert rows(tmp_path / "metrics.csv") == [
        {"epoch": 0, "step": 3, "train/loss": 0.5},
        {"epoch": 0, "step": 3, "val/acc": 0.75},
    ]
    assert OmegaConf.load(tmp_path / "hparams.yaml").config.task.monitor == "val/acc"
    assert (logger.name, logger.version, logger.save_dir) == ("", "", str(tmp_path))


def test_a_resumed_run_continues_its_metrics_csv(tmp_path: Path) -> None:
    first = MetricsCSVLogger(save_dir=str(tmp_path))
    first.log_metrics({"train/loss": 1.0, "epoch": 0}, step=4)
    first.log_metrics({"train/loss": 0.5, "epoch": 1}, step=8)
    first.save()
    resumed = MetricsCSVLogger(save_dir=str(tmp_path), continue_after=4)  # what resume=<run dir> sets
    resumed.log_metrics({"train/loss": 0.4, "epoch": 1}, step=8)
    resumed.save()
    assert [r["train/loss"] for r in rows(tmp_path / "metrics.csv")] == [1.0, 0.4]


JOB = """
import sys
from src.loggers import LocalMLFlowLogger
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
