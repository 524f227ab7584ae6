"""Benchmarks, run by hand (`python -m bench.<name>`); results are written down in bench/README.md."""
