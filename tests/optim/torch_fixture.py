"""PyTorch's numbers for the optimizer tests, read from tests/fixtures/torch_optim.npz.

The file is written by tests/fixtures/make_torch_fixtures_optim.py (which needs torch); the
tests only read it.
"""

from pathlib import Path

import minigrad as mg

PATH = Path(__file__).resolve().parents[1] / "fixtures" / "torch_optim.npz"
FIXTURE = mg.load(PATH)
SCHEDULER_FIXTURE = mg.load(PATH.with_name("torch_sched.npz"))
