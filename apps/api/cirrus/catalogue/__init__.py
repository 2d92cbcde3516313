"""Articles, article groups and units, and their reference data (spec part 1 §3.3, O30-O51)."""
