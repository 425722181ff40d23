"""What the study tools share: running one of the project's commands on a given number of threads, logged to a file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def run(command: list[str], log: Path, threads: int) -> int:
    """Run one command with its output in ``log``; say how it ended."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    print(" ".join(command[1:]), flush=True)
    with log.open("a") as out:
        code = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    print(f"{'done' if code == 0 else f'FAILED ({code})'}: {log}", flush=True)
    return code
