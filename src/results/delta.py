"""Δm: a multi-task setting's mean relative gain over its single-task settings, seed by seed.

Maninis et al. (2019): Δm = 100 / T · Σ_t (−1)^{l_t} (M_m,t − M_b,t) / M_b,t over the T metrics, l_t = 1 where less is
better; M_b,t is the metric of the setting that logged metric t alone (the single-task run of that head). Each job is
paired with the baseline job of the same repeat (seed, fold), so the spread is that of the paired gains.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from src.cli.reporting import fail

Job = dict[str, Any]
REPEATS = ("seed", "data.fold", "hydra.sweeper.seed")  # averaged over: a setting is everything else that was swept


def column(groups: list[list[Job]], metrics: list[str], better: dict[str, str]) -> list[tuple[float, float, int]]:
    """The Δm of each setting (mean, sd, n), against the settings that log one of ``metrics`` alone."""
    bases = baselines(groups, metrics)
    return [delta_m(members, bases, better) for members in groups]


def repeat(job: Job) -> tuple:
    """What pairs a job with its baseline: its seed and fold."""
    return tuple(job.get(key) for key in REPEATS)


def baselines(groups: list[list[Job]], metrics: list[str]) -> dict[str, dict]:
    """For each metric, its single-task jobs by repeat: those of the one setting that logged that metric alone."""
    found: dict[str, dict] = {}
    for members in groups:
        done = [job for job in members if job["status"] == "completed"]
        logged = [m for m in metrics if any(finite(job.get(m)) for job in done)]
        if len(logged) == 1:
            if logged[0] in found:
                fail(f"--delta-m: two settings log {logged[0]} alone; give the folders of one single-task run of it.")
            found[logged[0]] = {repeat(job): job[logged[0]] for job in done if finite(job.get(logged[0]))}
    missing = [m for m in metrics if m not in found]
    if missing:
        fail(
            f"--delta-m needs, for each metric, a setting that logs it alone (its single-task run); none logs "
            f"{', '.join(missing)} alone. Add those runs' folders, or choose the metrics with --metric."
        )
    return found


def delta_m(members: list[Job], bases: dict[str, dict], better: dict[str, str]) -> tuple[float, float, int]:
    """Mean, sd and n of Δm (in %) over the setting's jobs that log every metric and have paired baselines."""
    gains = []
    for job in members:
        if job["status"] != "completed" or not all(finite(job.get(m)) for m in bases):
            continue
        pairs = [(job[m], bases[m].get(repeat(job)), 1 if better[m] == "max" else -1) for m in bases]
        if all(base is not None and base != 0 for _, base, _ in pairs):
            gains.append(100 * statistics.mean(sign * (value - base) / base for value, base, sign in pairs))
    if not gains:
        return math.nan, math.nan, 0
    return statistics.mean(gains), statistics.stdev(gains) if len(gains) > 1 else math.nan, len(gains)


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (a metric that was logged)."""
    return isinstance(value, int | float) and math.isfinite(value)
