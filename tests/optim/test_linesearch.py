"""nabla.optim.linesearch: Armijo backtracking and the strong Wolfe search return steps at
which their conditions hold, on restrictions φ(α) = f(x + αp) of a few functions."""

import math

import numpy as onp
import pytest

import nabla
import nabla.numpy as np
from nabla.optim import functions
from nabla.optim.linesearch import LineSearchResult, armijo, initial_step, wolfe

C1 = 1e-4


def rosenbrock(x):
    return functions.rosenbrock(len(x))(x)


def exp_quadratic(x):
    return np.exp(x[0] - 1.0) + x[1] ** 2 - x[0]


def quartic(x):
    return np.sum(x ** 4) + np.sum(x ** 2) / 10


# (f, x, p): p = −∇f(x), or another descent direction
CASES = [
    (rosenbrock, onp.array([-1.2, 1.0]), None),
    (rosenbrock, onp.array([0.0, 0.0]), onp.array([1.0, 0.0])),
    (exp_quadratic, onp.array([3.0, 2.0]), None),
    (quartic, onp.array([1.5, -0.5, 2.0]), None),
]


def restricted(f, x, p):
    """φ(α) = f(x + αp) and φ'(α) = ∇f(x + αp)·p, by nabla."""
    value_and_grad = nabla.value_and_grad(f)

    def phi(alpha):
        value, gradient = value_and_grad(x + alpha * p)
        return float(value), float(gradient @ p)

    return phi


def ray(case):
    f, x, p = case
    if p is None:
        p = -nabla.grad(f)(x)
    phi = restricted(f, x, p)
    return phi, *phi(0.0)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0].__name__)
@pytest.mark.parametrize("alpha0", [1.0, 1e-3, 10.0])
def test_armijo_condition_holds_at_the_step(case, alpha0):
    phi, phi0, slope0 = ray(case)
    result = armijo(lambda a: phi(a)[0], phi0, slope0, alpha0=alpha0, c1=C1)
    assert isinstance(result, LineSearchResult) and result.success
    assert 0 < result.alpha <= alpha0
    value = phi(result.alpha)[0]
    assert value == result.fun
    assert value <= phi0 + C1 * result.alpha * slope0
    if result.nfev > 1:  # it backtracked: the trial before was too long
        assert result.alpha <= alpha0 / 2


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0].__name__)
@pytest.mark.parametrize("alpha0", [1.0, 1e-4, 50.0])
@pytest.mark.parametrize("c2", [0.9, 0.1])
def test_strong_wolfe_conditions_hold_at_the_step(case, alpha0, c2):
    phi, phi0, slope0 = ray(case)
    result = wolfe(phi, phi0, slope0, alpha0=alpha0, c1=C1, c2=c2)
    assert result.success, result.message
    value, slope = phi(result.alpha)
    assert (value, slope) == (result.fun, result.slope)
    assert value <= phi0 + C1 * result.alpha * slope0  # sufficient decrease
    assert abs(slope) <= c2 * abs(slope0)  # curvature


def test_wolfe_extrapolates_from_a_short_first_step():
    phi = lambda a: ((a - 100.0) ** 2, 2 * (a - 100.0))
    result = wolfe(phi, 1e4, -200.0, alpha0=1.0, c2=0.1)
    assert result.success and 90 <= result.alpha <= 110


def test_the_first_acceptable_step_is_taken():
    phi = lambda a: ((a - 1.0) ** 2, 2 * (a - 1.0))
    assert wolfe(phi, 1.0, -2.0).nfev == 1 and wolfe(phi, 1.0, -2.0).alpha == 1.0
    assert armijo(lambda a: phi(a)[0], 1.0, -2.0).nfev == 1


def test_non_finite_values_count_as_too_long():
    """Past α = 1 the function is undefined (nan): both searches step back inside."""
    def phi(alpha):
        if alpha > 1:
            return math.nan, math.nan
        return (alpha - 2.0) ** 2, 2 * (alpha - 2.0)

    result = armijo(lambda a: phi(a)[0], 4.0, -4.0, alpha0=8.0)
    assert result.success and 0 < result.alpha <= 1
    result = wolfe(phi, 4.0, -4.0, alpha0=8.0, c2=0.9)
    assert result.success and 0 < result.alpha <= 1


def test_a_flat_function_is_a_failure_not_an_error():
    result = armijo(lambda a: 1.0, 1.0, -1.0, maxiter=20)
    assert not result.success and result.alpha == 0.0 and result.nfev == 20
    assert "Armijo" in result.message
    result = wolfe(lambda a: (1.0, -1.0), 1.0, -1.0)
    assert not result.success and result.alpha == 0.0


def test_unbounded_below_stops_at_alpha_max_with_the_best_step():
    result = wolfe(lambda a: (-a, -1.0), 0.0, -1.0, alpha_max=1e3)
    assert not result.success and "unbounded below" in result.message
    assert result.alpha == 1e3 and result.fun == -1e3


def test_initial_step():
    assert initial_step(-400.0) == pytest.approx(1 / 20)  # 1/‖∇f‖ along −∇f
    assert initial_step(-4.0, decrease=0.5) == pytest.approx(0.25)
    assert initial_step(-4.0, decrease=100.0) == 1.0  # never more than the full step
    assert initial_step(-4.0, decrease=0.0) == initial_step(-4.0)


@pytest.mark.parametrize("search", [armijo, wolfe])
def test_a_direction_that_does_not_descend_is_an_error(search):
    phi = (lambda a: (a * a, 2 * a)) if search is wolfe else (lambda a: a * a)
    with pytest.raises(ValueError, match="does not descend"):
        search(phi, 0.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        search(phi, math.nan, -1.0)


@pytest.mark.parametrize("c1, c2", [(0.0, 0.9), (0.5, 0.4), (1e-4, 1.0)])
def test_wolfe_constants_must_be_ordered(c1, c2):
    with pytest.raises(ValueError, match="0 < c1"):
        wolfe(lambda a: (a, 1.0), 0.0, -1.0, c1=c1, c2=c2)
