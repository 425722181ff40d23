"""Pluggable samplers for simulated data: each returns a whole batch per call."""
