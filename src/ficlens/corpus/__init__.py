"""Corpus mode: batch runs to Parquet, SQL over the results, local or Ray engines."""

ENGINES = ("local", "ray")
