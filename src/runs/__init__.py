"""Run folders and the life of a run: new, resumed or requeued; what a folder holds, reading it back, writing it.

``folder``, ``life`` and ``metrics`` import only the standard library and OmegaConf (the config resolver and the
sweep summary load them before torch; ``life`` reads a checkpoint only for a run that continues); ``checkpoints``
needs torch.
"""
