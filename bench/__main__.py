"""`python -m bench` lists the benchmarks."""

import pkgutil
from pathlib import Path

print("Benchmarks (run one with: python -m bench.<name> --help):")
for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if not info.name.startswith("_"):
        print("  bench." + info.name)
