"""Where data and runs live: DATA_DIR and LOG_DIR (shell or .env) move them."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.store import register


@dataclass
class PathsConf:
    """Where data and runs live; ``DATA_DIR`` and ``LOG_DIR`` (shell or ``.env``) move them."""

    root_dir: str = "${oc.env:PROJECT_ROOT,.}"  # set by the entry point to the repository root
    data_dir: str = "${oc.env:DATA_DIR,${paths.root_dir}/data}"  # data sets and exported files
    log_dir: str = "${oc.env:LOG_DIR,${paths.root_dir}/logs}"  # every run's folder goes below this
    output_dir: str = "${hydra:runtime.output_dir}"  # this run's folder (set by Hydra)


register("paths", "default", PathsConf)
