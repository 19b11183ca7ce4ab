"""Benchmarks of kg on a real archive (run with ``python bench/run.py``; results in bench/results.md)."""
