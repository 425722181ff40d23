"""Data sources: LightningDataModules that publish a DataSpec and yield Batches; simulated/ and files/."""
