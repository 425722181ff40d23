"""File data: a DataModule over files that a datagetter lists and a reader reads, split by a seed."""
