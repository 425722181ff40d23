"""Entry-point helpers: building the triad from config, the run plumbing, error reporting."""
