"""Loggers of tasktriad's own (configs/logger/)."""
