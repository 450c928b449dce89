"""Defining primitives: elementwise, linear, variadic and multiple-result primitives."""

import numpy as onp
import pytest

import nabla
import nabla.numpy as np
from nabla.core import MultipleResultsPrimitive, Primitive, elementwise, linear


def test_elementwise_primitive_from_partials():
    softsign = elementwise(lambda x: x / (1 + onp.abs(x)), lambda x, ans: 1 / (1 + abs(x)) ** 2,
                           name="softsign")
    x = onp.array([-2.0, 0.5, 3.0])
    onp.testing.assert_allclose(nabla.elementwise_grad(softsign)(x), 1 / (1 + onp.abs(x)) ** 2)
    nabla.check_grads(softsign, (x,), order=2)
    assert repr(softsign) == "<primitive softsign>"


def test_linear_primitive_from_its_transpose():
    double_flip = linear(lambda x: 2 * x[::-1], lambda g, ans, x: 2 * g[::-1], name="flip2")
    nabla.check_grads(double_flip, (onp.array([1.0, 2.0, 3.0]),), order=2)


def test_primitive_without_rule_for_an_argument_passes_no_derivative():
    scale_by = Primitive("scale_by", lambda x, k: x * k,
                         (lambda g, ans, x, k: g * k, None),
                         lambda args, tangents, ans: tangents[0] * args[1]
                         if tangents[0] is not None else None)
    assert nabla.grad(scale_by, argnums=(0, 1))(2.0, 3.0) == (3.0, 0.0)


def _polar_vjp_r(gs, outs, r, t):
    gx, gy = gs
    return gx * np.cos(t) + gy * np.sin(t)


def _polar_vjp_t(gs, outs, r, t):
    (gx, gy), (x, y) = gs, outs
    return -gx * y + gy * x


def _polar_jvp(args, tangents, outs):
    (_, t), (tr, tt), (x, y) = args, tangents, outs
    tr = 0.0 if tr is None else tr
    tt = 0.0 if tt is None else tt
    return tr * np.cos(t) - tt * y, tr * np.sin(t) + tt * x


polar = MultipleResultsPrimitive("polar", lambda r, t: (r * onp.cos(t), r * onp.sin(t)),
                                 (_polar_vjp_r, _polar_vjp_t), _polar_jvp)


def test_multiple_results_primitive():
    x, y = polar(2.0, 0.3)
    assert (x, y) == (pytest.approx(2 * onp.cos(0.3)), pytest.approx(2 * onp.sin(0.3)))
    nabla.check_grads(lambda r, t: polar(r, t)[1] * polar(r, t)[0] ** 2,
                      (onp.array([1.5, 2.0]), onp.array([0.3, -0.2])), order=2)
    # only one result used: the other gets a zero cotangent
    assert nabla.grad(lambda t: polar(2.0, t)[0])(0.3) == pytest.approx(-2 * onp.sin(0.3))
    jac = nabla.jacfwd(lambda v: np.stack(polar(v[0], v[1])))(onp.array([2.0, 0.3]))
    onp.testing.assert_allclose(jac, [[onp.cos(0.3), -2 * onp.sin(0.3)],
                                      [onp.sin(0.3), 2 * onp.cos(0.3)]])
