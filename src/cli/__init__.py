"""What the entry points (train, eval, predict) share: environment, override checks, error reporting, results.

Everything a command does before its config is composed imports no torch: ``--help`` and ``--cfg job`` stay fast.
"""
