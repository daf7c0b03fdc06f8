"""The new spatial ops (and bilinear, embedding_bag) on 'cuda' through the strict CuPy stand-in (tests/strict_cupy.py): the
same outputs and gradients as on the CPU, so none of them hands numpy arrays to device code.
ConvTranspose2d also runs on the CUDA C conv kernels, compiled for the CPU."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.test_gpu_backend import assert_same_on_both_devices

RNG = np.random.default_rng(3)
IMAGES = RNG.standard_normal((2, 4, 5, 6)).astype(np.float32)
SEQUENCES = IMAGES[:, :, 0]
WEIGHT = RNG.standard_normal((4, 3, 3, 2)).astype(np.float32)

OPS = {
    "conv_transpose2d": (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1,
                                                         output_padding=1), IMAGES, WEIGHT),
    "conv_transpose2d_groups": (lambda x, w: F.conv_transpose2d(x, w[:, :1], groups=2, dilation=2),
                                IMAGES, WEIGHT),
    "conv_transpose1d": (lambda x, w: F.conv_transpose1d(x, w[..., 0], stride=3), SEQUENCES,
                         WEIGHT),
    "max_pool1d": (lambda x: F.max_pool1d(x, 3, 2, 1), SEQUENCES),
    "avg_pool1d": (lambda x: F.avg_pool1d(x, 2, ceil_mode=True), SEQUENCES),
    "adaptive_max_pool1d": (lambda x: F.adaptive_max_pool1d(x, 4), SEQUENCES),
    "interpolate_bilinear": (lambda x: F.interpolate(x, scale_factor=1.7, mode="bilinear"), IMAGES),
    "interpolate_bicubic": (lambda x: F.interpolate(x, size=(4, 9), mode="bicubic",
                                                    align_corners=True), IMAGES),
    "interpolate_nearest": (lambda x: F.interpolate(x, scale_factor=2.5), SEQUENCES),
    "pad_reflect": (lambda x: F.pad(x, (2, 1, 1, 3), mode="reflect"), IMAGES),
    "pad_circular": (lambda x: F.pad(x, (3, 1), mode="circular"), SEQUENCES),
    "pad_replicate": (lambda x: F.pad(x, (0, 2, 2, 0), mode="replicate"), IMAGES),
    "pixel_shuffle": (lambda x: F.pixel_unshuffle(F.pixel_shuffle(x, 2) * 2, 2), IMAGES),
    "channel_shuffle": (lambda x: F.channel_shuffle(x, 2), IMAGES),
    "unfold": (lambda x: F.unfold(x, 2, padding=1, stride=(1, 2)), IMAGES),
    "fold": (lambda x: F.fold(x.reshape(2, 16, 15), (4, 5), 2, padding=1, stride=(1, 2)),
             RNG.standard_normal((2, 240)).astype(np.float32)),
    "bilinear": (F.bilinear, SEQUENCES[..., :3], SEQUENCES[..., 3:], WEIGHT[..., 0]),
    "embedding_bag_max": (lambda w: embedding_bag_on(w, mode="max", padding_idx=1), WEIGHT[0, :, :, 0]),
    "embedding_bag_mean": (lambda w: embedding_bag_on(w, mode="mean"), WEIGHT[0, :, :, 0]),
    "embedding_bag_weighted": (lambda w, p: embedding_bag_on(w, mode="sum", per_sample_weights=p),
                               WEIGHT[0, :, :, 0], IMAGES[0, 0, 0]),
}


def embedding_bag_on(weight, **options):
    """Bags [1, 2], [], [0, 2, 1, 1] of the rows of weight (3, 3), on weight's device."""
    ids = mg.tensor(np.array([1, 2, 0, 2, 1, 1]), device=weight.device)
    offsets = mg.tensor(np.array([0, 2, 2]), device=weight.device)
    return F.embedding_bag(ids, weight, offsets, **options)


@pytest.mark.parametrize("name", OPS)
def test_op_on_standin_cuda_matches_cpu(standin_gpu, name):
    assert_same_on_both_devices(*OPS[name], atol=1e-5)


def test_conv_transpose2d_runs_the_cuda_c_conv_kernels(standin_gpu_running_cuda_c):
    assert_same_on_both_devices(*OPS["conv_transpose2d"], atol=1e-5)
    kernels = {"conv2d_forward", "conv2d_grad_input", "conv2d_grad_weight"}
    assert kernels <= set(standin_gpu_running_cuda_c)


def test_layers_move_to_standin_cuda(standin_gpu):
    layer = mg.nn.ConvTranspose1d(4, 2, 3).to("cuda")
    out = layer(mg.tensor(SEQUENCES, device="cuda"))
    assert out.device == "cuda" and layer.weight.device == "cuda"
