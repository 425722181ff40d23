"""The MQAR capacity slice of Zoology (Arora et al. 2023, figure 2) run with the project's own commands.

Stage 1, per cell (backbone, width, sequence length, key-value pairs): ``hparams_search=mqar_lr``, Zoology's four
learning rates on seed 1, the median pruner on. Stage 2: the best rate of each cell (by validation accuracy) at
seeds 1, 2 and 3, one multirun per cell. ``--jobs`` commands run side by side, each on ``--threads`` threads. Run
again, a stage-1 sweep continues its study, and a stage-2 folder that exists is left as it is (move it away to run
that cell again). Then the two tables:

    python -m src.results OUT/best_*/ --metric test/acc         # each cell's best rate, mean ± sd over seeds 1-3
    python -m src.results OUT/lr_*/ --studies                   # each cell's sweep: best val/acc, epochs, trials

Run:  python -m tools.mqar_slice logs/mqar_slice           (1 h 40 min on 2 CPU cores)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.commands import run

BACKBONES, WIDTHS, SHAPES = ("hyena", "transformer", "gru"), (128, 64), ((128, 8), (64, 4))
CELLS = [(b, w, length, pairs) for length, pairs in SHAPES for b in BACKBONES for w in WIDTHS]  # the costliest first
TRAIN = [sys.executable, "-m", "src.train"]


def cell_overrides(cell: tuple[str, int, int, int]) -> list[str]:
    """The command-line overrides that set one cell."""
    backbone, width, length, pairs = cell
    return [
        f"backbone={backbone}",
        f"backbone.width={width}",
        f"data.sampler.length={length}",
        f"data.sampler.pairs={pairs}",
    ]


def cell_name(cell: tuple[str, int, int, int]) -> str:
    """A folder name for the cell: ``hyena_w128_L128_p8``."""
    backbone, width, length, pairs = cell
    return f"{backbone}_w{width}_L{length}_p{pairs}"


def best_rate(sweep: Path) -> float:
    """The learning rate of the sweep's best trial, read from its Optuna study."""
    import optuna

    study = optuna.load_study(study_name="mqar_lr", storage=f"sqlite:///{sweep / 'optuna.db'}")
    return float(study.best_params["optimizer.lr"])


def main() -> None:
    """Stage 1, stage 2, then the tables."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("out", type=Path, help="a folder for the sweeps (lr_<cell>, best_<cell>)")
    parser.add_argument("--jobs", type=int, default=2, help="commands run side by side")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of each command")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    first = [
        (
            [
                *TRAIN,
                "experiment=mqar_capacity",
                "hparams_search=mqar_lr",
                "seed=1",
                *cell_overrides(c),
                f"hydra.sweep.dir={args.out}/lr_{cell_name(c)}",
            ],
            args.out / f"lr_{cell_name(c)}.log",
        )
        for c in CELLS
    ]
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda job: run(*job, args.threads), first))
    second = [
        (
            [
                *TRAIN,
                "-m",
                "experiment=mqar_capacity",
                "seed=1,2,3",
                *cell_overrides(c),
                f"optimizer.lr={best_rate(args.out / f'lr_{cell_name(c)}')}",
                f"hydra.sweep.dir={args.out}/best_{cell_name(c)}",
            ],
            args.out / f"best_{cell_name(c)}.log",
        )
        for c in CELLS
        if not (args.out / f"best_{cell_name(c)}").exists()
    ]
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda job: run(*job, args.threads), second))
    results = [sys.executable, "-m", "src.results"]
    subprocess.run([*results, *sorted(map(str, args.out.glob("best_*/"))), "--metric", "test/acc"], check=False)
    subprocess.run([*results, *sorted(map(str, args.out.glob("lr_*/"))), "--studies"], check=False)


if __name__ == "__main__":
    main()
