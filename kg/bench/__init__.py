"""Benchmarks: `make bench` runs `python -m kg.bench` and prints one table."""
