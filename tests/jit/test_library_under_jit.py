"""The library's own building blocks compile: models as arguments, losses with integer
labels, every distribution's density and its gradient."""

import numpy
import pytest

import nabla
from nabla import nn, prob
from nabla.nn.losses import cross_entropy
from tests.backends.test_duck_prob import CASES as DISTRIBUTIONS


def test_a_model_is_an_argument_of_a_jitted_function():
    net = nn.MLP([2, 3, 1], rng=numpy.random.default_rng(0))
    x = numpy.linspace(-1, 1, 8).reshape(4, 2)

    def loss(model, x):
        return nabla.numpy.sum(model(x) ** 2)

    step = nabla.jit(nabla.value_and_grad(loss))
    for _ in range(2):
        value, grads = step(net, x)
    want_value, want_grads = nabla.value_and_grad(loss)(net, x)
    assert value == pytest.approx(want_value, rel=1e-12)
    for g, w in zip(nabla.tree.leaves(grads), nabla.tree.leaves(want_grads)):
        numpy.testing.assert_allclose(g, w, rtol=1e-12)
    assert step.cache_info().hits == 1


def test_cross_entropy_with_integer_labels():
    scores = numpy.linspace(-1, 1, 12).reshape(3, 4)
    labels = numpy.array([0, 1, 3])
    compiled = nabla.jit(nabla.value_and_grad(cross_entropy))
    got, want = compiled(scores, labels), nabla.value_and_grad(cross_entropy)(scores, labels)
    for g, w in zip(nabla.tree.leaves(got), nabla.tree.leaves(want)):
        numpy.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_every_distribution_compiles(name):
    family = getattr(prob, name)
    params, value = DISTRIBUTIONS[name]

    def log_likelihood(p, x):
        return nabla.numpy.sum(family(**p).log_prob(x))

    compiled = nabla.jit(nabla.value_and_grad(log_likelihood))
    got, want = compiled(params, value), nabla.value_and_grad(log_likelihood)(params, value)
    for g, w in zip(nabla.tree.leaves(got), nabla.tree.leaves(want)):
        numpy.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
