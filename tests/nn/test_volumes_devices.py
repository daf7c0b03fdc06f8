"""The 3-D ops and norms on 'cuda': through the strict CuPy stand-in (tests/strict_cupy.py) in
every run, and on a real GPU where there is one (the `gpu` marker). Each gives the same output
and gradients as on the CPU, so none hands numpy arrays to device code. The GPU conv kernels
take images only: conv3d runs im2col on CuPy, which the CUDA C stand-in run checks."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.test_gpu_backend import assert_same_on_both_devices, run_on

RNG = np.random.default_rng(5)
VOLUMES = RNG.standard_normal((2, 4, 5, 4, 6)).astype(np.float32)
WEIGHT = RNG.standard_normal((4, 2, 3, 2, 2)).astype(np.float32)
BIAS = RNG.standard_normal(4).astype(np.float32)


def batch_norm3d(x):
    return mg.nn.BatchNorm3d(4).to(x.device)(x)


def instance_norm3d(x):
    return mg.nn.InstanceNorm3d(4, affine=True, track_running_stats=True).to(x.device)(x[0])


OPS = {
    "conv3d": (lambda x, w, b: F.conv3d(x, w, b, stride=(2, 1, 2), padding=1, groups=2),
               VOLUMES, WEIGHT, BIAS),
    "conv3d_same_dilated": (lambda x, w: F.conv3d(x, w[:, :, :2], padding="same", dilation=2,
                                                  groups=2), VOLUMES, WEIGHT),
    "conv_transpose3d": (lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1,
                                                            output_padding=1), VOLUMES,
                         WEIGHT, BIAS[:2]),
    "max_pool3d": (lambda x: F.max_pool3d(x, 3, (2, 1, 2), 1, (1, 2, 1), ceil_mode=True),
                   VOLUMES),
    "avg_pool3d": (lambda x: F.avg_pool3d(x, (3, 2, 3), 2, 1, ceil_mode=True,
                                          count_include_pad=False), VOLUMES),
    "adaptive_avg_pool3d": (lambda x: F.adaptive_avg_pool3d(x, (2, None, 4)), VOLUMES),
    "adaptive_max_pool3d": (lambda x: F.adaptive_max_pool3d(x, (3, 2, 4)), VOLUMES),
    "trilinear": (lambda x: F.interpolate(x, scale_factor=1.6, mode="trilinear"), VOLUMES),
    "nearest": (lambda x: F.interpolate(x, size=(3, 7, 4)), VOLUMES),
    "area": (lambda x: F.interpolate(x, size=(3, 3, 4), mode="area"), VOLUMES),
    "batch_norm3d": (batch_norm3d, VOLUMES),
    "instance_norm3d": (instance_norm3d, VOLUMES),
    "instance_norm1d": (lambda x: mg.nn.InstanceNorm1d(4).to(x.device)(x[:, :, 0, 0]), VOLUMES),
}
CONV_KERNELS = {"conv2d_forward", "conv2d_grad_input", "conv2d_grad_weight"}
INDICES = {
    "max_pool3d": lambda x: F.max_pool3d(x, 2, 2, 1, return_indices=True),
    "adaptive_max_pool3d": lambda x: F.adaptive_max_pool3d(x[0], 3, return_indices=True),
}


def assert_same_indices_on_both_devices(pool):
    on_cpu = pool(mg.tensor(VOLUMES))[1]
    on_cuda = pool(mg.tensor(VOLUMES, device="cuda"))[1]
    assert on_cuda.device == "cuda" and on_cuda.dtype == on_cpu.dtype == np.int64
    np.testing.assert_array_equal(on_cuda.numpy(), on_cpu.numpy())


@pytest.mark.parametrize("name", OPS)
def test_volume_op_on_standin_cuda_matches_cpu(standin_gpu, name):
    assert_same_on_both_devices(*OPS[name], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", INDICES)
def test_volume_pool_indices_on_standin_cuda(standin_gpu, name):
    assert_same_indices_on_both_devices(INDICES[name])


def test_conv3d_takes_the_array_path_where_the_conv_kernels_take_images(
    standin_gpu_running_cuda_c,
):
    # groups=1, float32: what the kernels take, were these images
    full_weight = WEIGHT.repeat(2, axis=1)
    assert_same_on_both_devices(lambda x, w: F.conv3d(x, w), VOLUMES, full_weight,
                                rtol=1e-4, atol=1e-5)
    assert not CONV_KERNELS & set(standin_gpu_running_cuda_c)
    run_on("cuda", lambda x, w: F.conv2d(x, w), VOLUMES[:, :, 0], full_weight[:, :, 0])
    assert CONV_KERNELS <= set(standin_gpu_running_cuda_c)


@pytest.mark.gpu
@pytest.mark.parametrize("name", OPS)
def test_volume_op_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(*OPS[name], rtol=1e-4, atol=1e-5)


@pytest.mark.gpu
@pytest.mark.parametrize("name", INDICES)
def test_volume_pool_indices_match_cpu_on_cuda(name):
    assert_same_indices_on_both_devices(INDICES[name])
