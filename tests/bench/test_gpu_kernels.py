"""bench/gpu_kernels.py and bench/gpu_training.py, run end to end on the CPU through the CuPy
stand-in (tests/strict_cupy.py) at tiny sizes, so the scripts a lent GPU's short lease runs
have had every line executed first. The timings here mean nothing; the errors, the table's
rows and the targets' arithmetic do.
"""

import subprocess
import sys
import time
import types

import pytest

import minigrad as mg
from bench import gpu_kernels, gpu_report, gpu_training
from tests import strict_cupy


@pytest.mark.skipif(mg.cuda.is_available(), reason="tests the message given without a GPU")
@pytest.mark.parametrize("script", ["bench.gpu_kernels", "bench.gpu_training"])
def test_the_gpu_benchmarks_say_plainly_that_they_need_a_gpu(script):
    done = subprocess.run([sys.executable, "-m", script, "--quick"], capture_output=True, text=True)
    assert done.returncode != 0
    assert "needs a CUDA GPU and CuPy" in done.stderr and "nothing was measured" in done.stderr


class _Event:
    def record(self):
        self.at = time.perf_counter()

    def synchronize(self):
        pass


class _MemoryHook:
    """Installs nothing: the stand-in has no memory pool to watch, so every peak reads 0."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def standin_cupy_with_timing(standin_gpu, monkeypatch):
    """The stand-in with what the benchmarks use beyond minigrad's needs: events, a memory
    hook, the memory pool and the device's properties; and tiny sizes."""
    cuda = types.SimpleNamespace(
        **vars(strict_cupy.module.cuda),
        Event=_Event,
        get_elapsed_time=lambda start, stop: (stop.at - start.at) * 1e3,
        MemoryHook=_MemoryHook,
    )
    cuda.runtime = types.SimpleNamespace(
        getDeviceCount=lambda: 1,
        getDeviceProperties=lambda device: {"name": b"CuPy stand-in"},
        runtimeGetVersion=lambda: 13000,
    )
    monkeypatch.setattr(type(strict_cupy.module), "cuda", cuda)
    monkeypatch.setattr(type(strict_cupy.module), "__version__", "stand-in", raising=False)
    monkeypatch.setattr(
        type(strict_cupy.module),
        "get_default_memory_pool",
        staticmethod(lambda: types.SimpleNamespace(free_all_blocks=lambda: None)),
        raising=False,
    )
    monkeypatch.setitem(sys.modules, "cupy", strict_cupy.module)
    tiny = gpu_kernels.Sizes(matmul=48, conv_batch=2, seq=40, memory_sweep=(16, 32))
    monkeypatch.setitem(gpu_kernels.SIZES, "quick", tiny)
    monkeypatch.setattr(gpu_kernels, "ATTENTION_SHAPES", [(1, 3)])
    monkeypatch.setattr(
        gpu_kernels, "conv_layers", lambda batch: [("tiny", (batch, 3, 9, 9), (4, 3, 3, 3), 1)]
    )


def test_kernel_benchmark_measures_every_row_and_judges_the_targets(
    standin_cupy_with_timing, standin_gpu_running_cuda_c, capsys
):
    """CUDA C kernels (compiled for the CPU) against the vendor path, both on the stand-in."""
    arguments = ["--quick", "--warmup", "0", "--repeats", "1", "--kernels", "cupy,vendor"]
    gpu_kernels.main([*arguments, "--no-write"])
    report = capsys.readouterr().out
    assert "Device: **CuPy stand-in**" in report
    rows = [line.split("|") for line in report.splitlines()
            if line.startswith(("| matmul |", "| conv2d ", "| forward"))]
    # (matmul, 3 conv products, attention with and without the causal mask x 2 ops) x
    # (CUDA C, vendor)
    assert len(rows) == (1 + 3 + 2 * 2) * 2
    assert {row[2].strip() for row in rows} == {
        "ours, CUDA C", "cuBLAS", "vendor: im2col + cuBLAS", "unfused, cuBLAS"
    }
    errors = [float(row[5]) for row in rows]
    assert max(errors) < 1e-5, report  # float32 against float64: every kernel is right
    assert "| ours, CUDA C / cuBLAS, matmul 48×48×48 | ≥ 0.7 |" in report
    assert "| ours, Numba / cuBLAS, matmul 48×48×48 | ≥ 0.35 | not measured | |" in report
    assert "| unfused, cuBLAS | 0 | 0 | n/a |" in report  # the memory sweep: no pool here


def test_kernel_benchmark_error_column_catches_a_wrong_kernel(
    standin_cupy_with_timing, monkeypatch, capsys
):
    from kernels import vendor

    monkeypatch.setattr(vendor, "matmul", lambda a, b: (a @ b) * 1.01)
    bench = gpu_kernels.Bench(strict_cupy.module, None, repeats=1, choices=("vendor",))
    [row] = bench.matmul(32).rows
    assert row["error"] == pytest.approx(0.01, rel=1e-3)


def test_training_benchmark_times_both_devices_and_every_kernel_choice(
    standin_cupy_with_timing, monkeypatch, capsys
):
    few_steps = [gpu_training.Workload("28×28, batch 4", 28, 0, 4, 469, 2)]
    monkeypatch.setattr(gpu_training, "workloads", lambda quick: few_steps)
    monkeypatch.setattr(gpu_training.dispatch, "CHOICES", ("vendor",))
    gpu_training.main(["--quick", "--repeats", "1", "--no-write"])
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split("|") for line in lines if line.startswith("| 28×28")]
    assert [row[2].strip() for row in rows] == ["CPU (numpy)", "GPU, MINIGRAD_KERNELS=vendor"]
    assert rows[0][5].strip() == "1.0×"  # the CPU against itself
    seconds_per_epoch, ms_per_step = float(rows[1][4]), float(rows[1][3])
    assert seconds_per_epoch == pytest.approx(ms_per_step * 469 / 1e3, rel=0.02)


def test_targets_are_judged_from_the_yardsticks_time_over_ours():
    group = gpu_report.Group("matmul", "matmul 8×8×8", (gpu_report.CUBLAS,))
    group.add("matmul", gpu_report.OURS["cupy"], ms=2.0, flops=1e6)
    group.add("matmul", gpu_report.OURS["numba"], ms=5.0, flops=1e6)
    group.add("matmul", gpu_report.CUBLAS, ms=1.5, flops=1e6)
    table = gpu_report.targets_table([group], {})
    assert "| ours, CUDA C / cuBLAS, matmul 8×8×8 | ≥ 0.7 | 0.75 | yes |" in table
    assert "| ours, Numba / cuBLAS, matmul 8×8×8 | ≥ 0.35 | 0.30 | no |" in table


def test_memory_growth_per_doubling_tells_linear_from_quadratic():
    assert gpu_report.growth({1024: 10.0, 2048: 20.0, 4096: 40.0}) == pytest.approx(2.0)
    assert gpu_report.growth({1024: 10.0, 4096: 160.0}) == pytest.approx(4.0)
