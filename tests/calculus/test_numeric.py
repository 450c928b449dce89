"""nabla.calculus.numeric: difference quotients, complex step and Richardson against autodiff."""

import dataclasses
import math

import numpy as onp
import pytest

import nabla
import nabla.numpy as np
from nabla import tree
from nabla.calculus.numeric import (
    METHODS,
    default_step,
    derivative,
    gradient,
    jacobian,
    richardson,
    secant_slopes,
)

EPS = onp.finfo(float).eps


def squire_trapp(x):
    return np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)


# (name, f, points): smooth functions of one variable, written with nabla.numpy
SCALAR_FUNCTIONS = [
    ("sin", np.sin, [0.3, 1.0, 4.0]),
    ("exp", np.exp, [-3.0, 0.0, 2.0]),
    ("log", np.log, [0.5, 2.0, 30.0]),
    ("tanh", np.tanh, [0.1, 0.7]),
    ("polynomial", lambda x: x ** 5 - 3 * x, [0.4, 2.0]),
    ("squire_trapp", squire_trapp, [0.5, 1.5]),
]
CASES = [(name, f, x) for name, f, xs in SCALAR_FUNCTIONS for x in xs]
IDS = [f"{name}@{x}" for name, _, x in CASES]
# Relative accuracy each method reaches with its default step on these functions.
RTOL = {"forward": 1e-6, "backward": 1e-6, "central": 1e-8, "complex": 1e-14}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name, f, x", CASES, ids=IDS)
def test_derivative_agrees_with_grad(name, f, x, method):
    exact = nabla.grad(f)(x)
    value = derivative(f, x, method=method)
    assert type(value) is type(exact)  # a NumPy float64 scalar, as nabla.grad gives
    onp.testing.assert_allclose(value, exact, rtol=RTOL[method])


def test_derivative_at_many_points_of_an_elementwise_function():
    x = onp.linspace(0.1, 3.0, 7)
    f = lambda x: np.sin(x) * np.exp(-x)
    exact = nabla.elementwise_grad(f)(x)
    for method in METHODS:
        onp.testing.assert_allclose(derivative(f, x, method=method), exact, rtol=RTOL[method])


def test_derivative_of_a_vector_valued_function_of_one_variable():
    f = lambda t: np.stack([np.cos(t), np.sin(t), t ** 2])
    onp.testing.assert_allclose(derivative(f, 0.5), nabla.jacfwd(f)(0.5), rtol=1e-9)


def test_float32_uses_float32_steps():
    x = onp.float32(0.7)
    assert default_step(x, "forward") == pytest.approx(onp.sqrt(onp.finfo(onp.float32).eps))
    value = derivative(np.sin, x)
    assert value.dtype == onp.float32
    assert abs(value - onp.cos(0.7)) < 1e-4


def test_default_steps_balance_truncation_and_round_off():
    assert default_step(1.0, "forward") == onp.sqrt(EPS)
    assert default_step(1.0, "backward") == onp.sqrt(EPS)
    assert default_step(0.0, "central") == pytest.approx(EPS ** (1 / 3))
    assert default_step(1e6, "central") == pytest.approx(1e6 * EPS ** (1 / 3))  # relative
    assert default_step(1e6, "complex") == 1e-20  # nothing to balance
    onp.testing.assert_allclose(default_step(onp.asarray([0.5, -4.0]), "forward"),
                                onp.sqrt(EPS) * onp.asarray([1.0, 4.0]))


def test_a_given_step_is_used():
    # forward difference of x² is 2x + h exactly
    assert derivative(lambda x: x ** 2, 1.0, h=0.25, method="forward") == 2.25
    assert derivative(lambda x: x ** 2, 1.0, h=0.25, method="backward") == 1.75
    assert derivative(lambda x: x ** 2, 1.0, h=0.25, method="central") == 2.0


# ---------------------------------------------------------------------------------------
# Complex step
# ---------------------------------------------------------------------------------------


def test_complex_step_reaches_machine_precision_on_squire_and_trapp():
    exact = nabla.grad(squire_trapp)(1.5)
    complex_step = derivative(squire_trapp, 1.5, method="complex")
    central = derivative(squire_trapp, 1.5, method="central")
    assert abs(complex_step - exact) / abs(exact) <= 2 * EPS
    assert abs(central - exact) / abs(exact) > 1e-12  # cancellation costs digits


@pytest.mark.parametrize("f, phrase", [
    (lambda x: math.sin(x), "failed on complex input"),
    (lambda x: np.abs(x) ** 2, "imaginary part"),
    (lambda x: onp.asarray(x).astype(float) ** 2, "ComplexWarning"),
], ids=["math.sin", "abs", "cast"])
def test_complex_step_refuses_functions_that_do_not_take_complex_input(f, phrase):
    with pytest.raises(TypeError, match=phrase) as info:
        derivative(f, 1.0, method="complex")
    assert "method='central'" in str(info.value)


# ---------------------------------------------------------------------------------------
# Gradients and Jacobians of pytrees
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Layer:
    w: object
    b: object


def loss_dict(p):
    return np.sum(np.tanh(p["w"]) * p["x"][0]) + p["x"][1] ** 2 * p["b"]


def loss_dataclass(layer):
    return np.sum((layer.w @ onp.asarray([1.0, -2.0]) + layer.b) ** 2)


PYTREE_CASES = [
    ("array", lambda v: np.sum(np.sin(v) * v ** 2), onp.asarray([0.3, -1.2, 2.0])),
    ("float", lambda x: np.exp(x) * x, 0.7),
    ("dict", loss_dict, {"w": onp.asarray([[0.1, 0.2], [0.3, 0.4]]), "b": 0.5,
                         "x": [onp.asarray([1.0, 2.0]), 1.5]}),
    ("tuple", lambda t: t[0] * np.sum(t[1] ** 3), (2.0, onp.asarray([1.0, -1.0, 0.5]))),
    ("dataclass", loss_dataclass, Layer(onp.asarray([[0.5, 1.0], [-1.0, 0.2]]),
                                        onp.asarray([0.1, 0.2]))),
]


def assert_same_tree(numeric, exact, rtol):
    assert tree.structure(numeric) == tree.structure(exact)
    for a, b in zip(tree.leaves(numeric), tree.leaves(exact)):
        assert type(a) is type(b) and onp.shape(a) == onp.shape(b)
        onp.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name, f, x", PYTREE_CASES, ids=[c[0] for c in PYTREE_CASES])
def test_gradient_has_the_structure_and_values_of_grad(name, f, x, method):
    assert_same_tree(gradient(f, x, method=method), nabla.grad(f)(x), RTOL[method])


def vector_field(v):
    return np.stack([v[0] * v[1], np.sin(v[2]), v[0] ** 2 - v[2]])


def tree_map(p):
    return {"sum": np.sum(p["a"] * p["b"]), "prod": (p["a"] ** 2, p["b"] * 3.0)}


JACOBIAN_CASES = [
    ("R3->R3", vector_field, onp.asarray([1.0, 2.0, 0.5])),
    ("scalar->vector", lambda t: np.stack([t, t ** 2, np.exp(t)]), 0.3),
    ("matrix->vector", lambda m: m @ onp.asarray([1.0, 2.0]), onp.arange(6.0).reshape(3, 2)),
    ("tree->tree", tree_map, {"a": onp.asarray([1.0, 2.0]), "b": onp.asarray([0.5, -1.0])}),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name, f, x", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacobian_has_the_structure_and_values_of_jacfwd(name, f, x, method):
    assert_same_tree(jacobian(f, x, method=method), nabla.jacfwd(f)(x), RTOL[method])


def test_gradient_needs_a_scalar_output():
    with pytest.raises(TypeError, match="requires f to return a scalar.*use jacobian"):
        gradient(vector_field, onp.ones(3))


# ---------------------------------------------------------------------------------------
# Richardson extrapolation
# ---------------------------------------------------------------------------------------


def test_richardson_beats_central_differences_and_bounds_its_error():
    exact = nabla.grad(squire_trapp)(1.5)
    result = richardson(squire_trapp, 1.5)
    error = abs(result.value - exact)
    assert error <= result.error < 1e-11
    assert error < abs(derivative(squire_trapp, 1.5) - exact) / 100


@pytest.mark.parametrize("name, f, x", CASES, ids=IDS)
def test_richardson_error_estimate_bounds_the_true_error(name, f, x):
    result = richardson(f, x)
    exact = nabla.grad(f)(x)
    assert abs(result.value - exact) <= result.error
    assert result.error <= 1e-10 * max(1.0, abs(exact))


def test_richardson_tableau():
    result = richardson(np.exp, 0.0, h=0.4, factor=2.0, steps=5)
    n = len(result.h)
    assert result.tableau.shape == (n, n)
    onp.testing.assert_allclose(result.h, 0.4 / 2.0 ** onp.arange(n))
    # first column: central differences; nothing above the diagonal
    onp.testing.assert_allclose(result.tableau[:, 0],
                                [derivative(np.exp, 0.0, h=h) for h in result.h])
    assert onp.all(onp.isnan(result.tableau[onp.triu_indices(n, 1)]))
    assert onp.all(onp.isfinite(result.tableau[onp.tril_indices(n)]))
    # each column removes one more power of h²: the diagonal closes in on e⁰ = 1
    diagonal_errors = onp.abs(onp.diag(result.tableau) - 1.0)
    assert diagonal_errors[2] < diagonal_errors[1] < diagonal_errors[0]


# ---------------------------------------------------------------------------------------
# Secant slopes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("f, x", [(np.exp, 1.0), (np.sin, 1.0), (np.log, 2.0),
                                  (squire_trapp, 1.5)], ids=["exp", "sin", "log", "squire"])
def test_secant_slopes_best_step_is_near_root_epsilon(f, x):
    table = secant_slopes(f, x)
    assert onp.sqrt(EPS) / 100 <= table.best_h <= onp.sqrt(EPS) * 100
    best = onp.argmin(table.error)
    # truncation error falls as h shrinks, then round-off error rises
    assert table.error[0] > 1e3 * table.error[best]
    assert table.error[-1] > 1e3 * table.error[best]
    onp.testing.assert_allclose(table.error, onp.abs(table.slope - nabla.grad(f)(x)))


def test_secant_slopes_table_prints_every_row():
    table = secant_slopes(np.exp, 1.0, hs=[1e-1, 1e-8, 1e-15])
    text = str(table)
    assert "exact f'(x) = 2.718281828459045" in text
    assert len(text.splitlines()) == 2 + 3 + 1
    assert "1.0e-08" in text and "← best" in text
    assert table.slope[0] == pytest.approx((onp.exp(1.1) - onp.e) / 0.1)


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [derivative, gradient, jacobian, richardson, secant_slopes])
def test_a_function_is_required(call):
    with pytest.raises(TypeError, match="f must be a function"):
        call(3.0, 1.0)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown method 'centre'"):
        derivative(np.sin, 1.0, method="centre")
    with pytest.raises(ValueError, match="h must be positive"):
        derivative(np.sin, 1.0, h=0.0)
    with pytest.raises(ValueError, match="h must be positive"):
        secant_slopes(np.sin, 1.0, hs=[1e-3, -1e-4])
    with pytest.raises(TypeError, match="pass 1.0 instead of 1"):
        derivative(np.sin, 1)
    with pytest.raises(TypeError, match="got str"):
        gradient(np.sin, {"a": "1.0"})
    with pytest.raises(ValueError, match="single number"):
        richardson(np.sin, onp.ones(2))
    with pytest.raises(ValueError, match="steps must be an integer"):
        richardson(np.sin, 1.0, steps=1)
