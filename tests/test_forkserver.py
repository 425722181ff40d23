"""A command forked by the test fork server is the command a fresh interpreter runs: same output, exit, cwd, env."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.helpers import FORK_SERVER, new_process

pytestmark = pytest.mark.slow  # the server imports torch and Lightning once

# What a `python -m probe` process sees of itself; it exits 3 with a line on stderr.
PROBE = """
import json, os, sys
print(json.dumps({
    "name": __name__,
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "path0": sys.path[0],
    "env": {k: os.environ.get(k) for k in ("PROBE_SET", "PATH")},
    "own_group": os.getpgrp() == os.getpid(),
    "stdin": sys.stdin.read(),
    "project_loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("src", "schemas")),
}))
print("to stderr", file=sys.stderr)
raise SystemExit(3)
"""
FAILING = "raise ValueError('the probe fails')\n"
WAITING = "import os, sys\nread, _ = os.pipe()\nos.read(read, 1)  # blocks: nobody writes\n"


@pytest.fixture
def probes(tmp_path: Path) -> Path:
    """A folder holding the probe modules, to run from as the cwd."""
    for name, text in {"probe": PROBE, "failing": FAILING, "waiting": WAITING}.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


def both(module: str, folder: Path, timeout: float = 120) -> tuple:
    """The same command run by the fork server and by a fresh interpreter; its environment has no PATH."""
    env = {k: v for k, v in os.environ.items() if k != "PATH"} | {"PROBE_SET": "yes"}  # the server has a PATH
    forked = FORK_SERVER.run(module, ["a", "b=c"], env, folder, timeout)
    fresh = new_process([sys.executable, "-m", module, "a", "b=c"], env, folder, timeout)
    return forked, fresh


def test_a_forked_command_sees_and_does_what_a_fresh_one_does(probes: Path) -> None:
    (forked, forked_timeout), (fresh, fresh_timeout) = both("probe", probes)
    assert (forked.returncode, forked.stderr, forked_timeout) == (fresh.returncode, fresh.stderr, fresh_timeout)
    seen, expected = json.loads(forked.stdout), json.loads(fresh.stdout)
    assert seen == expected
    assert forked.returncode == 3
    assert seen["argv"] == ["a", "b=c"] and seen["cwd"] == str(probes) and seen["name"] == "__main__"
    assert seen["env"] == {"PROBE_SET": "yes", "PATH": None} and seen["own_group"] and seen["stdin"] == ""
    assert seen["project_loaded"] == []  # the server preloads third-party packages only


def test_a_forked_command_that_raises_prints_its_traceback_and_exits_1(probes: Path) -> None:
    (forked, _), (fresh, _) = both("failing", probes)
    assert forked.returncode == fresh.returncode == 1
    assert forked.stderr.splitlines()[-1] == fresh.stderr.splitlines()[-1] == "ValueError: the probe fails"
    assert "Traceback" in forked.stderr


def test_a_forked_command_past_its_timeout_is_killed_and_the_server_goes_on(probes: Path) -> None:
    (waited, timed_out) = FORK_SERVER.run("waiting", [], dict(os.environ), probes, timeout=1)
    assert timed_out and waited.returncode == -9
    (after, _), _ = both("probe", probes)
    assert after.returncode == 3
