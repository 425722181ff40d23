"""Tasks: decoder head, loss, target handling, metrics and prediction post-processing."""
