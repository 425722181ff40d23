"""Data sources: LightningDataModules that publish a DataSpec."""
