"""Lightning callbacks of tasktriad's own (configs/callbacks/)."""
