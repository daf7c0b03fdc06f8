"""Benchmarks. Each script measures one thing and writes its own section of RESULTS.md."""
