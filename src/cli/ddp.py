"""DDP under Hydra: each job its own child processes, running that job only, and its own process group.

Lightning starts ranks 1.. by re-running ``sys.argv`` with ``hydra.run.dir=<hydra.run.dir>`` appended. Inside a
multirun that would start the whole sweep again in every child, into a folder of its own. So each job records its
own command line (its overrides and its run folder) in the environment, which the children inherit, and a child
runs that instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "TASKTRIAD_JOB_ARGV"
KEPT = ("hydra.job.name=", "hydra.output_subdir=")  # what Lightning appends for a child that still applies
LAUNCH_ENV = ("MASTER_ADDR", "MASTER_PORT", "NODE_RANK", "LOCAL_RANK", "WORLD_SIZE")  # set by Lightning's launcher


def publish_job() -> None:
    """Record this job's own command line for the DDP processes its Trainer will start."""
    from hydra.core.hydra_config import HydraConfig

    if not HydraConfig.initialized():
        return
    hydra = HydraConfig.get()
    os.environ[ENV] = json.dumps([*hydra.overrides.task, f'hydra.run.dir="{hydra.runtime.output_dir}"'])


def child_argv(argv: list[str]) -> list[str]:
    """A DDP child's arguments: its job's own command line; anything else is returned unchanged."""
    if "LOCAL_RANK" not in os.environ or ENV not in os.environ:
        return argv
    return [*json.loads(os.environ[ENV]), *(a for a in argv if a.startswith(KEPT))]


@contextmanager
def own_process_group() -> Iterator[None]:
    """On leaving, end this job's process group and forget how its children were launched.

    Lightning keeps the group until the process exits and leaves ``LOCAL_RANK`` & co. in the environment, where
    the next job of a multirun (same process) would read them as "launched externally" and wait for children
    that are never started.
    """
    before = {key: os.environ.get(key) for key in LAUNCH_ENV}
    try:
        yield
    finally:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
