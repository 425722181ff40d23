"""Typed schemas for every config option, registered in Hydra's ConfigStore.

One module per config group (``schemas/backbone.py`` for ``configs/backbone/``...). Every value has one home: the
defaults of every option live here, and nowhere else. An option's YAML holds only
its defaults list, ``[/schema/<group>/<name>@_here_]`` (a logger or callback entry: ``/schema/logger/<name>@<name>``,
so that it fills its one entry and ``logger=[csv,mlflow]`` combines them), and a comment on what the option is.
So a misspelled key or a value of the wrong type is rejected while Hydra composes, before anything runs, and
``python -m src.train --cfg job`` shows every value. This module imports only the standard library, Hydra and the
config resolvers: the CLI's ``--help`` and ``--cfg job`` never pay for torch.
"""

import src.runs.resolvers  # noqa: F401  (registers ${newest_ckpt:...}, which the transfer_* presets use)
from schemas import (  # noqa: F401  (each module registers its schemas when imported)
    backbone,
    callbacks,
    data,
    logger,
    optimizer,
    paths,
    roots,
    scheduler,
    task,
    trainer,
)
