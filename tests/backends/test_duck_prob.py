"""nabla.prob on a foreign array backend: densities, their gradients in the parameters,
means and entropies of every distribution come back as duck arrays, equal to NumPy's."""

import numpy
import pytest

import nabla
from nabla import prob
from tests.backends.duck import DuckArray, duck, host

rng = numpy.random.default_rng(3)
POS = rng.uniform(1.0, 3.0, 3)

# name -> (parameters as keyword arguments, values to evaluate log_prob at)
CASES = {
    "Normal": ({"loc": rng.normal(size=3), "scale": POS}, rng.normal(size=(4, 3))),
    "LogNormal": ({"loc": rng.normal(size=3), "scale": POS}, rng.uniform(0.5, 2, (4, 3))),
    "Uniform": ({"low": -POS, "high": POS}, rng.uniform(-0.9, 0.9, (4, 3))),
    "Exponential": ({"rate": POS}, rng.uniform(0.1, 2, (4, 3))),
    "Gamma": ({"concentration": POS, "rate": POS[::-1]}, rng.uniform(0.1, 2, (4, 3))),
    "Beta": ({"concentration1": POS, "concentration0": POS[::-1]},
             rng.uniform(0.1, 0.9, (4, 3))),
    "StudentT": ({"df": POS + 3, "loc": rng.normal(size=3), "scale": POS},
                 rng.normal(size=(4, 3))),
    "Bernoulli": ({"probs": rng.uniform(0.2, 0.8, 3)}, rng.integers(0, 2, (4, 3)) * 1.0),
    "Categorical": ({"logits": rng.normal(size=(3, 4))}, rng.integers(0, 4, (2, 3))),
    "Poisson": ({"rate": POS}, rng.integers(0, 5, (4, 3)) * 1.0),
    "MultivariateNormal": ({"loc": rng.normal(size=3),
                            "covariance_matrix": numpy.eye(3) * 2 + 0.5},
                           rng.normal(size=(4, 3))),
    "Dirichlet": ({"concentration": POS}, rng.dirichlet(POS, 4)),
}


def _same(got, want):
    got_leaves, want_leaves = nabla.tree.leaves(got), nabla.tree.leaves(want)
    assert len(got_leaves) == len(want_leaves) > 0
    for g, w in zip(got_leaves, want_leaves):
        assert type(g) is DuckArray, f"a result left the duck backend: {type(g).__name__}"
        numpy.testing.assert_allclose(host(g), w, rtol=1e-12, atol=1e-14)  # nan equals nan


def _evaluate(family, params, value):
    d = family(**params)
    grads = nabla.grad(lambda p: nabla.numpy.sum(family(**p).log_prob(value)))(params)
    return d.log_prob(value), grads, d.mean, d.entropy()


def test_every_distribution_has_a_case():
    assert set(CASES) == set(prob.distributions.__all__) - {"Distribution"}


@pytest.mark.parametrize("name", CASES)
def test_distribution_on_duck_arrays(name):
    family = getattr(prob, name)
    params, value = CASES[name]
    want = _evaluate(family, params, value)
    got = _evaluate(family, duck(params), duck(value))
    _same(got, want)
