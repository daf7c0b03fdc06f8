"""minigrad's losses against PyTorch's values and gradients, stored in a fixture file.

tests/fixtures/make_torch_fixtures_loss.py wrote the file with PyTorch once; these tests only
read it. Each case calls the function of the same name with the same arguments, so the
comparison also checks that names, arguments and defaults are PyTorch's.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

FIXTURES = np.load(Path(__file__).parents[1] / "fixtures" / "torch_loss.npz")
CASES = json.loads(str(FIXTURES["cases"]))


def case_arrays(name):
    prefix = name + "."
    return {key[len(prefix):]: FIXTURES[key] for key in FIXTURES.files if key.startswith(prefix)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_and_gradients_match_pytorch(name):
    spec, arrays = CASES[name], case_arrays(name)
    tolerance = dict(rtol=1e-6, atol=1e-6) if arrays["input"].dtype == np.float32 else \
        dict(rtol=1e-8, atol=1e-12)
    x = mg.tensor(arrays["input"], requires_grad=True)
    y = mg.tensor(arrays["target"], requires_grad=spec["grad_target"])
    tensors = {key: mg.tensor(arrays[key]) for key in spec["tensors"]}
    loss = getattr(F, spec["function"])(x, y, **spec["options"], **tensors)
    (loss * mg.tensor(arrays["upstream"])).sum().backward()
    np.testing.assert_allclose(loss.numpy(), arrays["loss"], **tolerance)
    np.testing.assert_allclose(x.grad.numpy(), arrays["grad_input"], **tolerance)
    if spec["grad_target"]:
        np.testing.assert_allclose(y.grad.numpy(), arrays["grad_target"], **tolerance)


def test_fixtures_cover_the_pytorch_features_named_in_the_issue():
    options = [dict(spec["options"], tensors=spec["tensors"]) for spec in CASES.values()]
    assert any("ignore_index" in o or "label_smoothing" in o for o in options)
    assert any("pos_weight" in o["tensors"] for o in options)
    assert {spec["function"] for spec in CASES.values()} >= {
        "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits", "kl_div"
    }
