"""Fixtures for the graph tests: the gold graph of the sample page and triple-store servers on loopback."""
