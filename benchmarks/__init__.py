"""Benchmarks: printed measurements against same-run baselines; not part of the pass/fail suite."""
