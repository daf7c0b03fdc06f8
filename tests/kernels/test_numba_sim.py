"""The Numba kernels, run on the CPU by Numba's CUDA simulator, against minigrad references.

The simulator runs every GPU thread as a Python thread, shared memory and barriers included,
so it checks the index arithmetic, the tiling and the edge handling of the real kernels; it
is slow, so the sizes are tiny, and chosen off the tile grid (and, for attention, over several
key tiles and query blocks) so that every bounds check is exercised.

NUMBA_ENABLE_CUDASIM must be set before numba.cuda is first imported, so each test runs its
kernels in a fresh Python process and trades arrays with it through .npz files.
"""

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.kernels import reference

REPO = pathlib.Path(__file__).resolve().parents[2]


def run_in_simulator(tmp_path, code, **inputs):
    """Run `code` under the simulator with `inputs` (a dict of arrays) and `host` and
    `numba_kernels` in scope; it puts its results in the dict `outputs`, which is returned."""
    np.savez(tmp_path / "inputs.npz", **inputs)
    script = (
        "import numpy as np\n"
        "from kernels import host, numba_kernels\n"
        f"inputs = dict(np.load({str(tmp_path / 'inputs.npz')!r}))\n"
        "outputs = {}\n"
        + textwrap.dedent(code)
        + f"\nnp.savez({str(tmp_path / 'outputs.npz')!r}, **outputs)\n"
    )
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(np.load(tmp_path / "outputs.npz"))


def random_arrays(*shapes):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def test_matmul_batched_and_with_a_shared_operand_off_the_tile_grid(tmp_path):
    a, b, w = random_arrays((2, 37, 29), (2, 29, 41), (29, 41))
    got = run_in_simulator(
        tmp_path,
        """
        outputs["batched"] = host.matmul(numba_kernels, inputs["a"], inputs["b"])
        outputs["shared"] = host.matmul(numba_kernels, inputs["a"], inputs["w"])
        """,
        a=a, b=b, w=w,
    )
    a64 = a.astype(np.float64)
    np.testing.assert_allclose(got["batched"], a64 @ b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["shared"], a64 @ w, rtol=1e-5, atol=1e-5)


def test_conv2d_forward_and_both_gradients_with_stride_padding_dilation(tmp_path):
    x, w = random_arrays((1, 3, 9, 11), (5, 3, 3, 3))
    stride, padding, dilation = (2, 2), ((1, 1), (1, 1)), (2, 2)
    (grad_y,) = random_arrays((1, 5, 4, 5))
    got = run_in_simulator(
        tmp_path,
        f"""
        geometry = dict(stride={stride}, padding={padding}, dilation={dilation})
        x, w, grad_y = inputs["x"], inputs["w"], inputs["grad_y"]
        outputs["y"] = host.conv2d_forward(numba_kernels, x, w, **geometry)
        outputs["dx"] = host.conv2d_grad_input(numba_kernels, grad_y, w, x.shape, **geometry)
        outputs["dw"] = host.conv2d_grad_weight(numba_kernels, grad_y, x, w.shape, **geometry)
        """,
        x=x, w=w, grad_y=grad_y,
    )
    y, dx, dw = reference.conv2d_with_grads(x, w, grad_y, stride, padding, dilation)
    np.testing.assert_allclose(got["y"], y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["dx"], dx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["dw"], dw, rtol=1e-5, atol=1e-5)


ATTENTION_CASES = {
    # batch, heads, q_len, k_len, causal, padded keys of batch entry 0
    "one key tile, no mask": (1, 2, 13, 13, False, None),
    # several query blocks and key tiles; keys 0 and 1 padded, so with the causal mask
    # queries 0 and 1 see no key at all
    "causal and padding": (1, 2, 70, 70, True, [0, 1, 60, 69]),
    "cross attention, padding": (2, 1, 13, 37, False, [3, 36]),
}


@pytest.mark.parametrize("case", ATTENTION_CASES)
def test_attention_forward_and_backward_match_autograd(tmp_path, case):
    batch, heads, q_len, k_len, causal, padded = ATTENTION_CASES[case]
    head_dim, scale = 8, 0.3
    q, grad_out = random_arrays((batch, heads, q_len, head_dim), (batch, heads, q_len, head_dim))
    k, v = random_arrays((batch, heads, k_len, head_dim), (batch, heads, k_len, head_dim))
    arrays = dict(q=q, k=k, v=v, grad_out=grad_out)
    mask = None
    if padded:
        mask = arrays["mask"] = np.zeros((batch, k_len), dtype=bool)
        mask[0, padded] = True
    got = run_in_simulator(
        tmp_path,
        f"""
        q, k, v, mask = inputs["q"], inputs["k"], inputs["v"], inputs.get("mask")
        out, lse = host.attention_forward(numba_kernels, q, k, v, {scale}, {causal}, mask)
        grads = host.attention_backward(
            numba_kernels, q, k, v, out, lse, inputs["grad_out"], {scale}, {causal}, mask
        )
        outputs.update(out=out, lse=lse, dq=grads[0], dk=grads[1], dv=grads[2])
        """,
        **arrays,
    )
    expected = reference.attention_with_grads(q, k, v, grad_out, scale, causal, mask)
    for name, want in zip(("out", "lse", "dq", "dk", "dv"), expected):
        np.testing.assert_allclose(got[name], want, rtol=1e-5, atol=1e-5, err_msg=name)
