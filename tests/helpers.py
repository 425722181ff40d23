"""Shared test helpers: compose configs like the CLI does, list config options, run the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import PIPE

import pytest
from omegaconf import DictConfig

from schemas.store import options as store_options
from src.cli.compose import compose_run
from src.cli.launch import load_env
from tests.forkserver import ForkServer

load_env()  # PROJECT_ROOT and .env, as a console entry point sets them before Hydra composes
ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def options(group: str) -> list[str]:
    """The option names of a config group: its schemas (schemas/) and its compositions (configs/<group>/*.yaml).

    Read from where options are registered, so that a new one is tested without editing a test.
    """
    return sorted({*store_options(group), *(p.stem for p in (CONFIGS / group).glob("*.yaml"))})


def transfer_sources() -> list[str]:
    """The experiments whose newest checkpoint a ``transfer_*`` preset starts from (``${newest_ckpt:...,<name>}``)."""
    texts = (p.read_text() for p in (CONFIGS / "experiment").glob("*.yaml"))
    return sorted({name for text in texts for name in re.findall(r"\$\{newest_ckpt:[^,]+,(\w+)[,}]", text)})


def compose_cfg(config_name: str, overrides: list[str], out_dir: Path) -> DictConfig:
    """Compose a root config with the Hydra node set, exactly as the CLI would, writing into ``out_dir``."""
    return compose_run(config_name, overrides, out_dir)


def fast_train_cfg(overrides: list[str], out_dir: Path) -> DictConfig:
    """A training config sized for tests: small simulated data (unless other data is chosen), defaults otherwise."""
    chosen = any(o.startswith("experiment=") or (o.startswith("data=") and o != "data=simulated") for o in overrides)
    small = [] if chosen else ["data.num_train=512", "data.num_val=256", "data.num_test=256"]
    small += ["trainer.log_every_n_steps=1"]  # every default feature stays on: progress bar, logger, checkpoints
    return compose_cfg("train", [*small, f"paths.log_dir={out_dir}", *overrides], out_dir)  # the caller's win


ENTRY_POINTS = ("src.train", "src.eval", "src.predict")
NOT_RUNNING = {"--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i"}  # flags after which nothing runs
FORK_SERVER = ForkServer()  # one per test process, started by its first command
TRAIN_MARKER = {"allowed": False}  # set for each test by tests/conftest.py from its @pytest.mark.train


def require_train_marker(what: str) -> None:
    """Fail the current test unless it is marked ``train``: ``make test-fast`` must be able to leave it out."""
    if not TRAIN_MARKER["allowed"]:
        pytest.fail(f"{what}: this test trains or runs a command; mark it @pytest.mark.train", pytrace=False)


def run_cli(
    module: str,
    *args: str,
    env: dict[str, str | None] | None = None,
    cwd: Path = ROOT,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``python -m <module> <args>`` as a user would; output captured as text. ``env`` None values unset.

    The command runs in a process group of its own: past ``timeout`` the whole group (DDP children included) is
    killed and the test fails, so that a hang never stalls the suite. Running an entry point (anything past
    ``--help`` or ``--cfg``) needs the ``train`` marker, and is forked from a process that has already imported
    torch, Lightning and Hydra (``tests/forkserver.py``: the same command, seconds sooner). Anything else
    (``--help``, ``--cfg``, the tools that need no torch) starts a new interpreter.
    """
    runs = module in ENTRY_POINTS and not NOT_RUNNING & set(args)
    if runs:
        require_train_marker(f"python -m {module} {' '.join(args)}")
    full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    command = [sys.executable, "-m", module, *args]
    if runs:
        done, timed_out = FORK_SERVER.run(module, list(args), full_env, cwd, timeout)
    else:
        done, timed_out = new_process(command, full_env, cwd, timeout)
    if timed_out:
        pytest.fail(f"{' '.join(command)} still ran after {timeout} s (killed):\n{done.stderr[-3000:]}", pytrace=False)
    return done


def new_process(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float
) -> tuple[subprocess.CompletedProcess, bool]:
    """Run ``command`` in a new interpreter and process group: what it did, and whether it was killed at timeout."""
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            timed_out = True
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), timed_out


def start_cli(module: str, *args: str, output: Path, env: dict[str, str | None] | None = None) -> subprocess.Popen:
    """Start ``python -m <module> <args>`` in a process group of its own, stdout and stderr into ``output``."""
    require_train_marker(f"python -m {module} {' '.join(args)}")
    full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    with output.open("w") as sink:  # a file, not a pipe: a pipe nobody reads would block a chatty command
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=full_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    process.output = output  # type: ignore[attr-defined]
    return process


def wait_until(condition: Callable[[], bool], process: subprocess.Popen | None, timeout: float = 300) -> None:
    """Poll ``condition`` (while ``process``, if given, runs); fail if it ends first or time runs out.

    A command still running when time runs out is killed with its whole process group.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the command ended (exit {process.returncode}) first:\n{process.output.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            if process is not None:
                os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"still waiting after {timeout} s")
        time.sleep(0.05)


def finish(process: subprocess.Popen, timeout: float = 300) -> subprocess.CompletedProcess:
    """Wait for ``process`` (its output in ``stdout``); past ``timeout`` kill its whole group and fail."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"still running after {timeout} s (killed)", pytrace=False)
    return subprocess.CompletedProcess(process.args, process.returncode, process.output.read_text(), "")


def digest(folder: Path, *, skip: tuple[str, ...] = (".log",)) -> dict[str, str]:
    """Every file below ``folder`` and its hash (files ending in ``skip`` left out): equal digests, untouched files."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(skip)
    }


def selecting(group: str, option: str) -> list[str]:
    """Overrides that select ``group=option``; a nested group (data/sampler) first selects a parent that has it."""
    parent, _, child = group.rpartition("/")
    if not parent:
        return [f"{group}={option}"]
    for candidate, schema in store_options(parent).items():  # a parent whose defaults list selects the group
        fields = {f.name: f for f in dataclasses.fields(schema)}
        chosen = fields["defaults"].default_factory() if "defaults" in fields else []  # type: ignore[misc]
        if any(isinstance(entry, dict) and child in entry for entry in chosen):
            return [*selecting(parent, candidate), f"{group}={option}"]
    raise LookupError(f"no option of {parent} has a {child} group")
