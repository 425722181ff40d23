"""SweepSummary: after every multirun, summary.csv and summary.png in the sweep dir (a Hydra callback).

It reads what each job left in its own folder (.hydra/overrides.yaml, metrics.csv), so it works the same for
jobs run in this process, in subprocesses or on a cluster, and for a sweep resumed later.
"""

from __future__ import annotations

import csv
import logging
import math
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from src.cli.reporting import fail
from src.runs.folder import (
    atomic_write,
    config_file,
    exclusive,
    failure_file,
    is_run,
    metrics_file,
    overrides,
    pruned_file,
    stopped_file,
)
from src.runs.metrics import Row, is_test_row, last_values, rows

log = logging.getLogger(__name__)


def job_overrides(job: Path) -> dict[str, str]:
    """The job's command-line overrides as ``{key: value}``; a deletion (``~task@task.heads.mean``) as ``yes``.

    Kept so that a setting without a head is told from one with it; a sweep's job writes it ``~key=null``.
    """
    found = {}
    for override in overrides(job):
        key, equals, value = override.partition("=")
        if key.startswith("~"):
            found[key] = "yes"
        elif equals:
            found[key] = value
    return found


def status(job: Path, last: Row) -> tuple[str, str]:
    """``(status, reason)`` of a job: completed; failed, pruned, stopped (its worker died), with why; or unfinished.

    Completed: it logged test metrics, or, with ``test=false``, any metric at all (a killed job then looks done).
    """
    # failed (its reason), pruned by its study's pruner, stopped (its worker died; another worker retried it)
    for state, file in (("failed", failure_file(job)), ("pruned", pruned_file(job)), ("stopped", stopped_file(job))):
        if file.is_file():
            return state, file.read_text().strip().splitlines()[0]
    tests = bool(OmegaConf.load(config_file(job)).get("test", True)) if config_file(job).is_file() else True
    done = any(k.startswith("test/") for k in last) if tests else bool(last)
    return ("completed", "") if done else ("unfinished", "")


def optimised(logged: list[Row], metric: str, monitor: str | None, mode: str | None) -> float:
    """The value the job returned to the sweeper: the monitored metric at its best epoch, any other the last logged.

    The same rule as ``src.cli.results.fit_metrics``, read back from metrics.csv.
    """
    if metric == monitor and mode in ("min", "max"):
        values = [row[metric] for row in logged if metric in row and not math.isnan(row[metric])]
        return (min if mode == "min" else max)(values) if values else math.nan
    return last_values(logged).get(metric, math.nan)


def job_target(job: Path, sweep: tuple[str, str | None, str | None]) -> tuple[str, str | None, str | None]:
    """A job's own (optimized metric, task.monitor, task.mode), read from its config.

    A job that swaps the task (``task=classification,integer_regression``) optimises another metric than the one the
    sweep's base config names.
    """
    if not config_file(job).is_file():
        return sweep
    config = OmegaConf.load(config_file(job))
    values = [OmegaConf.select(config, key, default=None) for key in ("optimized_metric", "task.monitor", "task.mode")]
    return (values[0] or sweep[0], values[1] or sweep[1], values[2] or sweep[2])


def collect(sweep_dir: Path, target: tuple[str, str | None, str | None] | None = None) -> tuple[list[dict], list[str]]:
    """One row per job folder (status, overrides, final metrics, run dir), and the swept keys.

    ``target``: (optimized metric, task.monitor, task.mode); its value as the sweeper saw it goes in ``optimized``.
    Each job's metrics.csv is read once.
    """
    table, keys = [], {}
    for job in sorted((p for p in sweep_dir.iterdir() if is_run(p)), key=lambda p: (len(p.name), p.name)):
        values = job_overrides(job)
        keys |= dict.fromkeys(values)
        logged = rows(metrics_file(job)) if metrics_file(job).is_file() else []
        last = last_values(logged)
        state, reason = status(job, last)
        epochs = {row["epoch"] for row in logged if "epoch" in row and not is_test_row(row)}  # trained (or begun)
        row = {"job": job.name, "status": state, "reason": reason, **values, "epochs": len(epochs)}
        if target is not None:
            row["optimized"] = optimised(logged, *job_target(job, target))
        table.append({**row, **last, "run_dir": str(job)})
    return table, [k for k in keys if len({str(row.get(k)) for row in table}) > 1]


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """All rows under the union of their columns."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with atomic_write(path, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def plot(rows: list[dict[str, Any]], swept: list[str], metric: str, path: Path) -> None:
    """The optimized value (column ``optimized``: what the sweeper was told) against each swept parameter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(swept), figsize=(4.5 * len(swept), 3.8), squeeze=False, constrained_layout=True)
    for ax, param in zip(axes[0], swept, strict=True):
        points = [(row[param], row["optimized"]) for row in rows if param in row and not math.isnan(row["optimized"])]
        try:
            xs = [float(x) for x, _ in points]
            ax.set_xscale("log" if min(xs) > 0 and max(xs) / min(xs) >= 100 else "linear")
        except ValueError:  # categorical values: one tick each
            labels = sorted({x for x, _ in points})
            ax.set_xticks(range(len(labels)), labels, rotation=20)
            xs = [labels.index(x) for x, _ in points]
        ax.scatter(xs, [y for _, y in points], s=40)
        ax.set(xlabel=param, ylabel=metric, title=f"{metric} vs {param}")
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=100)
    plt.close(fig)


class SweepSummary(Callback):
    """``summary.csv`` and ``summary.png`` in the sweep dir, rewritten after every job and when the multirun ends.

    After every job, so that a sweep stopped half-way (a kill, a time limit) still lists the jobs it finished. A
    sweep with failed jobs ends with exit status 1 and says how many failed.
    """

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """Summarise the jobs finished so far (only in a multirun: a single run has no sweep dir)."""
        if OmegaConf.select(config, "hydra.mode", default=None) == RunMode.MULTIRUN:
            self.summarise(config)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Summarise every job folder of the sweep; exit 1 if any job failed."""
        rows = self.summarise(config)
        stopped = [row["job"] for row in rows if row["status"] == "stopped"]
        if stopped:
            log.warning(f"Job(s) {', '.join(stopped)} stopped: their worker died (each one's stopped.txt says more)")
        failed = [row for row in rows if row["status"] == "failed"]
        if failed:
            fail(
                f"{len(failed)} of {len(rows)} jobs failed; the first: job {failed[0]['job']}: {failed[0]['reason']}\n"
                f"  Every job's status and reason: {Path(config.hydra.sweep.dir) / 'summary.csv'}",
                code=1,
            )

    def summarise(self, config: DictConfig) -> list[dict[str, Any]]:
        """Write summary.csv (and summary.png when a metric was optimised over swept keys); return the rows.

        Several workers of one study write it: one at a time (a lock file in the sweep dir), each from every job
        folder, so that the last one to write has seen every job finished before it.
        """
        sweep_dir = Path(config.hydra.sweep.dir)
        if not sweep_dir.is_dir():
            return []
        with exclusive(sweep_dir / ".summary.lock"):
            return self._summarise(config, sweep_dir)

    def _summarise(self, config: DictConfig, sweep_dir: Path) -> list[dict[str, Any]]:
        metric = OmegaConf.select(config, "optimized_metric", default=None)
        monitor, mode = (OmegaConf.select(config, f"task.{key}", default=None) for key in ("monitor", "mode"))
        rows, swept = collect(sweep_dir, (metric, monitor, mode) if metric else None)
        if not rows:
            return rows
        write_csv(rows, sweep_dir / "summary.csv")
        if metric and swept and any(not math.isnan(r["optimized"]) for r in rows):
            plot(rows, swept, metric, sweep_dir / "summary.png")
        log.info(f"Sweep summary: {sweep_dir / 'summary.csv'} ({len(rows)} jobs)")
        return rows
