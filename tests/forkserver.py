"""Commands for the tests, forked from a process that has already imported torch, Lightning and Hydra.

A command the suite runs (``python -m src.train ...``) spends most of its time importing torch, Lightning and
torchmetrics (5–8 s on 2 cores) before it reads its command line, and the suite runs over a hundred. This server
pays that once per test worker: it imports those third-party packages (never the project's own modules), then forks
one child per command. The child becomes the command: a session of its own (a process group, as
``start_new_session``), its cwd, environment and arguments, stdout and stderr into files, stdin from /dev/null; then
it runs the module as ``python -m`` does (``runpy``, as ``__main__``) and ends through the interpreter's normal
shutdown. What a command reads, composes, imports of the project, prints, writes and exits with is its own.

Commands whose subject is the start of a process (what it imports, how fast ``--help`` is) run as fresh processes:
``tests/cli/test_entry_points.py`` starts its own, and ``run_cli`` never sends ``--help`` or ``--cfg`` here.

Protocol, one command at a time, JSON lines over the server's stdin and stdout: a request
``{"module", "args", "env", "cwd", "stdout", "stderr"}``; the replies ``{"pid"}`` once forked, then
``{"returncode"}`` (negative: killed by that signal, as ``subprocess`` reports it).
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

PRELOADED = ("torch", "lightning.pytorch", "torchmetrics", "hydra", "omegaconf")  # every run imports them anyway
ROOT = Path(__file__).resolve().parents[1]


class ForkServer:
    """The suite's side: starts the server on first use, sends it one command at a time, reads what it printed."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.pending = b""
        self.lock = threading.Lock()

    def run(
        self, module: str, args: list[str], env: dict[str, str], cwd: Path, timeout: float
    ) -> tuple[subprocess.CompletedProcess, bool]:
        """Run ``python -m <module> <args>`` in a forked child: what it did, and whether it was killed at timeout."""
        with self.lock, tempfile.TemporaryDirectory(prefix="command-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            out.touch()
            err.touch()
            request = {"module": module, "args": args, "env": env, "cwd": str(cwd), "stdout": str(out)}
            self.send({**request, "stderr": str(err)})
            pid = self.reply(None)["pid"]
            ended = self.reply(time.monotonic() + timeout)
            timed_out = ended is None
            if ended is None:  # past its time: the whole group goes, as run_cli does for a fresh process
                os.killpg(pid, signal.SIGKILL)
                ended = self.reply(None)
            command = [sys.executable, "-m", module, *args]
            done = subprocess.CompletedProcess(command, ended["returncode"], out.read_text(), err.read_text())
            return done, timed_out

    def send(self, request: dict[str, Any]) -> None:
        """Start the server if need be, and send it one request."""
        if self.process is None or self.process.poll() is not None:
            self.pending = b""
            command = [sys.executable, "-m", "tests.forkserver"]
            self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            atexit.register(self.close)
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()

    def reply(self, deadline: float | None) -> dict[str, Any] | None:
        """The server's next reply; None if ``deadline`` (a ``time.monotonic()``) passes first."""
        assert self.process is not None and self.process.stdout is not None
        channel = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([channel], [], [], wait)[0]:
                return None
            chunk = os.read(channel, 65536)
            if not chunk:
                raise RuntimeError(f"the test fork server ended (exit {self.process.wait()})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        """End the server: it stops when its stdin closes."""
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=60)


def serve(requests: IO[str], replies: IO[str]) -> dict[str, Any]:
    """Fork a child per request and report its pid and exit code; in the child, return its request."""
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            return request
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
        replies.flush()
    sys.exit(0)  # the suite closed the channel


def become(request: dict[str, Any]) -> None:
    """In the child: the command's session, cwd, environment, standard streams and ``sys.argv``."""
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    streams = {0: (os.devnull, os.O_RDONLY), 1: (request["stdout"], os.O_WRONLY), 2: (request["stderr"], os.O_WRONLY)}
    for fd, (path, flags) in streams.items():
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.path[0] = os.getcwd()  # as `python -m` puts the cwd first
    sys.argv = [request["module"], *request["args"]]


def main() -> None:
    """Keep the channel off the standard streams, import the heavy packages, serve; a child runs its command."""
    channel = (os.dup(0), os.dup(1))
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # nothing an import prints can reach the channel
    os.close(null)
    for name in PRELOADED:
        __import__(name)
    with os.fdopen(channel[0]) as requests, os.fdopen(channel[1], "w") as replies:
        request = serve(requests, replies)  # only a child gets here; leaving closes its copy of the channel
    become(request)
    runpy.run_module(request["module"], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
