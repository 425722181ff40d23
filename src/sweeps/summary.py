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

from src.utils.run_dirs import overrides, overrides_file

log = logging.getLogger(__name__)


def final_metrics(metrics_csv: Path) -> dict[str, float]:
    """The last logged value of every metric column (test metrics, last epoch's train/val, best is not guessed)."""
    values: dict[str, float] = {}
    with metrics_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            values |= {k: float(v) for k, v in row.items() if v and "/" in k}
    return values


def collect(sweep_dir: Path) -> list[dict[str, Any]]:
    """One row per job folder: its overrides (as columns), final metrics and run dir."""
    rows = []
    for job in sorted(
        (p for p in sweep_dir.iterdir() if overrides_file(p).is_file()),
        key=lambda p: (len(p.name), p.name),
    ):
        values = dict(o.split("=", 1) for o in overrides(job) if "=" in o)
        metrics = final_metrics(job / "metrics.csv") if (job / "metrics.csv").is_file() else {}
        rows.append({"job": job.name, **values, **metrics, "run_dir": str(job)})
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """All rows under the union of their columns."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="") as handle:
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
    fig.savefig(path, dpi=100)
    plt.close(fig)


class SweepSummary(Callback):
    """Write ``summary.csv`` and ``summary.png`` into the sweep dir when a multirun ends."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Summarise every job folder of the sweep."""
        sweep_dir = Path(config.hydra.sweep.dir)
        rows = collect(sweep_dir)
        if not rows:
            return
        write_csv(rows, sweep_dir / "summary.csv")
        metric = OmegaConf.select(config, "optimized_metric", default=None)
        swept = [
            k
            for k in rows[0]
            if k not in ("job", "run_dir") and "/" not in k and len({str(r.get(k)) for r in rows}) > 1
        ]
        if metric and swept and any(metric in r for r in rows):
            plot(rows, swept, metric, sweep_dir / "summary.png")
        log.info(f"Sweep summary: {sweep_dir / 'summary.csv'} ({len(rows)} jobs)")
