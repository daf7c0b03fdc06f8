"""Both kernel implementations, run on the CPU through the real launch code (host.py) and
compared with minigrad references:

  numba   the Numba kernels under Numba's CUDA simulator, which runs every GPU thread as a
          Python thread, shared memory and barriers included
  cuda-c  the CUDA C files compiled for the CPU by g++ with tests/kernels/cuda_on_cpu.h (a
          std::thread per GPU thread, std::barrier for __syncthreads)

Both check index arithmetic, tiling and edge handling, not speed. Sizes are tiny and chosen
off the tile grid (for attention: several key tiles and query blocks) so that every bounds
check runs. NUMBA_ENABLE_CUDASIM must be set before numba.cuda is first imported, so each
test runs its kernels in a fresh Python process and trades arrays with it through .npz files.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigrad as mg
from tests.kernels import reference

REPO = pathlib.Path(__file__).resolve().parents[2]

IMPLEMENTATIONS = {
    "numba": ("from kernels import numba_kernels as kernels", {"NUMBA_ENABLE_CUDASIM": "1"}),
    "cuda-c": ("from tests.kernels import cuda_on_cpu as kernels", {}),
}


@pytest.fixture(params=IMPLEMENTATIONS, scope="module")
def implementation(request, tmp_path_factory):
    """(name, import line, environment) for running one implementation's kernels on the CPU."""
    import_line, env = IMPLEMENTATIONS[request.param]
    if request.param == "cuda-c":
        if shutil.which("g++") is None:
            pytest.skip("g++ is not installed")
        env = {"MINIGRAD_CUDA_ON_CPU_BUILD": str(tmp_path_factory.mktemp("cuda_on_cpu"))}
    return request.param, import_line, env


def run_on_cpu(implementation, tmp_path, code, **inputs):
    """Run `code` with `inputs` (a dict of arrays), `host` and `kernels` in scope; it puts its
    results in the dict `outputs`, which is returned."""
    _, import_line, env = implementation
    np.savez(tmp_path / "inputs.npz", **inputs)
    script = (
        f"import numpy as np\nfrom kernels import host\n{import_line}\n"
        f"inputs = dict(np.load({str(tmp_path / 'inputs.npz')!r}))\n"
        "outputs = {}\n"
        + textwrap.dedent(code)
        + f"\nnp.savez({str(tmp_path / 'outputs.npz')!r}, **outputs)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(np.load(tmp_path / "outputs.npz"))


def random_arrays(*shapes):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


MATMUL_CASES = {
    "batched, off the tile grid": ((2, 37, 29), (2, 29, 41)),
    "one weight for the whole batch": ((2, 37, 29), (29, 41)),
    # rows a multiple of 4 long take the CUDA C float4 path; Numba has none, and several
    # blocks of 256 simulated threads would take the simulator minutes
    "float4 rows, several blocks": ((3, 130, 36), (3, 36, 132)),
}


@pytest.mark.parametrize("case", MATMUL_CASES)
def test_matmul(implementation, tmp_path, case):
    if implementation[0] == "numba" and case in CUDA_C_ONLY:
        pytest.skip("CUDA C only")
    a, b = random_arrays(*MATMUL_CASES[case])
    code = 'outputs["c"] = host.matmul(kernels, inputs["a"], inputs["b"])'
    got = run_on_cpu(implementation, tmp_path, code, a=a, b=b)
    np.testing.assert_allclose(got["c"], a.astype(np.float64) @ b, rtol=1e-5, atol=1e-5)


CONV_CASES = {
    # x shape, weight shape, stride, ((top, bottom), (left, right)) padding, dilation
    "stride 2, padding 1, dilation 2": (
        (1, 3, 9, 11),
        (5, 3, 3, 3),
        (2, 2),
        ((1, 1), (1, 1)),
        (2, 2),
    ),
    "uneven stride and padding, 2x3 kernel": (
        (2, 2, 7, 8),
        (3, 2, 2, 3),
        (1, 2),
        ((1, 0), (2, 1)),
        (1, 1),
    ),
    # CUDA C only (the simulator would take minutes): several blocks of pixels, many steps
    # along k (so the prefetched slabs matter), images of 11 x 13 pixels (a float4 of pixels
    # spans two images), and stride 2 with the grad_input spread over the stride's phases
    "several blocks and steps": ((3, 8, 11, 13), (20, 8, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1)),
    "several blocks, stride 2": ((2, 6, 17, 15), (9, 6, 3, 3), (2, 2), ((1, 1), (0, 2)), (1, 1)),
}
CUDA_C_ONLY = {"float4 rows, several blocks", "several blocks and steps", "several blocks, stride 2"}


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_forward_and_both_gradients(implementation, tmp_path, case):
    if implementation[0] == "numba" and case in CUDA_C_ONLY:
        pytest.skip("CUDA C only")
    x_shape, w_shape, stride, padding, dilation = CONV_CASES[case]
    y_shape = reference.conv2d(
        mg.zeros(x_shape), mg.zeros(w_shape), stride, padding, dilation
    ).shape
    x, w, grad_y = random_arrays(x_shape, w_shape, y_shape)
    got = run_on_cpu(
        implementation,
        tmp_path,
        f"""
        geometry = dict(stride={stride}, padding={padding}, dilation={dilation})
        x, w, grad_y = inputs["x"], inputs["w"], inputs["grad_y"]
        outputs["y"] = host.conv2d_forward(kernels, x, w, **geometry)
        outputs["dx"] = host.conv2d_grad_input(kernels, grad_y, w, x.shape, **geometry)
        outputs["dw"] = host.conv2d_grad_weight(kernels, grad_y, x, w.shape, **geometry)
        """,
        x=x,
        w=w,
        grad_y=grad_y,
    )
    y, dx, dw = reference.conv2d_with_grads(x, w, grad_y, stride, padding, dilation)
    np.testing.assert_allclose(got["y"], y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["dx"], dx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["dw"], dw, rtol=1e-5, atol=1e-5)


ATTENTION_CASES = {
    # batch, heads, q_len, k_len, head_dim, causal, padded keys of batch entry 0
    "one key tile, no mask": (1, 2, 13, 13, 8, False, None),
    # several query blocks and key tiles; keys 0 and 1 padded, so with the causal mask
    # queries 0 and 1 see no key at all
    "causal and padding": (1, 2, 70, 70, 8, True, [0, 1, 60, 69]),
    "cross attention, padding": (2, 1, 13, 37, 8, False, [3, 36]),
    # rows in shared memory are padded to a multiple of 4 floats
    "head dim 5": (1, 1, 19, 21, 5, True, None),
}


@pytest.mark.parametrize("case", ATTENTION_CASES)
def test_attention_forward_and_backward_match_autograd(implementation, tmp_path, case):
    batch, heads, q_len, k_len, head_dim, causal, padded = ATTENTION_CASES[case]
    scale = 0.3
    queries, keys = (batch, heads, q_len, head_dim), (batch, heads, k_len, head_dim)
    q, k, v, grad_out = random_arrays(queries, keys, keys, queries)
    arrays = dict(q=q, k=k, v=v, grad_out=grad_out)
    mask = None
    if padded:
        mask = arrays["mask"] = np.zeros((batch, k_len), dtype=bool)
        mask[0, padded] = True
    got = run_on_cpu(
        implementation,
        tmp_path,
        f"""
        q, k, v, mask = inputs["q"], inputs["k"], inputs["v"], inputs.get("mask")
        out, lse = host.attention_forward(kernels, q, k, v, {scale}, {causal}, mask)
        grads = host.attention_backward(
            kernels, q, k, v, out, lse, inputs["grad_out"], {scale}, {causal}, mask
        )
        outputs.update(out=out, lse=lse, dq=grads[0], dk=grads[1], dv=grads[2])
        """,
        **arrays,
    )
    expected = reference.attention_with_grads(q, k, v, grad_out, scale, causal, mask)
    for name, want in zip(("out", "lse", "dq", "dk", "dv"), expected):
        np.testing.assert_allclose(got[name], want, rtol=1e-5, atol=1e-5, err_msg=name)


def test_adam_update_matches_the_formulas(implementation, tmp_path):
    """One Adam step on 300 elements (two blocks, the second part-filled), against the
    formulas of optim/adam.py in float64; the gradient comes in as a strided view."""
    param, m, grad_rows = random_arrays((300,), (300,), (300, 2))
    v = np.abs(random_arrays((300,))[0]) + np.float32(0.1)
    numbers = (0.1, 0.999, 0.001, 1e-8, 0.01 / (1 - 0.9**3), (1 - 0.999**3) ** 0.5)
    got = run_on_cpu(
        implementation,
        tmp_path,
        f"""
        param, m, v = inputs["param"], inputs["m"], inputs["v"]
        host.adam_update(kernels, param, inputs["grad_rows"][:, 0], m, v, *{numbers})
        outputs.update(param=param, m=m, v=v)
        """,
        param=param, m=m, v=v, grad_rows=grad_rows,
    )
    one_minus_beta1, beta2, one_minus_beta2, eps, step_size, correction = numbers
    g = grad_rows[:, 0].astype(np.float64)
    want_m = m + one_minus_beta1 * (g - m)
    want_v = beta2 * v + one_minus_beta2 * g * g
    want_param = param - step_size * want_m / (np.sqrt(want_v) / correction + eps)
    for name, want in (("m", want_m), ("v", want_v), ("param", want_param)):
        np.testing.assert_allclose(got[name], want, rtol=2e-6, atol=1e-7, err_msg=name)

