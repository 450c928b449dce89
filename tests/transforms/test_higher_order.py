"""Derivatives of derivatives: order 4, Hessians three ways, HVPs, nested transforms."""

import numpy as onp
import pytest

import nabla
import nabla.numpy as np


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.7, 1.5, 3.0])
def test_fourth_derivative_of_sin_is_sin(x):
    d = np.sin
    for _ in range(4):
        d = nabla.grad(d)
    assert d(x) == pytest.approx(onp.sin(x), abs=1e-12)


def test_fourth_derivative_forward_and_mixed_modes():
    x = 0.9
    fwd = lambda f: lambda x: nabla.jvp(f, (x,), (1.0,))[1]  # noqa: E731
    assert fwd(fwd(fwd(fwd(np.sin))))(x) == pytest.approx(onp.sin(x), abs=1e-12)
    mixed = nabla.grad(fwd(nabla.grad(fwd(np.sin))))
    assert mixed(x) == pytest.approx(onp.sin(x), abs=1e-12)


def multivariate(x):
    return np.sum(np.sin(x) * x[0] + np.exp(x) * x ** 2) + np.tanh(x[1] * x[2])


def multivariate_hessian(x):
    """Closed form of the Hessian of ``multivariate``."""
    n = len(x)
    h = onp.zeros((n, n))
    for i in range(n):
        # Σ_i sin(x_i)·x_0: ∂²/∂x_i² = -sin(x_i) x_0, cross terms with x_0: cos(x_i)
        h[i, i] += -onp.sin(x[i]) * x[0] + onp.exp(x[i]) * (x[i] ** 2 + 4 * x[i] + 2)
        h[0, i] += onp.cos(x[i])
        h[i, 0] += onp.cos(x[i])
    t = onp.tanh(x[1] * x[2])
    s = 1 - t ** 2  # sech²
    d2 = -2 * t * s  # second derivative of tanh at x1·x2
    h[1, 1] += d2 * x[2] ** 2
    h[2, 2] += d2 * x[1] ** 2
    h[1, 2] += d2 * x[1] * x[2] + s
    h[2, 1] += d2 * x[1] * x[2] + s
    return h


def test_hessian_equals_jacfwd_jacrev_and_jacrev_jacrev():
    x = onp.array([0.3, -0.5, 0.8, 1.1])
    expected = multivariate_hessian(x)
    h = nabla.hessian(multivariate)(x)
    assert h.shape == (4, 4)
    onp.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(nabla.jacfwd(nabla.jacrev(multivariate))(x), expected,
                                rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(nabla.jacrev(nabla.jacrev(multivariate))(x), expected,
                                rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(nabla.jacfwd(nabla.jacfwd(multivariate))(x), expected,
                                rtol=1e-12, atol=1e-12)


def test_hvp_equals_hessian_times_vector():
    x = onp.array([0.3, -0.5, 0.8, 1.1])
    v = onp.array([1.0, -2.0, 0.5, 0.25])
    value, product = nabla.hvp(multivariate, (x,), (v,))
    assert value == pytest.approx(float(multivariate(x)))
    onp.testing.assert_allclose(product, nabla.hessian(multivariate)(x) @ v, rtol=1e-12)


def test_hvp_of_several_arguments_gives_a_tuple():
    f = lambda a, b: np.sum(a ** 2 * b)  # noqa: E731
    a, b = onp.array([1.0, 2.0]), onp.array([3.0, 4.0])
    _, (ha, hb) = nabla.hvp(f, (a, b), (onp.ones(2), onp.zeros(2)))
    onp.testing.assert_allclose(ha, 2 * b)  # ∂²f/∂a² · 1
    onp.testing.assert_allclose(hb, 2 * a)  # ∂²f/∂b∂a · 1


def test_no_perturbation_confusion():
    assert nabla.grad(lambda x: x * nabla.grad(lambda y: x + y)(1.0))(1.0) == 1.0
    assert nabla.grad(lambda x: x * nabla.grad(lambda y: x * y)(2.0))(3.0) == 6.0


def test_no_perturbation_confusion_in_forward_mode():
    # d/dx [x · d/dy (x·y)] = d/dx x² = 2x
    def inner(x):
        return nabla.jvp(lambda y: x * y, (2.0,), (1.0,))[1]

    assert nabla.jvp(lambda x: x * inner(x), (3.0,), (1.0,))[1] == 6.0


def test_closures_over_outer_tracers():
    # f(x) = Σ_k (x·k)² ... built from a closure that captures the outer x
    def f(x):
        scale = lambda y: x * y  # noqa: E731
        return nabla.grad(lambda y: scale(y) ** 2)(1.5)  # = 2·x²·1.5

    assert nabla.grad(f)(2.0) == pytest.approx(2 * 2 * 2.0 * 1.5)  # d/dx 3x² = 6x
    # a closure that captures a tracer of the inner transform is also differentiated
    assert nabla.grad(lambda x: nabla.grad(lambda y: np.sin(x * y))(x))(0.5) == pytest.approx(
        # d/dx [x·cos(x²)] = cos(x²) − 2x² sin(x²)
        onp.cos(0.25) - 2 * 0.25 * onp.sin(0.25)
    )


def test_third_order_hessian_of_a_gradient():
    f = lambda x: np.sum(x ** 4)  # noqa: E731
    x = onp.array([1.0, 2.0])
    third = nabla.jacfwd(nabla.hessian(f))(x)
    expected = onp.zeros((2, 2, 2))
    expected[0, 0, 0], expected[1, 1, 1] = 24 * 1.0, 24 * 2.0
    onp.testing.assert_allclose(third, expected)
