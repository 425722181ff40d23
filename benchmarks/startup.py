"""Start-up: ``--help``, ``--cfg job`` and ``debug=fdr`` as whole processes, against their floors.

The floors: Hydra alone, the bare imports, and the same imports plus one plain train/val/test batch.

Run:  python -m benchmarks.startup [--rounds 5]      (or: make bench)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from benchmarks.common import ROOT, Record, alternate, arguments, median, wall

IMPORTS = "import torch, lightning.pytorch, torchmetrics, hydra, omegaconf"
COMMANDS = {  # name -> argv; each a whole process, as a user starts it
    "hydra_alone_help": [sys.executable, "-m", "benchmarks.hydra_alone", "--help"],
    "help": [sys.executable, "-m", "src.train", "--help"],
    "cfg_job": [sys.executable, "-m", "src.train", "--cfg", "job"],
    "bare_imports": [sys.executable, "-c", IMPORTS],
    "plain_first_step": [sys.executable, "-m", "benchmarks.plain_first_step"],
    "fdr": [sys.executable, "-m", "src.train", "debug=fdr"],
}


def main() -> None:
    """Every command, alternating, several rounds; the overheads over their floors."""
    args = arguments(__doc__.splitlines()[0])
    record = Record("startup", args)
    rounds = max(args.rounds, 3 if args.quick else 5)
    with tempfile.TemporaryDirectory() as logs:
        env = {**os.environ, "LOG_DIR": logs, "OMP_NUM_THREADS": str(args.threads)}
        if args.device.startswith("cuda"):
            COMMANDS["fdr"] = [*COMMANDS["fdr"], "trainer.accelerator=gpu"]

        def timed(argv: list[str]) -> float:
            return wall(lambda: subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=True))

        seen = alternate({name: (lambda argv=argv: timed(argv)) for name, argv in COMMANDS.items()}, rounds)
    print(f"start-up, whole processes, median of {rounds} rounds")
    times = {name: median(values) for name, values in seen.items()}
    record.figure("startup/hydra_alone_help", times["hydra_alone_help"], "s")
    record.figure("startup/help", times["help"], "s", target="<=0.6")
    record.figure("startup/cfg_job", times["cfg_job"], "s")
    record.figure("startup/bare_imports", times["bare_imports"], "s")
    record.figure("startup/fdr", times["fdr"], "s", target="<=4.5")
    record.figure("startup/plain_first_step", times["plain_first_step"], "s")
    record.figure("startup/fdr_over_imports", times["fdr"] - times["bare_imports"], "s", target="<=0.8")
    record.figure("startup/fdr_over_plain_first_step", times["fdr"] - times["plain_first_step"], "s")


if __name__ == "__main__":
    main()
