"""Sweeps: an Optuna sweeper on Hydra's Sweeper API, and the summary every multirun leaves in its sweep dir.

A Hydra plugin package: Hydra imports its modules when it scans for plugins, on every command; optuna itself is
imported only when a sweep runs. hydra-optuna-sweeper 1.3.0 pins optuna<3, whose SQLite storage fails with
SQLAlchemy 2; ``optuna_sweeper`` keeps its ``params`` grammar (choice, range, interval, tag(log, ...)) on the
current Optuna instead: studies any number of workers share and continue (SQLite, a journal file, a database),
pruning, repeats over seeds, and tpe, random or grid sampling (``space`` holds the grammar and the samplers).
"""
