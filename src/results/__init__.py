"""Results: ``python -m src.results <multirun dir>...`` prints a Markdown table of every setting's mean ± sd.

One row per setting: every swept key but ``seed`` and ``data.fold``, whose values are the repeats averaged over.
Each metric is given as mean ± sd (n); failed, pruned, stopped and unfinished jobs are counted beside, never averaged
in. The best
setting by the first metric (in the sweep's ``task.mode`` for what it optimised, else by the metric's name) is
marked. ``--csv`` also writes the
table as a CSV file; ``--plot`` draws the first metric against a swept key, a line per other setting, with error
bars. The command reads what the sweep left (each job's overrides and metrics.csv), never imports torch, and
changes nothing in the sweep folders.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from hydra_plugins.tasktriad_sweeps.summary import collect, write_csv
from src.cli.reporting import fail
from src.results.delta import REPEATS, column, finite

STUDY = ("best", "epochs", "trials")  # --studies: per sweep, the best optimized value, epochs trained, jobs run
STATUSES = ("failed", "pruned", "stopped", "unfinished")  # a job's status other than completed (the sweep summary's)


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line: sweep folders, metrics, optional CSV and plot files."""
    what = "A Markdown table of each setting of multirun folders: mean ± sd over seeds and folds, failures counted."
    parser = argparse.ArgumentParser(prog="python -m src.results", description=what)
    parser.add_argument("sweeps", nargs="+", type=Path, help="multirun folders (each holds job folders 0, 1, ...)")
    parser.add_argument(
        "--metric", action="append", help="a metric column (repeat it); default: the optimized one and its test/ twin"
    )
    parser.add_argument("--csv", type=Path, help="also write the table to this CSV file (a new file)")
    parser.add_argument(
        "--plot", type=Path, help="also draw the first metric against --x to this PNG file (a new file)"
    )
    parser.add_argument("--x", help="the swept key on the plot's x axis (default: the first one)")
    parser.add_argument(
        "--studies",
        action="store_true",
        help="a row per setting of whole sweeps (their command lines): best optimized value, epochs, trials",
    )
    parser.add_argument(
        "--delta-m",
        action="store_true",
        help="add Δm %%: each multi-task setting's mean relative gain over the settings that log one metric alone",
    )
    return parser.parse_args(argv)


def target(sweep: Path) -> tuple[str | None, str | None, str | None]:
    """The sweep's (optimized metric, task.monitor, task.mode), from the multirun.yaml Hydra wrote in it."""
    config_path = sweep / "multirun.yaml"
    if not config_path.is_file():
        return None, None, None
    config = OmegaConf.load(config_path)
    keys = ("optimized_metric", "task.monitor", "task.mode")
    values = [OmegaConf.select(config, key, default=None, throw_on_resolution_failure=False) for key in keys]
    return tuple(v if isinstance(v, str) and "${" not in v else None for v in values)  # type: ignore[return-value]


def gather(sweeps: list[Path]) -> tuple[list[dict[str, Any]], list[str], str, str | None]:
    """Every job of every sweep, the setting keys, the direction of the optimized metric (min or max), the monitor."""
    jobs: list[dict[str, Any]] = []
    mode, watched = "max", None
    for sweep in sweeps:
        if not sweep.is_dir():
            fail(f"{sweep} is not a folder: name a multirun folder (logs/train/multiruns/<time>).")
        metric, monitor, sweep_mode = target(sweep)
        found, _ = collect(sweep, ((metric or monitor or ""), monitor, sweep_mode))
        if not found:
            fail(f"{sweep} holds no sweep: no job folder (0, 1, ...) with a .hydra folder in it.")
        jobs += found
        mode, watched = sweep_mode or mode, monitor or watched
    keys = list(dict.fromkeys(k for job in jobs for k in job if k not in REPEATS and _is_override(k, jobs)))
    return jobs, [k for k in keys if len({str(job.get(k)) for job in jobs}) > 1], mode, watched


def _is_override(key: str, jobs: list[dict[str, Any]]) -> bool:
    """Whether ``key`` is an override column (not a metric, a status or a folder)."""
    return key not in ("job", "status", "reason", "optimized", "run_dir") and all(
        isinstance(job.get(key), str) or key not in job for job in jobs
    )


def settings(jobs: list[dict[str, Any]], keys: list[str]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """The jobs of each setting (its keys' values), in the order first met."""
    found: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for job in jobs:
        found.setdefault(tuple(str(job.get(k, "")) for k in keys), []).append(job)
    return found


def table(groups: dict[tuple[str, ...], list[dict[str, Any]]], keys: list[str], metrics: list[str]) -> list[dict]:
    """One row per setting: its keys' values, then per metric its mean, sd and n, and the jobs left out."""
    rows = []
    for values, members in groups.items():
        done = [job for job in members if job["status"] == "completed"]
        row: dict[str, Any] = dict(zip(keys, values, strict=True))
        for metric in metrics:
            found = [float(job[metric]) for job in done if finite(job.get(metric))]
            row[metric] = (statistics.mean(found) if found else math.nan, _sd(found), len(found))
        row["left out"] = Counter(job["status"] for job in members if job["status"] != "completed")
        rows.append(row)
    return rows


def markdown(rows: list[dict[str, Any]], keys: list[str], metrics: list[str], mode: str) -> str:
    """The table in Markdown; the best row by the first metric is marked in bold."""
    means = [row[metrics[0]][0] for row in rows]
    ranked = [m for m in means if not math.isnan(m)]
    best = (min if mode == "min" else max)(ranked) if ranked else None
    lines = [
        "| " + " | ".join([*keys, *metrics, "left out"]) + " |",
        "|" + "---|" * (len(keys) + len(metrics) + 1),
    ]
    for row, mean in zip(rows, means, strict=True):
        cells = [_cell(row[m], signed=m == "Δm %") for m in metrics]
        if best is not None and mean == best:
            cells[0] = f"**{cells[0]}**"
        left_out = ", ".join(f"{n} {status}" for status, n in sorted(row["left out"].items())) or "–"
        lines.append("| " + " | ".join([*(row[k] for k in keys), *cells, left_out]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Print the table (and write the CSV and the plot if asked); return the Markdown."""
    args = parse(sys.argv[1:] if argv is None else argv)
    for path in (args.csv, args.plot):
        if path is not None and path.exists():
            fail(f"{path} exists: results never replace a file. Name another one, or move it.")
    jobs, keys, mode, monitor = gather(args.sweeps)
    if args.studies:
        jobs, keys = studies(jobs, mode)
    metrics = args.metric or (list(STUDY) if args.studies else default_metrics(jobs, monitor))
    missing = [m for m in metrics if not any(m in job for job in jobs)]
    if missing:
        logged = sorted({k for job in jobs for k, v in job.items() if k != "optimized" and isinstance(v, float)})
        fail(f"no job logged {missing}; the jobs logged: {', '.join(logged)}")
    groups = settings(jobs, keys)
    rows = table(groups, keys, metrics)
    shown = metrics
    if args.delta_m:
        better = {m: direction(m, monitor, mode) for m in metrics}
        for row, gain in zip(rows, column(list(groups.values()), metrics, better), strict=True):
            row["Δm %"] = gain
        shown = [*metrics, "Δm %"]
    text = markdown(rows, keys, shown, direction(metrics[0], monitor, mode))
    print(text)
    if args.csv is not None:
        write_csv([{**{k: row[k] for k in keys}, **_flat(row, shown)} for row in rows], args.csv)
    if args.plot is not None:
        if not keys:
            fail("--plot needs a swept key for its x axis, and these jobs differ only in seed or fold.")
        x = args.x or keys[0]
        if x not in keys:
            fail(f"--x={x} is not a swept key; the swept keys: {', '.join(keys)}")
        from src.results.plot import plot  # matplotlib: only for --plot

        plot(rows, keys, metrics[0], x, args.plot)
    return text


def direction(metric: str, monitor: str | None, mode: str) -> str:
    """``min`` or ``max``: which is better for ``metric``.

    The sweep's own mode for what it optimised and the monitor's twins (``val/loss``, ``test/loss``); otherwise by the
    metric's name (loss, mae, mse, rmse: less is better).
    """
    name = metric.rpartition("/")[2]
    if metric in ("optimized", "best") or (monitor is not None and name == monitor.rpartition("/")[2]):
        return mode
    return "min" if name in ("loss", "mae", "mse", "rmse") else "max"


def studies(jobs: list[dict[str, Any]], mode: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Each sweep as one row: its command line, its best optimized value, the epochs its jobs trained, its jobs.

    The setting is what differs between the sweeps' command lines (``hydra.sweeper.pruner=median``), repeats
    (``seed``, ``hydra.sweeper.seed``) aside; failed, pruned and unfinished jobs count in ``trials`` and ``epochs``.
    """
    by_sweep: dict[Path, list[dict[str, Any]]] = {}
    for job in jobs:
        by_sweep.setdefault(Path(job["run_dir"]).parent, []).append(job)
    rows = []
    for sweep, members in by_sweep.items():
        done = [job["optimized"] for job in members if job["status"] == "completed" and finite(job.get("optimized"))]
        best = (min if mode == "min" else max)(done) if done else math.nan
        epochs = float(sum(job.get("epochs", 0) for job in members))
        rows.append(
            {**command_line(sweep), "status": "completed", "best": best, "epochs": epochs, "trials": len(members)}
        )
    keys = list(dict.fromkeys(k for row in rows for k in row if k not in REPEATS and _is_override(k, rows)))
    return rows, [k for k in keys if len({str(row.get(k)) for row in rows}) > 1]


def command_line(sweep: Path) -> dict[str, str]:
    """The overrides a sweep was started with (``key: value``), from its multirun.yaml; its folder left out."""
    if not (sweep / "multirun.yaml").is_file():
        fail(f"{sweep} has no multirun.yaml: --studies reads each sweep's command line from it.")
    overrides = OmegaConf.load(sweep / "multirun.yaml").hydra.overrides
    pairs = (o.split("=", 1) for o in [*overrides.hydra, *overrides.task] if "=" in o)
    return {key: value for key, value in pairs if key not in ("hydra.sweep.dir", "hydra.run.dir")}


def default_metrics(jobs: list[dict[str, Any]], monitor: str | None) -> list[str]:
    """The optimized metric, and the monitor's test twin when the jobs logged it (``val/acc`` -> ``test/acc``)."""
    twin = f"test/{monitor.partition('/')[2]}" if monitor else None
    return ["optimized", *([twin] if twin and any(twin in job for job in jobs) else [])]


def _sd(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else math.nan


def _cell(value: tuple[float, float, int], signed: bool = False) -> str:
    mean, sd, n = value
    if n == 0:
        return "–"
    shown = f"{mean:+.1f}" if signed else f"{mean:.4g}"  # a gain in %: its sign, one decimal
    return f"{shown} ± {sd:.2g} ({n})" if n > 1 else f"{shown} (1)"


def _flat(row: dict[str, Any], metrics: list[str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for metric in metrics:
        flat[f"{metric} mean"], flat[f"{metric} sd"], flat[f"{metric} n"] = row[metric]
    return {**flat, **{status: row["left out"].get(status, 0) for status in STATUSES}}


def cli() -> None:
    """Console entry point (``triad-results``); also ``python -m src.results``."""
    main()
