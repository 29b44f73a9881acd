"""Benchmarks behind `make bench`: each `bench_*.py` module contributes table rows."""
