"""tasktriad: a backbone, a task and a data source, composed into one LightningModule."""
