"""Samplers of simulated data: each a fixed problem that returns a whole Batch per call from the generator given."""
