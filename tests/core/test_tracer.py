"""Tracers as arrays: operators, NumPy dispatch (NEP 13/18), refusals, escapes."""

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla.core import Tracer, UnexpectedTracerError


def test_plain_numpy_function_differentiates():
    A = numpy.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]])

    def f(x):  # written with plain NumPy only
        return numpy.sum(numpy.exp(numpy.sin(A @ x))) + numpy.sum(x * x)

    x = numpy.array([0.2, -0.4, 0.9])
    u = A @ x
    expected = A.T @ (numpy.cos(u) * numpy.exp(numpy.sin(u))) + 2 * x
    numpy.testing.assert_allclose(nabla.grad(f)(x), expected, rtol=1e-12)
    numpy.testing.assert_allclose(nabla.jacfwd(f)(x), expected, rtol=1e-12)


def test_plain_numpy_methods_and_operators():
    def f(x):
        y = (2.0 - x) / (1.0 + x ** 2) * 3 - (-x) + abs(x) + x.T @ x
        return y.sum() + x.mean() + x.reshape(3, 1).max() + x[1:].sum() + numpy.mean(x[::2])

    x = numpy.array([0.5, -1.5, 2.0])
    eps = 1e-6
    numeric = [(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in numpy.eye(3)]
    numpy.testing.assert_allclose(nabla.grad(f)(x), numeric, rtol=1e-7)


def test_numpy_function_without_rule_raises_type_error_naming_it():
    with pytest.raises(TypeError, match=r"numpy\.fft\.fft"):
        nabla.grad(lambda x: numpy.sum(numpy.fft.fft(x).real))(numpy.ones(4))
    with pytest.raises(TypeError, match=r"numpy\.fft\.rfft"):
        nabla.grad(lambda x: numpy.sum(numpy.fft.rfft(x).real))(numpy.eye(2))
    with pytest.raises(TypeError, match=r"numpy\.add\.reduce"):
        nabla.grad(lambda x: numpy.add.reduce(x))(numpy.ones(2))
    with pytest.raises(TypeError, match="out"):
        nabla.grad(lambda x: numpy.sin(x, out=numpy.empty(2)).sum())(numpy.ones(2))


def test_comparisons_give_plain_booleans_and_allow_control_flow():
    seen = []

    def f(x):
        mask = x > 0
        seen.append(type(mask))
        if numpy.all(mask):
            return numpy.sum(x ** 2)
        return numpy.sum(numpy.where(mask, x, 0.0))

    numpy.testing.assert_array_equal(nabla.grad(f)(numpy.array([1.0, 2.0])), [2.0, 4.0])
    numpy.testing.assert_array_equal(nabla.grad(f)(numpy.array([-1.0, 2.0])), [0.0, 1.0])
    assert seen == [numpy.ndarray, numpy.ndarray]


def test_conversion_to_number_or_ndarray_is_refused():
    with pytest.raises(TypeError, match="derivative would be lost"):
        nabla.grad(lambda x: float(x))(1.0)
    with pytest.raises(TypeError, match="derivative would be lost"):
        nabla.grad(lambda x: numpy.asarray(x).sum())(numpy.ones(2))

    def store(x):
        out = numpy.zeros(3)
        out[:2] = x
        return out.sum()

    with pytest.raises(TypeError, match="derivative would be lost"):
        nabla.grad(store)(numpy.ones(2))


def test_in_place_update_of_tracer_is_refused_with_advice():
    def f(x):
        x[0] = 1.0
        return x.sum()

    with pytest.raises(TypeError, match="cannot be changed in place.*np.where"):
        nabla.grad(f)(numpy.ones(2))


def test_escaped_tracer_raises_instead_of_wrong_number():
    leaked = []
    nabla.grad(lambda x: (leaked.append(x), x * 2.0)[1])(3.0)
    with pytest.raises(UnexpectedTracerError, match="after its transform returned"):
        leaked[0] * 2.0
    with pytest.raises(UnexpectedTracerError):
        numpy.sin(leaked[0])
    # used inside a later transform, it is still caught
    with pytest.raises(UnexpectedTracerError):
        nabla.grad(lambda y: y * leaked[0])(1.0)
    # the same for forward mode
    nabla.jvp(lambda x: (leaked.append(x), x)[1], (1.0,), (1.0,))
    with pytest.raises(UnexpectedTracerError):
        nabla.grad(lambda y: leaked[-1] + y)(1.0)


def test_tracer_looks_like_an_array():
    def f(x):
        assert isinstance(x, Tracer)
        assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
        assert x.dtype == numpy.float64 and x.T.shape == (3, 2)
        assert [row.shape for row in x] == [(3,), (3,)]
        assert "level=1" in repr(x)
        return numpy.sum(x)

    nabla.grad(f)(numpy.ones((2, 3)))


def test_nabla_numpy_on_plain_arrays_is_numpy():
    x = numpy.linspace(0, 1, 7).reshape(7, 1)
    assert type(np.sin(x)) is numpy.ndarray
    numpy.testing.assert_array_equal(np.sin(x), numpy.sin(x))
    numpy.testing.assert_array_equal(np.mean(x, axis=0), numpy.mean(x, axis=0))
    numpy.testing.assert_array_equal(np.max(x), numpy.max(x))
    numpy.testing.assert_array_equal(np.reshape(x, (1, 7)), numpy.reshape(x, (1, 7)))


def test_broadcasting_gradients_have_argument_shapes():
    a = numpy.array([[1.0], [2.0], [3.0]])  # (3, 1)
    b = numpy.array([[1.0, 2.0, 3.0, 4.0]])  # (1, 4)
    ga, gb = nabla.grad(lambda a, b: np.sum(a * b ** 2), argnums=(0, 1))(a, b)
    assert ga.shape == (3, 1) and gb.shape == (1, 4)
    numpy.testing.assert_allclose(ga, numpy.full((3, 1), 30.0))  # Σ b²
    numpy.testing.assert_allclose(gb, 2 * b * 6.0)  # 2b·Σ a
    # scalars with arrays
    s, v = 2.0, numpy.array([1.0, 2.0, 3.0])
    gs, gv = nabla.grad(lambda s, v: np.sum(s * v + s), argnums=(0, 1))(s, v)
    assert gs == 9.0 and isinstance(gs, numpy.float64)
    numpy.testing.assert_allclose(gv, [2.0, 2.0, 2.0])
    # forward mode broadcasts tangents up
    _, t = nabla.jvp(lambda a: a * b, (a,), (numpy.ones((3, 1)),))
    assert t.shape == (3, 4)
    numpy.testing.assert_allclose(t, numpy.broadcast_to(b, (3, 4)))
