"""The sweep summary: what a multirun leaves behind in its sweep dir (summary.csv, summary.png)."""

from __future__ import annotations

import csv
from pathlib import Path

from omegaconf import OmegaConf

from hydra_plugins.tasktriad_sweeps.summary import SweepSummary, collect


def test_a_sweep_summary_has_a_row_per_job_and_a_plot_per_swept_parameter(tmp_path: Path) -> None:
    for job, (lr, acc) in enumerate([("0.001", 0.6), ("0.01", 0.8), ("0.1", 0.7)]):
        (tmp_path / str(job) / ".hydra").mkdir(parents=True)
        (tmp_path / str(job) / ".hydra" / "overrides.yaml").write_text(f"- optimizer.lr={lr}\n- seed=1\n")
        (tmp_path / str(job) / "metrics.csv").write_text(
            f"epoch,step,lr-AdamW,val/acc\n0,1,{job},0.1\n1,2,{job},{acc}\n"
        )
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}, "optimized_metric": "val/acc"})
    SweepSummary().on_multirun_end(config)
    rows = list(csv.DictReader((tmp_path / "summary.csv").open()))
    assert [(r["optimizer.lr"], float(r["val/acc"])) for r in rows] == [("0.001", 0.6), ("0.01", 0.8), ("0.1", 0.7)]
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"
    assert collect(tmp_path)[1] == ["optimizer.lr"]  # swept: the overrides that differ, never a metric column


def test_each_job_has_a_status_and_the_value_the_sweeper_was_told(tmp_path: Path) -> None:
    jobs = {  # name: (test in its config, metrics.csv, failure.txt)
        "0": (True, "epoch,step,val/acc,test/acc\n0,1,0.6,\n1,2,0.5,\n1,2,,0.55\n", None),
        "1": (True, "epoch,step,val/acc\n0,1,0.6\n", None),  # killed before its test
        "2": (False, "epoch,step,val/acc\n0,1,0.7\n", None),  # test=false: done without test metrics
        "3": (True, None, "ValueError: Invalid learning rate: -1.0\nmore"),
    }
    for name, (test, metrics, failure) in jobs.items():
        (tmp_path / name / ".hydra").mkdir(parents=True)
        (tmp_path / name / ".hydra" / "overrides.yaml").write_text(f"- seed={name}\n")
        (tmp_path / name / ".hydra" / "config.yaml").write_text(f"test: {str(test).lower()}\n")
        if metrics:
            (tmp_path / name / "metrics.csv").write_text(metrics)
        if failure:
            (tmp_path / name / "failure.txt").write_text(failure)
    rows, _ = collect(tmp_path, ("val/acc", "val/acc", "max"))
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("completed", ""),
        ("unfinished", ""),
        ("completed", ""),
        ("failed", "ValueError: Invalid learning rate: -1.0"),
    ]
    assert rows[0]["optimized"] == 0.6 and rows[0]["val/acc"] == 0.5  # the best epoch's, not the last one's


def test_each_job_is_scored_by_its_own_task(tmp_path: Path) -> None:
    """task=classification,integer_regression: the second job optimised the minimum of val/mae, not val/acc."""
    tasks = {"0": ("val/acc", "max", "0.6,0.3\n0.7,0.2"), "1": ("val/mae", "min", "0.5,0.4\n0.6,0.3")}
    for name, (monitor, mode, values) in tasks.items():
        (tmp_path / name / ".hydra").mkdir(parents=True)
        (tmp_path / name / ".hydra" / "overrides.yaml").write_text(f"- task={name}\n")
        config = f"optimized_metric: ${{task.monitor}}\ntask:\n  monitor: {monitor}\n  mode: {mode}\n"
        (tmp_path / name / ".hydra" / "config.yaml").write_text(config)
        body = "\n".join(f"{e},{e + 1},{v}" for e, v in enumerate(values.split("\n")))
        (tmp_path / name / "metrics.csv").write_text("epoch,step,val/acc,val/mae\n" + body + "\n")
    rows, _ = collect(tmp_path, ("val/acc", "val/acc", "max"))  # the sweep's base config: classification
    assert [r["optimized"] for r in rows] == [0.7, 0.3]  # the old summary gave max(val/acc) = 0.6 to job 1


def test_a_job_of_several_heads_is_scored_by_the_head_metric_it_monitors(tmp_path: Path) -> None:
    (tmp_path / "0" / ".hydra").mkdir(parents=True)
    (tmp_path / "0" / ".hydra" / "overrides.yaml").write_text("- experiment=copy_number_heads\n")
    config = "optimized_metric: ${task.monitor}\ntask:\n  monitor: val/state/acc\n  mode: max\n"
    (tmp_path / "0" / ".hydra" / "config.yaml").write_text(config)
    rows = "0,1,0.6,0.3,0.9\n1,2,0.8,0.2,0.7\n2,3,0.7,0.1,0.5\n"  # the best epoch by val/state/acc is epoch 1
    (tmp_path / "0" / "metrics.csv").write_text("epoch,step,val/state/acc,val/mean/mae,val/loss\n" + rows)
    (row,), _ = collect(tmp_path, ("val/loss", "val/loss", "min"))
    assert row["optimized"] == 0.8 and row["val/mean/mae"] == 0.1  # the monitored head's best; the others' last
