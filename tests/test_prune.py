"""Pruning: masks choose the right entries, stay applied through training, and remove() makes
them permanent."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, prune


class TwoWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(mg.tensor([[0.5, -0.005, 0.2], [0.001, -0.3, 0.02]]))
        self.bias = nn.Parameter(mg.tensor([0.1, -0.2]))

    def forward(self, x):
        return x @ self.weight.T + self.bias


def test_threshold_zeros_exactly_the_small_weights():
    m = prune.threshold_unstructured(TwoWeights(), "weight", threshold=0.01)
    assert (m.weight.numpy() == 0).tolist() == [[False, True, False], [True, False, False]]
    assert sorted(m.state_dict()) == ["bias", "weight_mask", "weight_orig"]


def test_l1_unstructured_prunes_the_smallest_magnitudes_and_repeats_among_the_alive():
    m = prune.l1_unstructured(TwoWeights(), "weight", amount=2)
    assert int((m.weight.numpy() == 0).sum()) == 2
    prune.l1_unstructured(m, "weight", amount=0.25)  # 1 of the 4 still alive: the 0.02
    assert m.weight.numpy()[1, 2] == 0 and int((m.weight.numpy() == 0).sum()) == 3


def test_pruned_entries_get_no_gradient_and_stay_zero_through_training():
    m = prune.l1_unstructured(TwoWeights(), "weight", amount=0.5)
    dead = m.weight.numpy() == 0
    opt_lr = 0.1
    for _ in range(3):
        m.weight_orig.grad = None
        loss = (m(mg.randn(4, 3)) ** 2).sum()
        loss.backward()
        assert np.all(m.weight_orig.grad.numpy()[dead] == 0)
        with mg.no_grad():
            m.weight_orig -= opt_lr * m.weight_orig.grad
    m(mg.randn(1, 3))
    assert np.all(m.weight.numpy()[dead] == 0)


def test_remove_makes_the_pruning_permanent():
    m = prune.threshold_unstructured(TwoWeights(), "weight", 0.01)
    expected = m.weight.numpy().copy()
    prune.remove(m, "weight")
    assert isinstance(m.weight, nn.Parameter) and not prune.is_pruned(m)
    assert np.array_equal(m.weight.numpy(), expected)
    assert sorted(m.state_dict()) == ["bias", "weight"]


def test_ln_structured_removes_whole_rows_by_norm():
    m = prune.ln_structured(TwoWeights(), "weight", amount=1, n=2, dim=0)
    assert m.weight.numpy()[1].tolist() == [0, 0, 0]  # row 1 has the smaller L2 norm
    assert np.all(m.weight.numpy()[0] != 0)


def test_global_pruning_compares_magnitudes_across_tensors():
    m = TwoWeights()
    prune.global_unstructured([(m, "weight"), (m, "bias")], amount=3)
    zeros = [tuple(z) for z in np.argwhere(m.weight.numpy() == 0)]
    assert zeros == [(0, 1), (1, 0), (1, 2)] and np.all(m.bias.numpy() != 0)


def test_sparsity_report_counts_zeros_per_tensor_and_in_total():
    m = prune.threshold_unstructured(TwoWeights(), "weight", 0.01)
    rows = dict((name, (zeros, total)) for name, zeros, total in prune.sparsity_report(m))
    assert rows["weight"] == (2, 6) and rows["bias"] == (0, 2) and rows["total"] == (2, 8)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="no parameter 'kernel'"):
        prune.l1_unstructured(TwoWeights(), "kernel", 0.5)
    with pytest.raises(ValueError, match="fractional amount"):
        prune.l1_unstructured(TwoWeights(), "weight", 1.5)
    with pytest.raises(ValueError, match="not pruned"):
        prune.remove(TwoWeights(), "weight")
