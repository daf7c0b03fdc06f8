import subprocess
import sys

import pytest

import minigrad as mg


@pytest.mark.skipif(mg.cuda.is_available(), reason="tests the message given without a GPU")
def test_the_gpu_benchmark_says_plainly_that_it_needs_a_gpu():
    done = subprocess.run(
        [sys.executable, "-m", "bench.gpu_kernels", "--quick"], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "needs a CUDA GPU and CuPy" in done.stderr and "nothing was measured" in done.stderr
