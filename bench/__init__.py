"""Benchmarks of minigrad against PyTorch (never imported by minigrad or its tests)."""
