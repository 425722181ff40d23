"""What every benchmark shares: the machine settings, side-by-side alternating rounds, and the JSON-lines record."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def arguments(description: str) -> argparse.Namespace:
    """The options every benchmark takes: device, torch threads, rounds, where to append its JSON lines."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--device", default="cpu", help="cpu | cuda | auto (cuda when present)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the targets are for 1 on a CPU)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--quick", action="store_true", help="fewer cases and steps: a smoke run")
    parser.add_argument("--out", type=Path, default=None, help="JSON-lines file to append to (default: none)")
    args = parser.parse_args()
    if args.device == "auto":
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    return args


def configure(threads: int) -> None:
    """One process, ``threads`` torch threads (set before torch's pools start), quiet Lightning."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    import logging
    import warnings

    import lightning.pytorch  # noqa: F401  (its import sets its loggers to INFO: set them after it)
    import torch

    torch.set_num_threads(threads)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    logging.getLogger("lightning.fabric").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


def sequence_backbones() -> list[str]:
    """Every backbone option whose class gives features per position (schemas/backbone.py): each is benchmarked."""
    from src.build.compatibility import fitting_options

    return fitting_options("backbone", lambda cls: getattr(cls, "features", None) == "position")


def alternate(contestants: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each contestant once per round, in turn, so that a slow spell of the machine hits them all alike."""
    seen: dict[str, list[float]] = {name: [] for name in contestants}
    for _ in range(rounds):
        for name, run in contestants.items():
            seen[name].append(run())
    return seen


def wall(run: Callable[[], Any]) -> float:
    """Seconds ``run`` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    """The median (of rounds, or of steps)."""
    return statistics.median(values)


def commit() -> str:
    """The short commit hash, with ``+`` when the working tree has changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, cwd=ROOT)
        return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def cpu_name() -> str:
    """The CPU's model name, and whether it has bf16 instructions (Linux's /proc/cpuinfo), else what ``platform`` knows.

    Figures differ by CPU: bf16 autocast is slower than float32 on one without bf16 instructions, faster on one with.
    """
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    first = lines[: lines.index("")] if "" in lines else lines  # the first CPU's fields
    info = {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in first if ":" in line)}
    bf16 = {"avx512_bf16", "amx_bf16"} & set(info.get("flags", "").split())
    name = info.get("model name") or platform.machine()
    return f"{name}, {'with' if bf16 else 'without'} bf16 instructions"


def machine(device: str, threads: int) -> dict[str, Any]:
    """The context a figure needs to be compared: device, threads, versions."""
    import lightning
    import torch

    name = torch.cuda.get_device_name() if device.startswith("cuda") else cpu_name()
    return {
        "device": device,
        "device_name": name,
        "cpus": os.cpu_count(),
        "threads": threads,
        "torch": torch.__version__,
        "lightning": lightning.__version__,
        "python": platform.python_version(),
    }


class Record:
    """Prints each figure as a table row and appends it as one JSON line (if a file is given)."""

    def __init__(self, bench: str, args: argparse.Namespace) -> None:
        self.bench, self.out, self.context = bench, args.out, machine(args.device, args.threads)
        self.commit = commit()

    def figure(self, name: str, value: float, unit: str, **extra: Any) -> None:
        """One measured figure: ``name`` (e.g. ``step/mlp_big/ratio``), its value and unit, and anything else."""
        target = extra.get("target")
        verdict = "" if target is None else ("  ok" if _meets(value, target) else "  MISSES")
        shown = f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
        print(f"  {name:<46} {shown:>10} {unit:<9}{'' if target is None else f' target {target}'}{verdict}")
        line = {"bench": self.bench, "name": name, "value": value, "unit": unit, "commit": self.commit}
        line |= extra | {"date": date.today().isoformat(), **self.context}
        if self.out is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with self.out.open("a") as handle:  # appended line by line: an interrupted run keeps what it measured
                handle.write(json.dumps(line) + "\n")


def _meets(value: float, target: str) -> bool:
    """Whether ``value`` meets a target written ``<=1.3`` or ``>=0.5``."""
    bound = float(target[2:])
    return value <= bound if target.startswith("<=") else value >= bound
