"""The shape, diagonal, product, distance, stacking, indexing, counting and sampling
functions on 'cuda': the same values and gradients as on 'cpu', on the strict CuPy stand-in
(tests/strict_cupy.py, which refuses host/device mix-ups) and, where there is one, a GPU."""

import numpy as np
import pytest

import minigrad as mg
from tests.test_gpu_backend import X, Y, assert_same_on_both_devices, values_on

INDEX = np.array([2, 0, 2])

DIFFERENTIABLE = {
    "diagonal": lambda x, y: x.diagonal(1) * 2,
    "diag_embed": lambda x, y: x.diag_embed(-1, 0, 2),
    "diag_vector": lambda x, y: mg.diag(x[0], 1),
    "trace": lambda x, y: x[:, :3].trace(),
    "cross": lambda x, y: mg.cross(x[:, :3], y[:, :3], dim=1),
    "kron": lambda x, y: mg.kron(x[:2, :2], y[:2]),
    "tensordot": lambda x, y: mg.tensordot(x, y, ([0], [0])),
    "cdist": lambda x, y: mg.cdist(x, y * 2),
    "cdist_p1": lambda x, y: mg.cdist(x, y + 3, p=1),
    "dist": lambda x, y: x.dist(y),
    "tile": lambda x, y: x.tile(2),
    "unfold": lambda x, y: x.unfold(1, 2, 1),
    "rot90": lambda x, y: x.rot90(3),
    "fliplr_flipud": lambda x, y: x.fliplr() + y.flipud(),
    "diff": lambda x, y: x.diff(2, 0, prepend=y[:1]),
    "stacks": lambda x, y: mg.vstack([x, y]) + mg.row_stack([y, x]),
    "hstack_dstack": lambda x, y: mg.hstack([x, y]).sum() + mg.dstack([x, y]).sum(),
    "column_stack": lambda x, y: mg.column_stack([x[0], y[0]]),
    "meshgrid": lambda x, y: mg.stack(mg.meshgrid(x[0], y[0], indexing="xy")),
    "broadcast_tensors": lambda x, y: mg.stack(mg.broadcast_tensors(x[:1], y)),
    "cartesian_prod": lambda x, y: mg.cartesian_prod(x[0], y[1]),
    "combinations": lambda x, y: mg.combinations(x[0], 3),
    "take": lambda x, y: x.take(mg.tensor(INDEX)),
    "index_add": lambda x, y: x.index_add(1, mg.tensor(INDEX), y[:, :3], alpha=2),
    "index_copy": lambda x, y: x.index_copy(0, mg.tensor(np.array([2, 0])), y[:2]),
    "index_fill": lambda x, y: x.index_fill(1, mg.tensor(INDEX), -1.0) * y,
}

NO_GRAD = {
    "unique": lambda x: mg.stack(mg.unique((x * 2).round(), return_inverse=True)[1:]),
    "unique_dim": lambda x: (x > 0).long().unique(dim=1),
    "unique_consecutive": lambda x: (x > 0).long().unique_consecutive(return_counts=True)[1],
    "bincount": lambda x: mg.bincount((x.abs() * 3).long().reshape(-1), minlength=9),
    "bincount_weights": lambda x: mg.bincount((x.abs() * 3).long().reshape(-1), x.reshape(-1)),
    "histc": lambda x: x.histc(5),
    "searchsorted": lambda x: mg.searchsorted(x[0].sort().values, x),
    "searchsorted_batched": lambda x: mg.searchsorted(x.sort().values, x, right=True),
    "bucketize": lambda x: mg.bucketize(x, x[0].sort().values),
    "argwhere": lambda x: mg.argwhere(x > 0),
    "bernoulli": lambda x: x.sigmoid().bernoulli(),
    "multinomial": lambda x: x.exp().multinomial(2),
    "normal": lambda x: mg.normal(x, x.abs()),
    "poisson": lambda x: mg.poisson(x.abs()),
}


def _same_values_and_gradients(name):
    assert_same_on_both_devices(DIFFERENTIABLE[name], X, Y)


def _same_values(name):
    mg.manual_seed(0)
    cpu = values_on("cpu", NO_GRAD[name], X)
    mg.manual_seed(0)  # samplers draw on the host, so a seed gives the same draws on both
    np.testing.assert_array_equal(values_on("cuda", NO_GRAD[name], X), cpu)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_op_on_standin_cuda(standin_gpu, name):
    _same_values_and_gradients(name)


@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_on_standin_cuda(standin_gpu, name):
    _same_values(name)


@pytest.mark.gpu
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_op_matches_cpu_on_cuda(name):
    _same_values_and_gradients(name)


@pytest.mark.gpu
@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_matches_cpu_on_cuda(name):
    _same_values(name)
