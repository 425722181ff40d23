"""Simulated data: a DataModule whose batches a pluggable sampler draws, a whole batch per call, from seeded streams."""
