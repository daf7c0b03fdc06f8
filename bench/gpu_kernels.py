"""minigrad's GPU kernels against NVIDIA's libraries: time, GFLOP/s, and attention's memory.

    python -m bench.gpu_kernels            # on a machine with a CUDA GPU and CuPy
    python -m bench.gpu_kernels --quick    # smaller sizes, to check the script runs

What is compared, all in float32 with TF32 off (NVIDIA_TF32_OVERRIDE=0 for cuBLAS and cuDNN,
PyTorch's allow_tf32 flags off), each implementation picked through MINIGRAD_KERNELS:

  matmul      4096 x 4096 x 4096: ours in CUDA C (cupy) and Numba, against cuBLAS (vendor)
  conv2d      a ResNet-50 3x3 layer and the two layers of the lessons' CNN, forward and both
              gradients: ours against cuDNN (through PyTorch when installed; 'vendor' is
              cuDNN where CuPy still binds it, else im2col + cuBLAS)
  attention   sequence 2048, head dim 64, (batch, heads) = (1, 8) and (4, 16), with and
              without the causal mask: our fused kernels against the naive unfused version
              (vendor.py: the L x L scores go through memory) and PyTorch's
              scaled_dot_product_attention; plus each one's peak memory

Timing: CUDA events around each call, after warm-up runs, the median of --repeats runs.
GFLOP/s counts the algorithm's multiply-adds as 2 flops: 2mnk for a product, 2·N·C_out·
H_out·W_out·C_in·kH·kW for each convolution product, 4·B·H·L²·D for attention's forward and
2.5 times that for its backward (FlashAttention-2's convention; causal halves both).
The table goes to bench/RESULTS.md, section "GPU kernels", with the device's name.
"""

import argparse
import contextlib
import datetime
import os
import statistics
import sys

import numpy as np

from bench.results import write_section

SEQ, HEAD_DIM = 2048, 64


def main():
    args = parse_args()
    # before CUDA starts: keep cuBLAS and cuDNN from rounding float32 inputs to TF32
    os.environ["NVIDIA_TF32_OVERRIDE"] = "0"
    os.environ["CUPY_TF32"] = "0"
    import minigrad as mg

    if not mg.cuda.is_available():
        sys.exit(
            "bench/gpu_kernels.py needs a CUDA GPU and CuPy (pip install -e '.[gpu]'); "
            "none is usable here, so nothing was measured."
        )
    import cupy

    torch = import_torch()
    bench = Bench(cupy, torch, args.repeats)
    rows = []
    rows += bench.matmul(1024 if args.quick else 4096)
    for name, x_shape, w_shape, padding in conv_layers(args.quick):
        rows += bench.conv2d(name, x_shape, w_shape, padding)
    for batch, heads in [(1, 8), (4, 16)]:
        for causal in (False, True):
            rows += bench.attention(batch, heads, 512 if args.quick else SEQ, causal)
    table = markdown_table(rows)
    print(table)
    write_section("GPU kernels", describe_machine(cupy, torch) + "\n\n" + table)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to test the script")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per measurement")
    return parser.parse_args()


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    return torch


def conv_layers(quick):
    """(name, x shape, weight shape, padding): stride 1, dilation 1 throughout."""
    batch = 8 if quick else 32
    return [
        ("ResNet-50 conv4 3x3", (batch, 256, 14, 14), (256, 256, 3, 3), 1),
        ("lesson CNN conv1", (batch, 1, 28, 28), (32, 1, 3, 3), 0),
        ("lesson CNN conv2", (batch, 32, 13, 13), (64, 32, 3, 3), 0),
    ]


@contextlib.contextmanager
def kernels(choice):
    """MINIGRAD_KERNELS=choice inside the block."""
    previous = os.environ.get("MINIGRAD_KERNELS")
    os.environ["MINIGRAD_KERNELS"] = choice
    try:
        yield
    finally:
        if previous is None:
            del os.environ["MINIGRAD_KERNELS"]
        else:
            os.environ["MINIGRAD_KERNELS"] = previous


class Bench:
    def __init__(self, cupy, torch, repeats):
        self.cupy, self.torch, self.repeats = cupy, torch, repeats
        self.rng = np.random.default_rng(0)

    def random(self, *shape):
        return self.cupy.asarray(self.rng.standard_normal(shape, dtype=np.float32))

    def median_ms(self, fn, warmup=3):
        """Median time of fn() in milliseconds, by CUDA events on the default stream."""
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(self.repeats):
            start, stop = self.cupy.cuda.Event(), self.cupy.cuda.Event()
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            times.append(self.cupy.cuda.get_elapsed_time(start, stop))
        return statistics.median(times)

    def row(self, op, shape, implementation, fn, flops, peak_mib=None):
        ms = self.median_ms(fn)
        return dict(
            op=op,
            shape=shape,
            implementation=implementation,
            ms=ms,
            gflops=flops / ms / 1e6,
            peak_mib=peak_mib,
        )

    # ---- matmul --------------------------------------------------------------------------
    def matmul(self, n):
        from kernels import dispatch

        a, b = self.random(n, n), self.random(n, n)
        rows = []
        for choice, label in [
            ("cupy", "ours, CUDA C"),
            ("numba", "ours, Numba"),
            ("vendor", "cuBLAS"),
        ]:
            with kernels(choice):
                rows.append(
                    self.row("matmul", f"{n}³", label, lambda: dispatch.matmul(a, b), 2 * n**3)
                )
        return rows

    # ---- conv2d --------------------------------------------------------------------------
    def conv2d(self, name, x_shape, w_shape, padding):
        from kernels import dispatch

        x, w = self.random(*x_shape), self.random(*w_shape)
        geometry = dict(stride=(1, 1), padding=((padding, padding),) * 2, dilation=(1, 1))
        y = dispatch.conv2d_forward(x, w, **geometry)
        grad_y = self.random(*y.shape)
        flops = 2 * y.size * int(np.prod(w_shape[1:]))
        calls = {
            "forward": lambda: dispatch.conv2d_forward(x, w, **geometry),
            "grad_input": lambda: dispatch.conv2d_grad_input(grad_y, w, x_shape, **geometry),
            "grad_weight": lambda: dispatch.conv2d_grad_weight(grad_y, x, w_shape, **geometry),
        }
        shape = f"{name}: x {x_shape}, w {w_shape}"
        rows = []
        for choice, label in [
            ("cupy", "ours, CUDA C"),
            ("numba", "ours, Numba"),
            ("vendor", vendor_conv_label()),
        ]:
            with kernels(choice):
                for product, call in calls.items():
                    rows.append(self.row(f"conv2d {product}", shape, label, call, flops))
        if self.torch is not None:
            rows += self.torch_conv2d(shape, x, w, grad_y, padding, flops)
        return rows

    def torch_conv2d(self, shape, x, w, grad_y, padding, flops):
        torch = self.torch
        tx, tw, tgy = (torch.as_tensor(a, device="cuda") for a in (x, w, grad_y))
        calls = {
            "forward": lambda: torch.nn.functional.conv2d(tx, tw, padding=padding),
            "grad_input": lambda: torch.nn.grad.conv2d_input(tx.shape, tw, tgy, padding=padding),
            "grad_weight": lambda: torch.nn.grad.conv2d_weight(tx, tw.shape, tgy, padding=padding),
        }
        return [
            self.row(f"conv2d {p}", shape, "cuDNN (PyTorch)", c, flops) for p, c in calls.items()
        ]

    # ---- attention -----------------------------------------------------------------------
    def attention(self, batch, heads, seq, causal):
        from kernels import dispatch

        q, k, v, grad_out = (self.random(batch, heads, seq, HEAD_DIM) for _ in range(4))
        scale = HEAD_DIM**-0.5
        forward_flops = 4 * batch * heads * seq**2 * HEAD_DIM / (2 if causal else 1)
        shape = f"B={batch} H={heads} L={seq} D={HEAD_DIM}" + (" causal" if causal else "")

        def forward():
            return dispatch.attention_forward(q, k, v, scale, causal)

        def forward_backward():
            out, lse = forward()
            return dispatch.attention_backward(q, k, v, out, lse, grad_out, scale, causal)

        rows = []
        for choice, label in [
            ("cupy", "ours fused, CUDA C"),
            ("numba", "ours fused, Numba"),
            ("vendor", "unfused, cuBLAS"),
        ]:
            with kernels(choice):
                peak = self.peak_cupy_mib(forward_backward)
                rows.append(self.row("attention forward", shape, label, forward, forward_flops))
                rows.append(
                    self.row(
                        "attention fwd+bwd",
                        shape,
                        label,
                        forward_backward,
                        3.5 * forward_flops,
                        peak,
                    )
                )
        if self.torch is not None:
            rows += self.torch_attention(shape, q, k, v, grad_out, scale, causal, forward_flops)
        return rows

    def torch_attention(self, shape, q, k, v, grad_out, scale, causal, forward_flops):
        torch = self.torch
        tq, tk, tv = (torch.as_tensor(a, device="cuda").requires_grad_() for a in (q, k, v))
        tgrad = torch.as_tensor(grad_out, device="cuda")
        sdpa = torch.nn.functional.scaled_dot_product_attention

        def forward():
            with torch.no_grad():
                return sdpa(tq, tk, tv, is_causal=causal, scale=scale)

        def forward_backward():
            sdpa(tq, tk, tv, is_causal=causal, scale=scale).backward(tgrad)

        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        forward_backward()
        torch.cuda.synchronize()
        peak = (torch.cuda.max_memory_allocated() - before) / 2**20
        label = "PyTorch SDPA"
        return [
            self.row("attention forward", shape, label, forward, forward_flops),
            self.row(
                "attention fwd+bwd", shape, label, forward_backward, 3.5 * forward_flops, peak
            ),
        ]

    def peak_cupy_mib(self, fn):
        """The most memory fn() held at once through CuPy's pool, beyond what was held before."""
        self.cupy.cuda.Device().synchronize()
        with peak_memory_hook(self.cupy) as hook:
            fn()
            self.cupy.cuda.Device().synchronize()
        return hook.peak / 2**20


def peak_memory_hook(cupy):
    """A CuPy memory hook that tracks the peak of the bytes handed out while it is active
    (a class made on demand: CuPy is imported only once a GPU is known to be there)."""

    class Hook(cupy.cuda.MemoryHook):
        name = "minigrad_peak_memory"

        def __init__(self):
            self.current = self.peak = 0

        def malloc_postprocess(self, **kwargs):
            self.current += kwargs["mem_size"]
            self.peak = max(self.peak, self.current)

        def free_postprocess(self, **kwargs):
            self.current -= kwargs["mem_size"]

    return Hook()


def vendor_conv_label():
    try:
        from cupyx import cudnn  # noqa: F401
    except ImportError:
        return "vendor: im2col + cuBLAS"
    return "vendor: cuDNN (CuPy)"


def describe_machine(cupy, torch):
    properties = cupy.cuda.runtime.getDeviceProperties(0)
    name = properties["name"]
    name = name.decode() if isinstance(name, bytes) else name
    lines = [
        f"Device: **{name}**; CuPy {cupy.__version__}, CUDA runtime "
        f"{cupy.cuda.runtime.runtimeGetVersion()}"
        + (f", PyTorch {torch.__version__}" if torch is not None else ", PyTorch not installed"),
        f"Measured {datetime.date.today().isoformat()} by `python -m bench.gpu_kernels`; "
        "float32, TF32 off; median of CUDA-event timings after warm-up.",
    ]
    return "\n\n".join(lines)


def markdown_table(rows):
    lines = [
        "| op | shape | implementation | time (ms) | GFLOP/s | peak memory (MiB) |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        peak = "" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}"
        lines.append(
            f"| {r['op']} | {r['shape']} | {r['implementation']} | {r['ms']:.3f} | "
            f"{r['gflops']:.0f} | {peak} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
