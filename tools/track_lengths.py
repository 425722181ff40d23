"""Accuracy against track length on the whole-track copy-number problem, per backbone, run with the project's commands.

Each cell (backbone, track length) is one multirun of ``experiment=tumour_track`` over seeds 1, 2, 3 at one budget
for all: 16,384 positions a step (16 tracks of 1,024, 4 of 4,096, 1 of 16,384), 64 steps an epoch of fresh tracks,
4 epochs (256 steps, 4.2M positions); 131,072 validation and 262,144 test positions, fixed by seed. The backbones
keep their defaults (width 64; the tcn's receptive field is 61 bins). One more cell runs hyena at the longest
length with sequence-length warm-up (``data.warmup=[1024,4096]``: the first two epochs on windows). Each job's
test predictions (``src.predict``) are scored by ``tools/position_report.py``: accuracy over all bins, and within
``--near`` bins of a change of state. A cell whose folder exists is not run again, a job's predictions not
predicted again: run the tool again after a failure and it finishes what is left.

Run:  python -m tools.track_lengths logs/track_lengths           (about 45 min on 2 CPU cores)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from tools.commands import run
from tools.position_report import report

STEP, STEPS, EPOCHS = 16_384, 64, 4  # positions a step, steps an epoch, epochs
VAL, TEST = 131_072, 262_144  # positions in the validation and test sets
LENGTHS = {"tcn": (1024, 4096, 16384), "hyena": (1024, 4096, 16384), "gru": (1024, 4096), "transformer": (1024, 4096)}
WARMUP = (1024, 4096)  # the warm-up cell's window lengths, one an epoch
Cell = tuple[str, int, bool]  # backbone, track length, with warm-up


def cells() -> list[Cell]:
    """Every cell, the costliest first (the GRU and the transformer at 4k), then the warm-up cell."""
    plain = [(b, length, False) for b, lengths in LENGTHS.items() for length in lengths]
    plain.sort(key=lambda c: (c[0] in ("tcn", "hyena"), -c[1]))
    return [*plain, ("hyena", max(LENGTHS["hyena"]), True)]


def cell_overrides(cell: Cell) -> list[str]:
    """The command-line overrides of one cell: its backbone, its length and the budget in tracks."""
    backbone, length, warm = cell
    tracks = STEP // length  # a step's tracks
    chosen = [
        "experiment=tumour_track",
        f"backbone={backbone}",
        f"data.sampler.length={length}",
        f"data.batch_size={tracks}",
        f"data.num_train={tracks * STEPS}",
        f"data.num_val={VAL // length}",
        f"data.num_test={TEST // length}",
        f"trainer.max_epochs={EPOCHS}",
    ]
    return [*chosen, f"data.warmup=[{','.join(map(str, WARMUP))}]"] if warm else chosen


def cell_name(cell: Cell) -> str:
    """A folder name for the cell: ``hyena_L16384`` or ``hyena_L16384_warmup``."""
    backbone, length, warm = cell
    return f"{backbone}_L{length}{'_warmup' if warm else ''}"


def minutes(job: Path) -> float:
    """A job's wall time from its log's first and last time stamps (training, validation and test), in minutes."""
    stamps = [line[1:24] for line in (job / "train.log").read_text().splitlines() if line.startswith("[20")]
    first, last = (datetime.strptime(s, "%Y-%m-%d %H:%M:%S,%f") for s in (stamps[0], stamps[-1]))
    return (last - first).total_seconds() / 60


def score(job: Path, near: int, threads: int) -> dict[str, float] | None:
    """The job's test predictions scored near and far from changes (predicted once, into the job's folder)."""
    predictions, scores = job / "predictions.csv", job / "positions.json"
    if not (job / "checkpoints" / "best.ckpt").is_file():
        return None  # a failed job: left out, and its cell's count (n) shows it
    if not scores.is_file():
        if not predictions.is_file():
            command = [sys.executable, "-m", "src.predict", f"ckpt_path={job}/checkpoints/best.ckpt"]
            if run([*command, f"output={predictions}"], job / "predict.log", threads) != 0:
                return None  # its predict.log says why; the next run of the tool tries again
        result = {**report(predictions, near), "minutes": minutes(job)}
        temporary = scores.with_suffix(".tmp")
        temporary.write_text(json.dumps(result))
        temporary.replace(scores)  # written whole or not at all
    return json.loads(scores.read_text())


def run_cell(cell: Cell, out: Path, threads: int, near: int) -> list[dict[str, float]]:
    """The cell's multirun (unless its folder exists), then each job's scores."""
    sweep = out / cell_name(cell)
    if not sweep.exists():
        command = [sys.executable, "-m", "src.train", "-m", "seed=1,2,3", *cell_overrides(cell)]
        run([*command, f"hydra.sweep.dir={sweep}"], out / f"{cell_name(cell)}.log", threads)
    jobs = sorted(p for p in sweep.glob("[0-9]*") if p.is_dir())
    return [s for s in (score(job, near, threads) for job in jobs) if s is not None]


def mean_sd(values: list[float], digits: int = 3) -> str:
    """``0.812 ± 0.004 (3)``: the mean, the sample deviation and the count."""
    if not values:
        return "–"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {sd:.{digits}f} ({len(values)})"


def table(results: dict[Cell, list[dict[str, float]]], near: int) -> str:
    """The Markdown table: a row per cell, accuracy over all bins, near and far from a change, minutes a run."""
    lines = [
        f"| backbone | length | warm-up | accuracy | near a change (< {near} bins) | far from one | minutes a run |",
        "|---|---|---|---|---|---|---|",
    ]
    for (backbone, length, warm), scores in sorted(results.items(), key=lambda item: (item[0][1], item[0][0])):
        columns = [mean_sd([s[f"{k}/acc"] for s in scores]) for k in ("all", "near", "far")]
        time = mean_sd([s["minutes"] for s in scores], 1)
        warmup = "/".join(map(str, WARMUP)) if warm else "–"
        lines.append(f"| {backbone} | {length:,} | {warmup} | {' | '.join(columns)} | {time} |")
    return "\n".join(lines)


def main() -> None:
    """Every cell, two side by side, then the table."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("out", type=Path, help="a folder for the sweeps (one per cell) and their logs")
    parser.add_argument("--jobs", type=int, default=2, help="cells run side by side")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of each command")
    parser.add_argument("--near", type=int, default=4, help="bins closer than this to a change are 'near'")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    every = cells()
    with ThreadPoolExecutor(args.jobs) as pool:
        scores = list(pool.map(lambda cell: run_cell(cell, args.out, args.threads, args.near), every))
    print(table(dict(zip(every, scores, strict=True)), args.near))


if __name__ == "__main__":
    main()
