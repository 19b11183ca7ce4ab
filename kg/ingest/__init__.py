"""Ingest: read source files, clean PDF/web artifacts with an offset map, and split pages into articles."""
