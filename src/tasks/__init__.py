"""Tasks: pooling, decoder head, loss, metrics and prediction post-processing, at sample or position level."""
