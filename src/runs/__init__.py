"""Run folders: where a run lives, what it holds (overrides, metrics.csv, checkpoints), reading it back, resuming it.

``folder``, ``metrics``, ``files`` and ``resolvers`` import only the standard library and OmegaConf (the config
resolvers and the sweep callback load them before torch); ``checkpoints`` is the one module here that needs torch.
"""
