"""Sweep helpers: what a multirun leaves behind (summary.csv, summary.png)."""
