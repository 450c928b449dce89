"""nabla.optim.constrained: bounds by projection, constraints by the augmented Lagrangian."""

import numpy as np
import pytest
from scipy.optimize import Bounds, minimize

import nabla.numpy as nnp
from nabla.optim.constrained import ConstrainedResult, augmented_lagrangian, minimize_bounded
from nabla.optim.result import OptimizeResult

METHODS = ["lbfgs", "projected-gradient"]


def quadratic(x):
    """An ill-conditioned quadratic with its minimum (3, −2, 1) outside the unit box."""
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 1.0]])
    d = x - np.array([3.0, -2.0, 1.0])
    return d @ A @ d


def rosenbrock(x):
    return nnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# --------------------------------------------------------------------------------------
# minimize_bounded
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_quadratic_with_its_minimum_outside_the_box(method):
    bounds = [(-1, 1), (-1, 1), (-1, 1)]
    expected = minimize(quadratic, np.zeros(3), method="L-BFGS-B", bounds=bounds,
                        options={"gtol": 1e-12, "ftol": 1e-15})
    result = minimize_bounded(quadratic, np.zeros(3), bounds, method=method, gtol=1e-9)
    assert isinstance(result, OptimizeResult)
    assert result.success and result.status == 0, result.message
    np.testing.assert_allclose(result.x, expected.x, atol=1e-7)
    assert result.fun == pytest.approx(expected.fun, rel=1e-10)
    assert result.x[0] == 1.0 and result.x[1] == -1.0  # on the boundary, exactly
    assert result.jac[0] < 0 < result.jac[1]  # the gradient pushes out of the box there


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n, bounds, start", [
    (2, [(-2.0, 0.5)] * 2, 0.2),
    (5, [(-2.0, 0.5)] * 5, 0.2),
    (4, [(1.5, 3.0)] * 4, 2.0),
    (3, [(None, 0.8), (0.0, None), (-1.0, 2.0)], 0.3),
])
def test_rosenbrock_with_bounds_matches_scipy(method, n, bounds, start):
    x0 = np.full(n, start)
    expected = minimize(lambda x: np.asarray(rosenbrock(x)), x0, method="L-BFGS-B",
                        bounds=bounds, options={"gtol": 1e-12, "ftol": 1e-15})
    result = minimize_bounded(rosenbrock, x0, bounds, method=method, gtol=1e-9, ftol=0.0,
                              maxiter=5000)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, expected.x, atol=1e-6)
    assert result.fun == pytest.approx(expected.fun, rel=1e-8, abs=1e-12)


def test_projected_gradient_and_projected_lbfgs_agree():
    bounds = [(-0.5, 0.9)] * 6
    x0 = np.linspace(-0.5, 0.9, 6)
    a, b = (minimize_bounded(rosenbrock, x0, bounds, method=m, gtol=1e-8, ftol=0.0,
                             maxiter=10000) for m in METHODS)
    assert a.success and b.success
    np.testing.assert_allclose(a.x, b.x, atol=1e-6)
    assert a.fun == pytest.approx(b.fun, rel=1e-12)
    assert a.nit < b.nit  # curvature pays


def test_bounds_as_scipy_accepts_them():
    f = lambda x: nnp.sum((x - 5.0) ** 2)
    for bounds in ([(0, 2), (0, 2)], (0, 2), Bounds(0, 2), Bounds([0, 0], [2, 2]),
                   np.array([[0.0, 2.0], [0.0, 2.0]])):
        np.testing.assert_allclose(minimize_bounded(f, np.zeros(2), bounds).x, [2.0, 2.0])
    free = minimize_bounded(f, np.zeros(2), None)
    np.testing.assert_allclose(free.x, [5.0, 5.0], atol=1e-6)
    half = minimize_bounded(f, np.zeros(2), [(None, 1), (None, None)])
    np.testing.assert_allclose(half.x, [1.0, 5.0], atol=1e-6)


def test_start_outside_the_box_is_projected():
    result = minimize_bounded(lambda x: nnp.sum(x ** 2), np.array([5.0, -5.0]), [(1, 2)] * 2)
    np.testing.assert_allclose(result.history["x"][0], [2.0, 1.0])
    np.testing.assert_allclose(result.x, [1.0, 1.0])


def test_pytree_start_bounds_the_flattened_vector():
    # tree.flatten orders dict keys: 'b' (a scalar) first, then the two entries of 'w'
    f = lambda p: nnp.sum((p["w"] - 3.0) ** 2) + (p["b"] + 4.0) ** 2
    result = minimize_bounded(f, {"w": np.zeros(2), "b": 0.0}, [(-1, 1), (0, 2), (0, 1)])
    assert set(result.x) == {"w", "b"} and result.x["w"].shape == (2,)
    assert result.x["b"] == -1.0
    np.testing.assert_allclose(result.x["w"], [2.0, 1.0])
    assert set(result.jac) == {"w", "b"}


def test_scalar_start():
    result = minimize_bounded(lambda x: (x - 3.0) ** 2, 0.0, [(None, 1.0)])
    assert result.x == 1.0 and np.ndim(result.x) == 0 and result.fun == 4.0


def test_history_callback_and_iteration_limit():
    seen = []
    result = minimize_bounded(rosenbrock, np.zeros(2), [(-2, 2)] * 2,
                              callback=lambda x: seen.append(x.copy()) or len(seen) == 3)
    assert result.status == 3 and not result.success and "callback" in result.message
    assert len(seen) == 3 == result.nit == len(result.history["fun"]) - 1
    fun = result.history["fun"]
    assert all(b < a for a, b in zip(fun, fun[1:]))  # monotone: Armijo
    limited = minimize_bounded(rosenbrock, np.zeros(2), [(-2, 2)] * 2, maxiter=2)
    assert limited.status == 1 and not limited.success
    assert "maxiter=2" in limited.message and limited.nit == 2


@pytest.mark.parametrize("kwargs, error, phrase", [
    (dict(bounds=[(0, 1), (2, 1)]), ValueError, r"low > high for variable 1 \(2.0 > 1.0\)"),
    (dict(bounds=[(0, 1)] * 3), ValueError, r"one \(low, high\) pair per variable \(2"),
    (dict(bounds=Bounds([0, 0, 0], [1, 1, 1])), ValueError, "one entry per variable"),
    (dict(bounds=[(0, 1), (0, np.nan)]), ValueError, "NaN"),
    (dict(bounds=[(0, 1), 3.0]), ValueError, r"bounds\[1\] must be a \(low, high\) pair"),
    (dict(bounds=None, method="newton"), ValueError, "unknown method 'newton'"),
    (dict(bounds=None, gtol=-1), ValueError, "gtol must be a number >= 0"),
    (dict(bounds=None, maxiter=1.5), ValueError, "maxiter must be an integer"),
])
def test_bad_input_for_minimize_bounded(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        minimize_bounded(lambda x: nnp.sum(x ** 2), np.zeros(2), **kwargs)


def test_bad_function_or_start():
    with pytest.raises(TypeError, match="return a scalar"):
        minimize_bounded(lambda x: x ** 2, np.zeros(2), None)
    with pytest.raises(TypeError, match="f must be a function"):
        minimize_bounded(3.0, np.zeros(2), None)
    with pytest.raises(TypeError, match="x0 must hold real numbers"):
        minimize_bounded(lambda x: x, "a", None)
    with pytest.raises(ValueError, match="x0 must be finite"):
        minimize_bounded(lambda x: nnp.sum(x), np.array([np.inf]), None)


# --------------------------------------------------------------------------------------
# augmented_lagrangian
# --------------------------------------------------------------------------------------


def test_equality_on_a_line():
    """min x² + y² on x + y = 1: (½, ½), with ∇f = λ∇c, λ = 1."""
    result = augmented_lagrangian(lambda x: x @ x, np.zeros(2),
                                  [{"type": "eq", "fun": lambda x: x[0] + x[1] - 1.0}])
    assert isinstance(result, ConstrainedResult)
    assert result.success and result.status == 0, result.message
    np.testing.assert_allclose(result.x, [0.5, 0.5], atol=1e-8)
    np.testing.assert_allclose(result.multipliers, [1.0], atol=1e-7)
    assert result.constr_violation <= 1e-8
    assert result.fun == pytest.approx(0.5)


def test_nonlinear_equality_multiplier():
    """min x + y on the circle x² + y² = 2: (−1, −1), (1, 1) = λ(2x, 2y), λ = −½."""
    result = augmented_lagrangian(lambda x: x[0] + x[1], np.array([0.5, -0.2]),
                                  {"type": "eq", "fun": lambda x: x @ x - 2.0})
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [-1.0, -1.0], atol=1e-7)
    np.testing.assert_allclose(result.multipliers, [-0.5], atol=1e-7)


# the example of SciPy's tutorial on constrained minimization (SLSQP)
TUTORIAL_F = lambda x: (x[0] - 1) ** 2 + (x[1] - 2.5) ** 2
TUTORIAL_CONSTRAINTS = (
    {"type": "ineq", "fun": lambda x: x[0] - 2 * x[1] + 2},
    {"type": "ineq", "fun": lambda x: -x[0] - 2 * x[1] + 6},
    {"type": "ineq", "fun": lambda x: -x[0] + 2 * x[1] + 2},
)


@pytest.mark.parametrize("inner_method", METHODS)
def test_scipy_tutorial_problem_matches_slsqp(inner_method):
    bounds = ((0, None), (0, None))
    expected = minimize(TUTORIAL_F, (2, 0), method="SLSQP", bounds=bounds,
                        constraints=TUTORIAL_CONSTRAINTS)
    result = augmented_lagrangian(TUTORIAL_F, np.array([2.0, 0.0]), TUTORIAL_CONSTRAINTS,
                                  bounds, inner_method=inner_method)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, expected.x, atol=1e-7)  # (1.4, 1.7)
    np.testing.assert_allclose(result.x, [1.4, 1.7], atol=1e-7)
    np.testing.assert_allclose(result.multipliers, expected.multipliers, atol=1e-6)
    np.testing.assert_allclose(result.multipliers, [0.8, 0.0, 0.0], atol=1e-6)


def test_inactive_constraint_changes_nothing():
    f = lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2
    result = augmented_lagrangian(f, np.zeros(2),
                                  [{"type": "ineq", "fun": lambda x: 10 - x[0] - x[1]}])
    assert result.success
    np.testing.assert_allclose(result.x, [2.0, 1.0], atol=1e-8)
    assert result.multipliers[0] == 0.0 and result.constr_violation == 0.0


def test_mixed_equality_and_inequality_matches_slsqp():
    f = lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2
    constraints = [{"type": "ineq", "fun": lambda x: 1 - x[0] ** 2 / 4 - x[1] ** 2},
                   {"type": "eq", "fun": lambda x: x[0] - 2 * x[1] + 1}]
    expected = minimize(f, [2, 2], method="SLSQP", constraints=constraints,
                        options={"ftol": 1e-12})
    result = augmented_lagrangian(f, np.array([2.0, 2.0]), constraints)
    assert result.success, result.message
    # x = ((√7 − 1)/2, (√7 + 1)/4), both constraints active
    np.testing.assert_allclose(result.x, [(7 ** 0.5 - 1) / 2, (7 ** 0.5 + 1) / 4], atol=1e-7)
    np.testing.assert_allclose(result.x, expected.x, atol=1e-7)
    # equality multipliers first, as SLSQP lays them out
    np.testing.assert_allclose(result.multipliers, expected.multipliers, atol=1e-6)
    assert result.multipliers[1] > 0


def test_kkt_conditions_hold_at_the_solution():
    """∇f = Σ λᵢ∇cᵢ with the returned multipliers (eq first, then ineq)."""
    import nabla

    f = lambda x: nnp.sum(x ** 2) + x[0] * x[2]
    constraints = [{"type": "ineq", "fun": lambda x: x[0] + 2 * x[1] - 3},
                   {"type": "eq", "fun": lambda x: nnp.stack([x[2] - 1, x[0] - x[1] ** 2])}]
    result = augmented_lagrangian(f, np.ones(3), constraints)
    assert result.success, result.message
    x, (l1, l2, nu) = result.x, result.multipliers
    jac_eq = nabla.jacobian(constraints[1]["fun"])(x)
    jac_in = nabla.grad(constraints[0]["fun"])(x)
    np.testing.assert_allclose(nabla.grad(f)(x), l1 * jac_eq[0] + l2 * jac_eq[1] + nu * jac_in,
                               atol=1e-6)
    assert nu > 0 and abs(constraints[0]["fun"](x)) < 1e-8  # active, complementary


def test_vector_constraint_on_a_pytree_with_args():
    f = lambda p: nnp.sum((p["a"] - 3.0) ** 2) + (p["b"] + 1.0) ** 2
    cap = {"type": "ineq", "args": (1.0,),
           "fun": lambda p, top: nnp.concatenate([top - p["a"], nnp.reshape(p["b"], (1,))])}
    result = augmented_lagrangian(f, {"a": np.zeros(2), "b": 0.0}, cap)
    assert result.success, result.message
    np.testing.assert_allclose(result.x["a"], [1.0, 1.0], atol=1e-7)
    assert abs(result.x["b"]) < 1e-7
    np.testing.assert_allclose(result.multipliers, [4.0, 4.0, 2.0], atol=1e-6)


def test_bounds_and_an_equality():
    """min (x−3)² + (y−3)² on x + y = 3 with x ≤ 1: (1, 2), λ = ∂f/∂y = −2."""
    f = lambda x: (x[0] - 3) ** 2 + (x[1] - 3) ** 2
    eq = {"type": "eq", "fun": lambda x: x[0] + x[1] - 3}
    expected = minimize(f, [0, 0], method="SLSQP", constraints=eq, bounds=[(None, 1), (None, None)])
    result = augmented_lagrangian(f, np.zeros(2), eq, bounds=[(None, 1), (None, None)])
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [1.0, 2.0], atol=1e-8)
    np.testing.assert_allclose(result.x, expected.x, atol=1e-7)
    np.testing.assert_allclose(result.multipliers, [-2.0], atol=1e-6)


def test_infeasible_constraints_are_reported_not_raised():
    result = augmented_lagrangian(lambda x: x[0] ** 2, np.zeros(1),
                                  [{"type": "ineq", "fun": lambda x: x[0] - 1},
                                   {"type": "ineq", "fun": lambda x: -x[0]}])
    assert result.status == 2 and not result.success
    assert "infeasible" in result.message
    assert result.constr_violation == pytest.approx(0.5, abs=1e-6)


def test_iteration_limit_and_history():
    result = augmented_lagrangian(lambda x: x @ x, np.zeros(2),
                                  {"type": "eq", "fun": lambda x: x[0] + x[1] - 1.0}, maxiter=2)
    assert result.status == 1 and not result.success and "maxiter=2" in result.message
    assert result.nit == 2 == len(result.history["violation"]) == len(result.history["penalty"])
    assert result.history["violation"][1] < result.history["violation"][0]


@pytest.mark.parametrize("constraints, error, phrase", [
    ({"type": "less", "fun": lambda x: x[0]}, ValueError, "must be 'eq' or 'ineq'"),
    ([lambda x: x[0]], TypeError, r"constraints\[0\] must be a dict"),
    ({"type": "eq", "fun": 3}, TypeError, r"\['fun'\] must be a function"),
    (5, TypeError, "constraints must be a dict"),
])
def test_bad_constraints(constraints, error, phrase):
    with pytest.raises(error, match=phrase):
        augmented_lagrangian(lambda x: x @ x, np.zeros(2), constraints)


def test_bad_bounds_or_options_for_augmented_lagrangian():
    eq = {"type": "eq", "fun": lambda x: x[0] - 1}
    with pytest.raises(ValueError, match="low > high for variable 0"):
        augmented_lagrangian(lambda x: x @ x, np.zeros(2), eq, bounds=[(1, 0), (0, 1)])
    with pytest.raises(ValueError, match="unknown inner_method 'bfgs'"):
        augmented_lagrangian(lambda x: x @ x, np.zeros(2), eq, inner_method="bfgs")
    with pytest.raises(ValueError, match="maxiter must be an integer >= 1"):
        augmented_lagrangian(lambda x: x @ x, np.zeros(2), eq, maxiter=0)
