"""A Hydra sweeper on current Optuna (ask-and-tell), with resumable SQLite studies.

hydra-optuna-sweeper 1.3.0 pins optuna<3, whose SQLite storage fails with SQLAlchemy 2; this plugin keeps its
``params`` grammar (choice, range, interval, tag(log, ...)) on the current Optuna instead.
"""
