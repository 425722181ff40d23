"""Benchmarks: tasktriad measured side by side with plain PyTorch (``make bench``; see README "Performance")."""
