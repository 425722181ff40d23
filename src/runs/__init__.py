"""Run folders and the life of a run: new, resumed or requeued; what a folder holds, reading it back, writing it.

A job of an Optuna sweep is also a trial of its study: ``trial`` names it, ``study`` opens the study's storage that
the sweep's workers share (with heartbeats) and its pruner.

``folder``, ``life``, ``trial`` and ``metrics`` import only the standard library and OmegaConf (the config resolver
and the sweep summary load them before torch; ``life`` reads a checkpoint only for a run that continues);
``checkpoints`` needs torch, ``study`` optuna.
"""
