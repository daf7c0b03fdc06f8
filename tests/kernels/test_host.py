"""The launch code (kernels/host.py), the dispatcher and the unfused attention of vendor.py,
on the CPU: what each launch is given, and the errors that come before any launch."""

import numpy as np
import pytest

from kernels import dispatch, host, tiles, vendor
from tests.kernels import reference


class RecordingKernels:
    """Stands in for cupy_kernels / numba_kernels: records launches instead of running them."""

    def __init__(self):
        self.launches = []

    def kernel(self, name, head_dim=None):
        def launch(grid, block, args):
            self.launches.append(
                dict(name=name, head_dim=head_dim, grid=grid, block=block, args=args)
            )

        return launch


def float32s(*shapes):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def test_matmul_reads_a_weight_shared_by_the_batch_in_place_with_stride_zero():
    kernels = RecordingKernels()
    a, w = float32s((2, 3, 130, 29), (29, 41))
    c = host.matmul(kernels, a, w)
    (launch,) = kernels.launches
    assert c.shape == (2, 3, 130, 41)
    assert launch["grid"] == (1, 2, 6) and launch["block"] == (tiles.GEMM_THREADS,)
    assert launch["args"][3] == (130, 41, 29, 130 * 29, 0)
    assert launch["args"][1].base is w  # a view of w, not a copy per batch entry


def test_matmul_broadcasts_batch_dims_that_are_one():
    kernels = RecordingKernels()
    a, b = float32s((4, 1, 5, 6), (3, 6, 7))
    assert host.matmul(kernels, a, b).shape == (4, 3, 5, 7)
    a_flat, b_flat = kernels.launches[0]["args"][:2]
    assert a_flat.size == 12 * 5 * 6 and b_flat.size == 12 * 6 * 7
    assert kernels.launches[0]["args"][3][3:] == (30, 42)


@pytest.mark.parametrize(
    "a_shape, b_shape, message",
    [
        ((3, 4), (5, 6), "do not fit"),
        ((2, 3, 4), (3, 4, 5), "do not broadcast"),
        ((4,), (4, 2), "do not fit"),
    ],
)
def test_matmul_shape_errors_name_the_shapes(a_shape, b_shape, message):
    a, b = float32s(a_shape, b_shape)
    with pytest.raises(ValueError, match=message):
        host.matmul(RecordingKernels(), a, b)


def test_kernels_refuse_float64():
    with pytest.raises(TypeError, match="float32"):
        host.matmul(RecordingKernels(), np.ones((2, 2)), np.ones((2, 2)))


def test_conv2d_launches_one_gemm_per_product_with_top_left_padding():
    kernels = RecordingKernels()
    x, w = float32s((2, 3, 9, 11), (5, 3, 2, 3))
    stride, padding, dilation = (2, 1), ((1, 0), (2, 1)), (1, 2)
    y = host.conv2d_forward(kernels, x, w, stride, padding, dilation)
    assert y.shape == (2, 5, 5, 10)
    host.conv2d_grad_input(kernels, y, w, x.shape, stride, padding, dilation)
    host.conv2d_grad_weight(kernels, y, x, w.shape, stride, padding, dilation)
    geometry_after_gemm = (2, 3, 9, 11, 5, 2, 3, 5, 10, 2, 1, 1, 2, 1, 2)
    gemms = {launch["name"]: launch["args"][3][:3] for launch in kernels.launches}
    assert gemms == {
        "conv2d_forward": (5, 2 * 5 * 10, 3 * 2 * 3),
        "conv2d_grad_input": (3, 2 * 9 * 11, 5 * 2 * 3),
        "conv2d_grad_weight": (5, 3 * 2 * 3, 2 * 5 * 10),
    }
    assert all(launch["args"][3][3:] == geometry_after_gemm for launch in kernels.launches)


def test_conv2d_gradient_with_the_wrong_output_shape_is_refused():
    x, w, grad_y = float32s((1, 3, 9, 9), (4, 3, 3, 3), (1, 4, 6, 6))
    with pytest.raises(ValueError, match=r"grad_y has shape \(1, 4, 6, 6\).*\(1, 4, 7, 7\)"):
        host.conv2d_grad_weight(
            RecordingKernels(), grad_y, x, w.shape, (1, 1), ((0, 0),) * 2, (1, 1)
        )


def test_conv2d_with_mismatched_channels_is_refused():
    x, w = float32s((1, 3, 9, 9), (4, 2, 3, 3))
    with pytest.raises(ValueError, match="groups=1 only"):
        host.conv2d_forward(RecordingKernels(), x, w, (1, 1), ((0, 0), (0, 0)), (1, 1))


def test_attention_compiles_per_head_dim_and_gives_each_thread_a_row():
    kernels = RecordingKernels()
    q, k, v = float32s((2, 3, 70, 8), (2, 3, 20, 8), (2, 3, 20, 8))
    out, lse = host.attention_forward(kernels, q, k, v, 0.5, True, None)
    out[...], lse[...] = q, 0  # what the kernel would have written: anything finite
    host.attention_backward(kernels, q, k, v, out, lse, q, 0.5, True, None)
    rows = {"attention_forward": 70, "attention_backward_dkdv": 20, "attention_backward_dq": 70}
    for launch in kernels.launches:
        assert launch["head_dim"] == 8 and launch["block"] == (tiles.ROWS_PER_BLOCK,)
        assert launch["grid"] == (-(-rows[launch["name"]] // tiles.ROWS_PER_BLOCK), 6, 1)
        assert launch["args"][-2] == (2, 3, 70, 20, 1, 0)  # no mask: a dummy and has_mask 0
        assert launch["args"][-1].dtype == np.float32
    assert [launch["name"] for launch in kernels.launches] == list(rows)


@pytest.mark.parametrize(
    "q_shape, k_shape, mask, message",
    [
        ((1, 2, 4, 65), (1, 2, 5, 65), None, "head dim 65 is above"),
        ((1, 2, 4, 8), (1, 3, 5, 8), None, "do not fit"),
        ((1, 2, 4, 8), (1, 2, 5, 8), np.zeros((1, 4), dtype=bool), "must be bool of shape"),
        ((1, 2, 4, 8), (1, 2, 5, 8), np.zeros((1, 5), dtype=np.float32), "must be bool"),
    ],
)
def test_attention_errors(q_shape, k_shape, mask, message):
    q, k = float32s(q_shape, k_shape)
    with pytest.raises(ValueError, match=message):
        host.attention_forward(RecordingKernels(), q, k, k, 1.0, False, mask)


def test_dispatch_rejects_an_unknown_implementation(monkeypatch):
    monkeypatch.setenv("MINIGRAD_KERNELS", "cutlass")
    with pytest.raises(ValueError, match="MINIGRAD_KERNELS='cutlass': expected one of cupy, numba"):
        dispatch.implementation()


def test_dispatch_refuses_host_arrays():
    a = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(TypeError, match="dispatch.matmul: expected CuPy arrays.*numpy.ndarray"):
        dispatch.matmul(a, a)


# queries 0 and 1 of batch entry 0 see no key (causal, keys 0 and 1 padded): their lse is
# log(0) = -inf on purpose, which numpy reports
@pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")
@pytest.mark.parametrize("causal, padded", [(False, None), (True, [0, 1, 7])])
def test_unfused_vendor_attention_matches_autograd(causal, padded):
    q, k, v, grad_out = float32s((2, 2, 6, 4), (2, 2, 9, 4), (2, 2, 9, 4), (2, 2, 6, 4))
    mask = None
    if padded is not None:
        mask = np.zeros((2, 9), dtype=bool)
        mask[0, padded] = True
    out, lse = vendor.attention_forward(q, k, v, 0.7, causal, mask)
    grads = vendor.attention_backward(q, k, v, out, lse, grad_out, 0.7, causal, mask)
    expected = reference.attention_with_grads(q, k, v, grad_out, 0.7, causal, mask)
    for name, got, want in zip(("out", "lse", "dq", "dk", "dv"), (out, lse, *grads), expected):
        assert got.dtype == np.float32, name
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)


def test_adam_update_launches_one_thread_per_element_on_the_arrays_in_place():
    kernels = RecordingKernels()
    param, grad, m, v = float32s((3, 200), (3, 200), (3, 200), (3, 200))
    host.adam_update(kernels, param, grad, m, v, 0.1, 0.999, 0.001, 1e-8, 0.01, 0.03)
    (launch,) = kernels.launches
    assert launch["grid"] == (3, 1, 1) and launch["block"] == (tiles.ELEMENTWISE_THREADS,)
    assert launch["args"][0].base is param and launch["args"][2].base is m  # written in place
    assert launch["args"][4] == (600,)
    assert all(isinstance(x, np.float32) for x in launch["args"][5:])


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda a: {**a, "grad": a["grad"][:, :5]}, ValueError, "must have one shape"),
        (lambda a: {**a, "m": np.asfortranarray(a["m"])}, ValueError, "C-contiguous"),
        (lambda a: {**a, "v": a["v"].astype(np.float64)}, TypeError, "expected float32"),
    ],
)
def test_adam_update_errors_come_before_any_launch(change, error, message):
    kernels = RecordingKernels()
    arrays = dict(zip(("param", "grad", "m", "v"), float32s(*[(4, 6)] * 4)))
    with pytest.raises(error, match=message):
        host.adam_update(kernels, *change(arrays).values(), 0.1, 0.999, 0.001, 1e-8, 0.01, 0.03)
    assert kernels.launches == []


def test_vendor_has_no_adam_and_says_so(monkeypatch):
    monkeypatch.setenv("MINIGRAD_KERNELS", "vendor")
    with pytest.raises(ValueError, match="vendor has no Adam kernel"):
        dispatch.adam_update(*float32s((3,), (3,), (3,), (3,)), 0.1, 0.999, 0.001, 1e-8, 0.01, 0.03)
