"""The results command's figure: a metric against a swept key, a line per other setting, with error bars."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any


def plot(rows: list[dict[str, Any]], keys: list[str], metric: str, x: str, path: Path) -> None:
    """``metric`` against swept key ``x``: one line per setting of the other keys, mean with ± sd error bars."""
    from matplotlib.figure import Figure  # no pyplot: no display, no global state

    from src.runs.folder import atomic_write

    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    lines: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        lines.setdefault(tuple(f"{k}={row[k]}" for k in keys if k != x), []).append(row)
    for label, members in lines.items():
        members = sorted(members, key=lambda r: _number_or_text(r[x]))
        means, sds = (
            [r[metric][0] for r in members],
            [0.0 if math.isnan(r[metric][1]) else r[metric][1] for r in members],
        )
        ax.errorbar(
            [str(r[x]) for r in members], means, yerr=sds, marker="o", capsize=3, label=", ".join(label) or None
        )
    ax.set(xlabel=x, ylabel=metric)
    if any(lines):
        ax.legend(fontsize="small")
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=100)


def _number_or_text(value: str) -> tuple[int, float | str]:
    try:
        return 0, float(value)
    except ValueError:
        return 1, value
