"""minigrad's GPU kernels against NVIDIA's libraries: time, GFLOP/s, error, and memory.

    python -m bench.gpu_kernels            # on a machine with a CUDA GPU and CuPy
    python -m bench.gpu_kernels --quick    # smaller sizes, to check the script runs

What is compared, all in float32 with TF32 off (NVIDIA_TF32_OVERRIDE=0 for cuBLAS and cuDNN,
PyTorch's allow_tf32 flags off), each implementation picked through MINIGRAD_KERNELS:

  matmul      4096 x 4096 x 4096: ours in CUDA C (cupy) and Numba, against cuBLAS (vendor)
  conv2d      a ResNet-50 3x3 layer and the two layers of the lessons' CNN, forward and both
              gradients: ours against cuDNN through PyTorch (the yardstick; CuPy 14 has no
              cuDNN binding, so 'vendor' there is im2col + cuBLAS)
  attention   sequence 2048, head dim 64, (batch, heads) = (1, 8) and (4, 16), with and
              without the causal mask: our fused kernels against the unfused composition
              (vendor.py: the L x L scores go through memory) and PyTorch's
              scaled_dot_product_attention
  memory      peak memory of attention's forward + backward as the sequence grows: the
              fused kernels keep O(L) per head, the unfused path O(L²)

Correct before fast: every result is compared with the same computation in float64 (the
vendor path on float64 copies of the inputs) and the table shows ||got - want|| / ||want||:
float32 lands near 1e-6, TF32 near 1e-4, a wrong kernel near 1.
Timing: CUDA events around each call, after warm-up runs, the median of --repeats runs.
GFLOP/s counts a multiply-add as 2 flops: 2mnk for a product, 2·N·C_out·H_out·W_out·C_in·kH·kW
for each convolution product, 4·B·H·L²·D for attention's forward and 2.5 times that for its
backward (FlashAttention-2's convention; causal halves both). "× yardstick" is the
yardstick's time over this row's time: above 1, faster than the yardstick.
The tables go to bench/RESULTS.md, section "GPU kernels", with the device's name and a
summary of issue 5's targets.
"""

import argparse
import datetime
import os
import statistics
import sys
from dataclasses import dataclass

import numpy as np

from bench.gpu_report import CUBLAS, CUDNN, OURS, SDPA, UNFUSED, Group, group_table
from bench.gpu_report import memory_table, targets_table
from bench.results import write_section
from kernels import dispatch
from kernels.host import conv_output_shape

SECTION = "GPU kernels"
HEAD_DIM = 64
ATTENTION_SHAPES = [(1, 8), (4, 16)]  # (batch, heads)


@dataclass(frozen=True)
class Sizes:
    matmul: int
    conv_batch: int
    seq: int
    memory_sweep: tuple


SIZES = {
    "full": Sizes(matmul=4096, conv_batch=32, seq=2048, memory_sweep=(1024, 2048, 4096, 8192)),
    "quick": Sizes(matmul=1024, conv_batch=8, seq=512, memory_sweep=(256, 512, 1024)),
}


def main(argv=None):
    args = parse_args(argv)
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

    bench = Bench(cupy, import_torch(), args.repeats, args.kernels, args.warmup)
    sizes = SIZES["quick" if args.quick else "full"]
    groups = [bench.matmul(sizes.matmul)]
    groups += [bench.conv2d(*layer) for layer in conv_layers(sizes.conv_batch)]
    groups += [
        bench.attention(batch, heads, sizes.seq, causal)
        for batch, heads in ATTENTION_SHAPES
        for causal in (False, True)
    ]
    memory = bench.attention_memory(sizes.memory_sweep)
    report = "\n\n".join(
        [describe_machine(cupy, bench.torch, args), targets_table(groups, memory)]
        + [group_table(group) for group in groups]
        + [memory_table(memory)]
    )
    print(report)
    if not args.no_write:
        write_section(SECTION, report)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to test the script")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before them")
    parser.add_argument(
        "--kernels",
        default=",".join(dispatch.CHOICES),
        type=lambda text: tuple(text.split(",")),
        help="which MINIGRAD_KERNELS choices to time (default: all)",
    )
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md")
    return parser.parse_args(argv)


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    return torch


def conv_layers(batch):
    """(name, x shape, weight shape, padding): stride 1, dilation 1 throughout."""
    return [
        ("ResNet-50 conv4 3x3", (batch, 256, 14, 14), (256, 256, 3, 3), 1),
        ("lesson CNN conv1", (batch, 1, 28, 28), (32, 1, 3, 3), 0),
        ("lesson CNN conv2", (batch, 32, 13, 13), (64, 32, 3, 3), 0),
    ]


class Bench:
    def __init__(self, cupy, torch, repeats, choices=dispatch.CHOICES, warmup=3):
        self.cupy, self.torch, self.repeats, self.warmup = cupy, torch, repeats, warmup
        self.choices = choices
        self.rng = np.random.default_rng(0)

    def random(self, *shape):
        return self.cupy.asarray(self.rng.standard_normal(shape, dtype=np.float32))

    def median_ms(self, fn):
        """Median time of fn() in milliseconds, by CUDA events on the current stream."""
        for _ in range(self.warmup):
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

    def error(self, got, want):
        """max over the outputs of ||got - want|| / ||want||, in float64 on the GPU."""
        xp = self.cupy
        errors = []
        for g, w in zip(got, want):
            g, w = xp.asarray(g, dtype=np.float64).ravel(), xp.asarray(w, dtype=np.float64).ravel()
            errors.append(float(xp.linalg.norm(g - w) / max(float(xp.linalg.norm(w)), 1e-300)))
        return max(errors)

    def implementations(self, vendor_label):
        """(MINIGRAD_KERNELS choice, label) for the choices asked for."""
        labels = {**OURS, "vendor": vendor_label}
        return [(choice, labels[choice]) for choice in self.choices]

    # ---- matmul --------------------------------------------------------------------------
    def matmul(self, n):
        a, b = self.random(n, n), self.random(n, n)
        want = (a.astype(np.float64) @ b.astype(np.float64),)
        group = Group("matmul", f"matmul {n}×{n}×{n}", (CUBLAS,))
        for choice, label in self.implementations(CUBLAS):
            with dispatch.using(choice):
                error = self.error((dispatch.matmul(a, b),), want)
                group.add("matmul", label, self.median_ms(lambda: dispatch.matmul(a, b)),
                          2 * n**3, error)
        return group

    # ---- conv2d --------------------------------------------------------------------------
    def conv2d(self, name, x_shape, w_shape, padding):
        from kernels import vendor

        x, w = self.random(*x_shape), self.random(*w_shape)
        geometry = dict(stride=(1, 1), padding=((padding, padding),) * 2, dilation=(1, 1))
        y_shape = conv_output_shape("conv2d", x_shape, w_shape, **geometry)
        grad_y = self.random(*y_shape)
        flops = 2 * int(np.prod(y_shape)) * int(np.prod(w_shape[1:]))
        calls = {
            "forward": lambda: dispatch.conv2d_forward(x, w, **geometry),
            "grad_input": lambda: dispatch.conv2d_grad_input(grad_y, w, x_shape, **geometry),
            "grad_weight": lambda: dispatch.conv2d_grad_weight(grad_y, x, w_shape, **geometry),
        }
        x64, w64, grad_y64 = (a.astype(np.float64) for a in (x, w, grad_y))
        want = {
            "forward": vendor.conv2d_forward(x64, w64, **geometry),
            "grad_input": vendor.conv2d_grad_input(grad_y64, w64, x_shape, **geometry),
            "grad_weight": vendor.conv2d_grad_weight(grad_y64, x64, w_shape, **geometry),
        }
        vendor_label = vendor_conv_label()
        group = Group("conv2d", f"conv2d, {name}: x {x_shape}, w {w_shape}, padding {padding}",
                      (CUDNN,) if self.torch is not None else (vendor_label,))
        for choice, label in self.implementations(vendor_label):
            with dispatch.using(choice):
                for product, call in calls.items():
                    error = self.error((call(),), (want[product],))
                    group.add(f"conv2d {product}", label, self.median_ms(call), flops, error)
        if self.torch is not None:
            self.torch_conv2d(group, x, w, grad_y, padding, flops, want)
        return group

    def torch_conv2d(self, group, x, w, grad_y, padding, flops, want):
        torch = self.torch
        tx, tw, tgy = (torch.as_tensor(a, device="cuda") for a in (x, w, grad_y))
        calls = {
            "forward": lambda: torch.nn.functional.conv2d(tx, tw, padding=padding),
            "grad_input": lambda: torch.nn.grad.conv2d_input(tx.shape, tw, tgy, padding=padding),
            "grad_weight": lambda: torch.nn.grad.conv2d_weight(tx, tw.shape, tgy, padding=padding),
        }
        for product, call in calls.items():
            error = self.error((self.cupy.asarray(call()),), (want[product],))
            group.add(f"conv2d {product}", CUDNN, self.median_ms(call), flops, error)

    # ---- attention -----------------------------------------------------------------------
    def attention(self, batch, heads, seq, causal):
        from kernels import vendor

        arrays = [self.random(batch, heads, seq, HEAD_DIM) for _ in range(4)]  # q, k, v, dO
        scale = HEAD_DIM**-0.5
        forward_flops = 4 * batch * heads * seq**2 * HEAD_DIM / (2 if causal else 1)
        q64, k64, v64, grad_out64 = (a.astype(np.float64) for a in arrays)
        out64, lse64 = vendor.attention_forward(q64, k64, v64, scale, causal, None)
        grads64 = vendor.attention_backward(q64, k64, v64, out64, lse64, grad_out64, scale,
                                            causal, None)
        title = f"attention, B={batch} H={heads} L={seq} D={HEAD_DIM}"
        title += " causal" if causal else ""
        group = Group("attention", title, (UNFUSED, SDPA) if self.torch else (UNFUSED,))
        for label, (forward, forward_backward, peak_mib) in self.attention_candidates(
            arrays, scale, causal
        ):
            forward_error = self.error(forward()[:1], (out64,))
            backward_error = self.error(forward_backward(), grads64)
            peak = peak_mib(forward_backward)
            group.add("forward", label, self.median_ms(forward), forward_flops, forward_error)
            group.add("forward + backward", label, self.median_ms(forward_backward),
                      3.5 * forward_flops, backward_error, peak)
        return group

    def attention_candidates(self, arrays, scale, causal, leave_out=()):
        """(label, (forward, forward_backward, peak_mib)) for each kernel choice asked for but
        those in leave_out, and for PyTorch's SDPA when torch is there."""
        candidates = [
            (label, self.dispatched_attention(choice, arrays, scale, causal))
            for choice, label in self.implementations(UNFUSED)
            if choice not in leave_out
        ]
        if self.torch is not None:
            candidates.append((SDPA, self.torch_attention(arrays, scale, causal)))
        return candidates

    def dispatched_attention(self, choice, arrays, scale, causal):
        """forward() -> (out, lse), forward_backward() -> (dq, dk, dv) through the kernels that
        MINIGRAD_KERNELS=choice picks, and how to measure their peak memory."""
        q, k, v, grad_out = arrays

        def forward():
            with dispatch.using(choice):
                return dispatch.attention_forward(q, k, v, scale, causal)

        def forward_backward():
            out, lse = forward()
            with dispatch.using(choice):
                return dispatch.attention_backward(q, k, v, out, lse, grad_out, scale, causal)

        return forward, forward_backward, self.peak_cupy_mib

    def torch_attention(self, arrays, scale, causal):
        """The same for PyTorch's scaled_dot_product_attention (its gradients as CuPy arrays)."""
        torch, cupy = self.torch, self.cupy
        tq, tk, tv = (torch.as_tensor(a, device="cuda").requires_grad_() for a in arrays[:3])
        tgrad = torch.as_tensor(arrays[3], device="cuda")
        sdpa = torch.nn.functional.scaled_dot_product_attention

        def forward():
            with torch.no_grad():
                return (cupy.asarray(sdpa(tq, tk, tv, is_causal=causal, scale=scale)),)

        def forward_backward():
            for t in (tq, tk, tv):
                t.grad = None
            sdpa(tq, tk, tv, is_causal=causal, scale=scale).backward(tgrad)
            return [cupy.asarray(t.grad) for t in (tq, tk, tv)]

        return forward, forward_backward, self.peak_torch_mib

    def attention_memory(self, lengths, batch=1, heads=8):
        """{implementation: {L: peak MiB of one forward + backward}} for B=1, H=8, D=64. The
        Numba kernels allocate the same buffers as the CUDA C ones, so they are left out."""
        peaks = {}
        scale = HEAD_DIM**-0.5
        for seq in lengths:
            arrays = [self.random(batch, heads, seq, HEAD_DIM) for _ in range(4)]
            candidates = self.attention_candidates(arrays, scale, False, leave_out=("numba",))
            for label, (_, forward_backward, peak_mib) in candidates:
                peaks.setdefault(label, {})[seq] = peak_mib(forward_backward)
            del arrays, candidates
            self.cupy.get_default_memory_pool().free_all_blocks()
        return peaks

    def peak_cupy_mib(self, fn):
        """The most memory fn() held at once through CuPy's pool, beyond what was held before."""
        self.cupy.cuda.Device().synchronize()
        with peak_memory_hook(self.cupy) as hook:
            fn()
            self.cupy.cuda.Device().synchronize()
        return hook.peak / 2**20

    def peak_torch_mib(self, fn):
        """The same through PyTorch's allocator."""
        torch = self.torch
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        fn()
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - before) / 2**20


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


def describe_machine(cupy, torch, args):
    properties = cupy.cuda.runtime.getDeviceProperties(0)
    name = properties["name"]
    name = name.decode() if isinstance(name, bytes) else name
    return "\n\n".join([
        f"Device: **{name}**; CuPy {cupy.__version__}, CUDA runtime "
        f"{cupy.cuda.runtime.runtimeGetVersion()}"
        + (f", PyTorch {torch.__version__}" if torch is not None else ", PyTorch not installed"),
        f"Measured {datetime.date.today().isoformat()} by `python -m bench.gpu_kernels"
        f"{' --quick' if args.quick else ''}`; float32, TF32 off; median of {args.repeats} "
        "CUDA-event timings after warm-up. Error: ||got − want|| / ||want|| against float64.",
    ])


if __name__ == "__main__":
    main()
