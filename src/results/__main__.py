"""``python -m src.results``: the results command (``src/results/__init__.py``)."""

from src.results import cli

cli()
