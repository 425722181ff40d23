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
from omegaconf import DictConfig, OmegaConf

from src.runs.files import atomic_write
from src.runs.folder import is_run, metrics_file, overrides
from src.runs.metrics import final_values

log = logging.getLogger(__name__)


def job_overrides(job: Path) -> dict[str, str]:
    """The job's command-line overrides as ``{key: value}``."""
    return dict(o.split("=", 1) for o in overrides(job) if "=" in o)


def collect(sweep_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per job folder (its overrides as columns, its final metrics, its run dir), and the swept keys."""
    rows, keys = [], {}
    for job in sorted((p for p in sweep_dir.iterdir() if is_run(p)), key=lambda p: (len(p.name), p.name)):
        values = job_overrides(job)
        keys |= dict.fromkeys(values)
        metrics = final_values(metrics_file(job)) if metrics_file(job).is_file() else {}
        rows.append({"job": job.name, **values, **metrics, "run_dir": str(job)})
    return rows, [k for k in keys if len({str(row.get(k)) for row in rows}) > 1]


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """All rows under the union of their columns."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with atomic_write(path, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def plot(rows: list[dict[str, Any]], swept: list[str], metric: str, path: Path) -> None:
    """The optimized metric against each swept parameter, one panel per parameter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(swept), figsize=(4.5 * len(swept), 3.8), squeeze=False, constrained_layout=True)
    for ax, param in zip(axes[0], swept, strict=True):
        points = [
            (row[param], row[metric]) for row in rows if param in row and not math.isnan(row.get(metric, math.nan))
        ]
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
    """Write ``summary.csv`` and ``summary.png`` into the sweep dir when a multirun ends."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Summarise every job folder of the sweep."""
        sweep_dir = Path(config.hydra.sweep.dir)
        rows, swept = collect(sweep_dir)
        if not rows:
            return
        write_csv(rows, sweep_dir / "summary.csv")
        metric = OmegaConf.select(config, "optimized_metric", default=None)
        if metric and swept and any(metric in r for r in rows):
            plot(rows, swept, metric, sweep_dir / "summary.png")
        log.info(f"Sweep summary: {sweep_dir / 'summary.csv'} ({len(rows)} jobs)")
