"""Building a minigrad distribution from a fixture case's config (see
tests/fixtures/make_torch_fixtures_distributions.py)."""

import minigrad as mg
from minigrad import distributions as D


def build(config, arrays, prefix="p_", device=None):
    """The distribution of `config` with its array parameters as float64 tensors."""
    kwargs = {
        name: mg.tensor(arrays[prefix + name], device=device) if number is None else number
        for name, number in config["kwargs"].items()
    }
    dist = getattr(D, config["family"])(**kwargs)
    if "independent" in config:
        dist = D.Independent(dist, config["independent"])
    return dist
