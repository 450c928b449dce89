"""Documented conventions of nabla.numpy: ties, kinks, casts."""

import numpy

import nabla
import nabla.numpy as nnp


def test_max_ties_share_the_derivative_equally():
    x = numpy.array([1.0, 3.0, 3.0])
    numpy.testing.assert_array_equal(nabla.grad(nnp.max)(x), [0.0, 0.5, 0.5])
    assert nabla.jvp(nnp.max, (x,), (numpy.array([0.0, 1.0, 0.0]),))[1] == 0.5
    numpy.testing.assert_array_equal(
        nabla.grad(lambda x: nnp.maximum(x, 3.0).sum())(x), [0.0, 0.5, 0.5])
    numpy.testing.assert_array_equal(nabla.grad(lambda x: nnp.min(x))(x), [1.0, 0.0, 0.0])


def test_kink_conventions():
    assert nabla.grad(nnp.abs)(0.0) == 0.0
    with numpy.errstate(divide="ignore"):
        assert nabla.grad(nnp.sqrt)(0.0) == numpy.inf
    assert nabla.grad(lambda x: x ** 2.0)(0.0) == 0.0
    assert nabla.grad(lambda y: 0.0 ** y)(2.0) == 0.0  # d/dy 0^y at y > 0


def test_float32_cast_and_integer_cast():
    x = numpy.array([1.5, 2.5])
    g = nabla.grad(lambda x: nnp.sum(nnp.astype(x, numpy.float32) ** 2))(x)
    assert g.dtype == numpy.float64
    numpy.testing.assert_allclose(g, 2 * x)
    # a cast to integers has no derivative
    assert nabla.grad(lambda x: nnp.sum(x.astype(numpy.int64) * x))(x).tolist() == [1.0, 2.0]


def test_lists_of_traced_values_are_array_likes():
    def f(p):
        a, b = p["a"], p["b"]
        return nnp.sum(b) + nnp.mean([a, b[0]]) + nnp.max([a, 2.0]) + nnp.median([a, b[1], 9.0])

    g = nabla.grad(f)({"a": 1.0, "b": [1.0, 2.0]})
    assert g == {"a": 0.5 + 0.0 + 0.0, "b": [1.0 + 0.5, 1.0 + 1.0]}
