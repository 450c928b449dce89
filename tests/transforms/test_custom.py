"""custom_vjp, custom_jvp, stop_gradient and check_grads."""

import numpy as onp
import pytest

import nabla
import nabla.numpy as np


@nabla.custom_vjp
def softplus(x):
    return np.log1p(np.exp(x))


softplus.defvjp(lambda x: (softplus(x), x), lambda x, g: (g / (1 + np.exp(-x)),))


@nabla.custom_vjp
def wrong_softplus(x):
    return np.log1p(np.exp(x))


wrong_softplus.defvjp(lambda x: (wrong_softplus(x), x), lambda x, g: (g * 0.5,))


def test_custom_vjp_is_used_in_reverse_mode_and_to_higher_order():
    x = onp.array([-1.0, 0.5, 2.0])
    sig = 1 / (1 + onp.exp(-x))
    onp.testing.assert_allclose(nabla.grad(lambda x: np.sum(softplus(x)))(x), sig)
    # the bwd rule is itself differentiated: second derivative σ(1-σ)
    onp.testing.assert_allclose(nabla.hessian(lambda x: np.sum(softplus(x)))(x),
                                onp.diag(sig * (1 - sig)))
    nabla.check_grads(softplus, (x,), order=2)


def test_check_grads_detects_a_wrong_custom_vjp_rule():
    x = onp.array([-1.0, 0.5, 2.0])
    nabla.check_grads(wrong_softplus, (x,), order=1, modes=("fwd",))  # forward mode is right
    with pytest.raises(AssertionError, match="reverse-mode derivative of order 1"):
        nabla.check_grads(wrong_softplus, (x,), order=1)


def test_check_grads_detects_a_wrong_second_order_rule():
    @nabla.custom_vjp
    def cube(x):
        return x ** 3

    # right first derivative, written so that its own derivative is wrong
    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (g * 3 * nabla.stop_gradient(x) ** 2,))
    nabla.check_grads(cube, (onp.array([0.5, 1.5]),), order=1)
    with pytest.raises(AssertionError, match="order 2"):
        nabla.check_grads(cube, (onp.array([0.5, 1.5]),), order=2, modes=("rev",))


def test_custom_vjp_with_several_arguments_and_outputs():
    @nabla.custom_vjp
    def polar(r, theta):
        return r * np.cos(theta), r * np.sin(theta)

    def fwd(r, theta):
        return polar(r, theta), (r, theta)

    def bwd(res, g):
        r, theta = res
        gx, gy = g
        return (gx * np.cos(theta) + gy * np.sin(theta),
                -gx * r * np.sin(theta) + gy * r * np.cos(theta))

    polar.defvjp(fwd, bwd)
    f = lambda r, t: polar(r, t)[0] * 2.0 + polar(r, t)[1] ** 2  # noqa: E731
    plain = lambda r, t: r * np.cos(t) * 2.0 + (r * np.sin(t)) ** 2  # noqa: E731
    g1 = nabla.grad(f, argnums=(0, 1))(1.5, 0.3)
    g2 = nabla.grad(plain, argnums=(0, 1))(1.5, 0.3)
    onp.testing.assert_allclose(g1, g2, rtol=1e-12)
    # only one output used: the other's cotangent is zero
    gr = nabla.grad(lambda r: polar(r, 0.3)[1])(1.5)
    assert gr == pytest.approx(onp.sin(0.3))
    nabla.check_grads(lambda r, t: polar(r, t), (onp.array(1.5), onp.array(0.3)), order=2)


def test_custom_vjp_errors():
    @nabla.custom_vjp
    def f(x, y):
        return x * y

    with pytest.raises(TypeError, match="defvjp"):
        f(1.0, 2.0)
    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))
    assert f(2.0, 3.0) == 6.0  # untraced call: the function itself
    with pytest.raises(TypeError, match="one cotangent per argument"):
        nabla.grad(f)(2.0, 3.0)


def test_custom_vjp_none_cotangent_means_zero():
    @nabla.custom_vjp
    def scale(x, k):
        return x * k

    scale.defvjp(lambda x, k: (x * k, k), lambda k, g: (g * k, None))
    assert nabla.grad(scale, argnums=(0, 1))(2.0, 3.0) == (3.0, 0.0)


@nabla.custom_jvp
def logsumexp2(x, y):
    m = onp.maximum(nabla.core.concrete(x), nabla.core.concrete(y))
    return m + np.log(np.exp(x - m) + np.exp(y - m))


@logsumexp2.defjvp
def _logsumexp2_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = logsumexp2(x, y)
    return out, tx * np.exp(x - out) + ty * np.exp(y - out)


def test_custom_jvp_serves_forward_and_reverse_mode():
    x, y = 1.0, 3.0
    wx, wy = onp.exp(x) / (onp.exp(x) + onp.exp(y)), onp.exp(y) / (onp.exp(x) + onp.exp(y))
    assert nabla.jvp(logsumexp2, (x, y), (1.0, 0.0))[1] == pytest.approx(wx)
    gx, gy = nabla.grad(logsumexp2, argnums=(0, 1))(x, y)
    assert (gx, gy) == (pytest.approx(wx), pytest.approx(wy))
    nabla.check_grads(logsumexp2, (onp.array([0.5, 2.0]), onp.array([1.0, -1.0])), order=2)
    # large inputs: the rule stays finite
    assert nabla.grad(logsumexp2)(1000.0, 1000.0) == pytest.approx(0.5)


def test_custom_jvp_requires_rule():
    @nabla.custom_jvp
    def f(x):
        return x

    with pytest.raises(TypeError, match="defjvp"):
        f(1.0)


def test_stop_gradient():
    assert nabla.grad(lambda x: x * nabla.stop_gradient(x))(3.0) == 3.0
    assert nabla.jvp(lambda x: x * nabla.stop_gradient(x), (3.0,), (1.0,))[1] == 3.0
    # stops every level: d²/dx² of x·sg(x)² is 0
    assert nabla.grad(nabla.grad(lambda x: x * nabla.stop_gradient(x) ** 2))(3.0) == 0.0
    out = nabla.stop_gradient({"a": onp.ones(2), "b": 1.0})
    assert set(out) == {"a", "b"}


def test_check_grads_passes_on_correct_functions_and_rejects_bad_modes():
    nabla.check_grads(lambda x, y: np.sin(x) * y ** 2, (onp.array([0.1, 0.2]), onp.array(1.5)),
                      order=3)
    with pytest.raises(ValueError, match="unknown modes"):
        nabla.check_grads(np.sin, (onp.ones(2),), modes=("backward",))
