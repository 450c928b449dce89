"""nabla.optim.linprog against SciPy's HiGHS on small linear programs."""

import numpy as np
import pytest
from scipy.optimize import Bounds
from scipy.optimize import linprog as scipy_linprog

from nabla.optim.linprog import LinprogResult, linprog

# Small programs with a unique optimal x. The comments say what each one exercises.
OPTIMAL = {
    # maximize 3x₁ + 5x₂ on three machines (inequalities, x ≥ 0)
    "production": dict(c=[-3, -5], A_ub=[[1, 0], [0, 2], [3, 2]], b_ub=[4, 12, 18]),
    # the cheapest diet meeting three nutrient minimums (≥ rows written as ≤)
    "diet": dict(c=[0.6, 0.35], A_ub=[[-5, -7], [-4, -2], [-2, -1]], b_ub=[-8, -15, -3]),
    # a diet with upper limits on each food (upper bounds become rows)
    "diet_limits": dict(c=[2.0, 3.5, 8.0], A_ub=[[-4, -8, -7], [-1, -3, -7], [-10, -20, 0]],
                        b_ub=[-20, -15, -30], bounds=[(0, 4), (0, 5), (0, 3)]),
    # balanced transport: supply = demand, so the equality rows are dependent
    "transport": dict(c=[4, 6, 9, 5, 3, 8],
                      A_eq=[[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 0, 0],
                            [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1]],
                      b_eq=[50, 60, 30, 40, 40]),
    # transport with spare supply: capacities as inequalities, demands as equalities
    "transport_capacity": dict(c=[4, 6, 9, 5, 3, 8],
                               A_ub=[[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], b_ub=[60, 70],
                               A_eq=[[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0],
                                     [0, 0, 1, 0, 0, 1]], b_eq=[30, 40, 40]),
    "equality": dict(c=[1, 2, 3], A_eq=[[1, 1, 1], [1, -1, 0]], b_eq=[6, 1]),
    "negative_lower": dict(c=[1, 1], A_ub=[[-1, 1], [1, 2]], b_ub=[1, 4],
                           bounds=[(-3, None), (-2, 5)]),
    "free": dict(c=[1, -1], A_ub=[[1, 1], [-1, 2], [1, -3]], b_ub=[4, 2, 1],
                 bounds=[(None, None), (None, None)]),
    "upper_only": dict(c=[1, 2], A_ub=[[-1, -1]], b_ub=[-10], bounds=[(None, 8), (None, 5)]),
    # the example of scipy.optimize.linprog's documentation
    "scipy_example": dict(c=[-1, 4], A_ub=[[-3, 1], [1, 2]], b_ub=[6, 4],
                          bounds=[(None, None), (-3, None)]),
    # Beale's cycling example: the simplex method cycles on it without anti-cycling rules
    "degenerate_beale": dict(c=[-10, 57, 9, 24],
                             A_ub=[[0.5, -5.5, -2.5, 9], [0.5, -1.5, -0.5, 1], [1, 0, 0, 0]],
                             b_ub=[0, 0, 1]),
    # four constraints through the optimal corner (1, 1)
    "degenerate_corner": dict(c=[-1, -1], A_ub=[[1, 0], [0, 1], [1, 1], [2, 1]],
                              b_ub=[1, 1, 2, 3]),
    "fixed_variable": dict(c=[1, -2, 3], A_ub=[[1, 1, 1]], b_ub=[5],
                           bounds=[(0, 3), (2, 2), (-1, 4)]),
    "box_only": dict(c=[1, -1, 0.5], bounds=[(-1, 2), (0, 3), (-4, 1)]),
    "no_rows": dict(c=[1, 2]),
    "redundant_equalities": dict(c=[1, 1, 1], A_eq=[[1, 1, 0], [0, 1, 1], [1, 2, 1]],
                                 b_eq=[2, 3, 5]),
    "klee_minty": dict(c=[-4, -2, -1], A_ub=[[1, 0, 0], [4, 1, 0], [8, 4, 1]],
                       b_ub=[5, 25, 125]),
}

# Programs whose dual values are unique (nondegenerate), so marginals can be compared.
UNIQUE_DUALS = ["production", "diet", "diet_limits", "equality", "free", "upper_only",
                "scipy_example", "klee_minty", "transport_capacity"]

INFEASIBLE = {
    "contradictory_rows": dict(c=[1, 1], A_ub=[[1, 1], [-1, -1]], b_ub=[1, -2]),
    "inconsistent_equalities": dict(c=[1, 1], A_eq=[[1, 1], [1, 1]], b_eq=[1, 2]),
    "bounds_too_tight": dict(c=[1, 1], A_ub=[[-1, -1]], b_ub=[-5], bounds=[(0, 1), (0, 1)]),
    "negative_right_side": dict(c=[1], A_eq=[[1]], b_eq=[-1]),
}

UNBOUNDED = {
    "open_cone": dict(c=[-1, -1], A_ub=[[1, -1]], b_ub=[1]),
    "free_variable": dict(c=[1, 0], A_eq=[[0, 1]], b_eq=[1], bounds=[(None, None), (0, None)]),
    "no_rows": dict(c=[-1, 0]),
    "upper_bound_only": dict(c=[1], bounds=[(None, 3)]),
}


def _close(a, b, rtol=1e-7):
    return np.all(np.abs(np.asarray(a) - np.asarray(b))
                  <= rtol * max(1.0, np.max(np.abs(b), initial=0.0)))


@pytest.mark.parametrize("name", sorted(OPTIMAL))
def test_agrees_with_highs(name):
    problem = OPTIMAL[name]
    expected = scipy_linprog(method="highs", **problem)
    result = linprog(**problem)
    assert isinstance(result, LinprogResult)
    assert result.status == 0 and result.success, result.message
    assert _close(result.fun, expected.fun), (result.fun, expected.fun)
    assert _close(result.x, expected.x), (result.x, expected.x)
    if "A_ub" in problem:
        assert _close(result.slack, expected.slack)
        assert np.all(result.slack >= -1e-7)
    if "A_eq" in problem:
        assert np.max(np.abs(result.con)) <= 1e-6
    assert result.message.startswith("optimal")


@pytest.mark.parametrize("name", UNIQUE_DUALS)
def test_marginals_agree_with_highs(name):
    problem = OPTIMAL[name]
    expected = scipy_linprog(method="highs", **problem)
    result = linprog(**problem)
    assert _close(result.ineqlin.marginals, expected.ineqlin.marginals, 1e-6)
    assert _close(result.eqlin.marginals, expected.eqlin.marginals, 1e-6)
    assert _close(result.ineqlin.residual, expected.ineqlin.residual, 1e-6)


def test_marginals_are_the_derivative_of_the_optimal_value():
    problem = OPTIMAL["production"]
    base = linprog(**problem)
    h = 1e-3
    for i in range(3):
        b = np.array(problem["b_ub"], float)
        b[i] += h
        shifted = linprog(**{**problem, "b_ub": b})
        assert shifted.fun - base.fun == pytest.approx(h * base.ineqlin.marginals[i],
                                                       abs=1e-8)


@pytest.mark.parametrize("name", sorted(INFEASIBLE))
def test_reports_infeasible(name):
    assert scipy_linprog(method="highs", **INFEASIBLE[name]).status == 2
    result = linprog(**INFEASIBLE[name])
    assert result.status == 2 and not result.success
    assert "infeasible" in result.message
    assert result.x is None and result.fun is None


@pytest.mark.parametrize("name", sorted(UNBOUNDED))
def test_reports_unbounded(name):
    assert scipy_linprog(method="highs", **UNBOUNDED[name]).status == 3
    result = linprog(**UNBOUNDED[name])
    assert result.status == 3 and not result.success
    assert "unbounded" in result.message
    assert result.x is None and result.fun is None


def test_iteration_limit_is_reported_not_raised():
    result = linprog(**OPTIMAL["transport"], maxiter=2)
    assert result.status == 1 and not result.success
    assert "iteration limit maxiter=2" in result.message
    assert result.nit == 2 and result.x.shape == (6,)


def test_history_is_the_path_through_the_interior():
    result = linprog(**OPTIMAL["production"])
    path = np.array(result.history["x"])
    assert len(path) == result.nit + 1 == len(result.history["fun"])
    assert np.all(path > 0)  # strictly inside x ≥ 0 all the way ...
    np.testing.assert_allclose(path[-1], result.x)  # ... to the corner (2, 6)
    assert result.history["fun"][-1] == pytest.approx(result.fun)


def test_bounds_forms():
    c, A_ub, b_ub = [1, 1], [[-1, -2]], [-4]
    default = linprog(c, A_ub, b_ub)
    assert _close(linprog(c, A_ub, b_ub, bounds=None).x, default.x)
    assert _close(linprog(c, A_ub, b_ub, bounds=[(0, None), (0, None)]).x, default.x)
    assert _close(linprog(c, A_ub, b_ub, bounds=Bounds(0, np.inf)).x, default.x)
    boxed = linprog(c, A_ub, b_ub, bounds=Bounds([0, 0], [3, 1]))
    assert _close(boxed.x, [2, 1])


@pytest.mark.parametrize("kwargs, phrase", [
    (dict(c=[1, 2], A_ub=[[1, 2, 3]], b_ub=[1]), "A_ub has 3 columns but c has 2"),
    (dict(c=[1, 2], A_ub=[[1, 2]], b_ub=[1, 2]), "A_ub has 1 rows but b_ub has 2"),
    (dict(c=[1, 2], A_eq=[[1, 2]], b_eq=[1, 2]), "A_eq has 1 rows but b_eq has 2"),
    (dict(c=[1, 2], A_eq=[1, 2], b_eq=[1]), "A_eq must be a matrix"),
    (dict(c=[1, 2], A_ub=[[1, 2]]), "A_ub is given without b_ub"),
    (dict(c=[1, 2], b_eq=[1]), "b_eq is given without A_eq"),
    (dict(c=[[1, 2]]), "c must be a vector"),
    (dict(c=[]), "c is empty"),
    (dict(c=[1, np.nan]), "c must be finite"),
    (dict(c=[1, 2], bounds=[(0, 1), (3, 2)]), "low > high for variable 1"),
    (dict(c=[1, 2], bounds=[(0, 1)] * 3), "one (low, high) pair per variable"),
    (dict(c=[1, 2], method="simplex"), "unknown method 'simplex'"),
    (dict(c=[1, 2], tol=0), "tol must be a number > 0"),
    (dict(c=[1, 2], maxiter=-1), "maxiter must be an integer >= 0"),
])
def test_bad_input_raises_value_error(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        linprog(**kwargs)
