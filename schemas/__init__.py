"""Typed schemas of every config option and of the three roots, registered in Hydra's ConfigStore.

One module per config group (``schemas/backbone.py`` for ``backbone=``...). An option of tasktriad's own is its
class: ``schemas/store.py`` reads the class's signature (its settings and their defaults, never written twice) into
a dataclass and registers it as the group's option, so ``backbone=mlp`` needs no YAML. Options of Lightning's or
torch's classes (trainer, optimizers, callbacks, loggers) are hand-written dataclasses here. A misspelled key or a
value of the wrong type is rejected while Hydra composes, before anything runs, and ``--cfg job`` shows every
value. Only the standard library, Hydra and the config resolvers are imported: ``--help`` never pays for torch.
"""

import src.runs.folder  # noqa: F401  (registers ${newest_ckpt:...}, which the transfer_* presets use)
from schemas import (  # noqa: F401  (each module registers its options when imported)
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
