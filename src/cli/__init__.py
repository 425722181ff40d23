"""What the entry points (train, eval, predict) share: one parse and one composition, the job around their work.

Everything a command does before its job starts imports no torch: ``--help`` and ``--cfg job`` stay fast.
"""
