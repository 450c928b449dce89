"""nabla.optim.minimize: every method reaches known minima, Newton converges quadratically,
the quasi-Newton methods keep up with SciPy, pytrees and dtypes come back as given, and
divergence, callbacks and bad input are reported as documented."""

import numpy as onp
import pytest
import scipy.optimize

import nabla.numpy as np
from nabla.optim import functions
from nabla.optim.minimize import METHODS, maximize, minimize
from nabla.optim.result import OptimizeResult

SECOND_ORDER = ["newton", "bfgs", "lbfgs", "cg"]
# a learning rate that works for each first-order method on WELL (eigenvalues 1 to 5)
FIRST_ORDER = {"gd": {"lr": 0.15}, "momentum": {"lr": 0.05}, "nesterov": {"lr": 0.05},
               "adam": {"lr": 0.05}, "rmsprop": {"lr": 0.01}}
CENTER = onp.array([1.0, -2.0, 0.5, 3.0])
WEIGHTS = onp.array([1.0, 2.0, 3.0, 5.0])


def well(x):
    """A well-conditioned quadratic: ½ Σ wᵢ (xᵢ − cᵢ)², minimum 0 at c, cond = 5."""
    return 0.5 * np.sum(WEIGHTS * (x - CENTER) ** 2)


def distance_to_minimum(x, test_function):
    return min(onp.max(onp.abs(x - m)) for m in test_function.minimizers)


# ---------------------------------------------------------------------------------------
# Known minima
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", SECOND_ORDER)
def test_second_order_methods_solve_the_quadratic(method):
    result = minimize(well, onp.zeros(4), method=method)
    assert isinstance(result, OptimizeResult)
    assert result.success and result.status == 0 and "gtol" in result.message
    onp.testing.assert_allclose(result.x, CENTER, atol=1e-6)
    assert result.fun < 1e-11 and onp.max(onp.abs(result.jac)) <= 1e-6


@pytest.mark.parametrize("method", sorted(FIRST_ORDER))
def test_first_order_methods_with_a_tuned_lr_solve_the_quadratic(method):
    result = minimize(well, onp.zeros(4), method=method, **FIRST_ORDER[method])
    assert result.success, result.message
    onp.testing.assert_allclose(result.x, CENTER, atol=1e-5)


@pytest.mark.parametrize("method", SECOND_ORDER)
@pytest.mark.parametrize("n", [2, 10])
def test_rosenbrock(method, n):
    f = functions.rosenbrock(n)  # from (−1.2, 1), or (−1.2, …, −1.2)
    result = minimize(f, onp.array(f.start), method=method)
    assert result.success, result.message
    onp.testing.assert_allclose(result.x, onp.ones(n), atol=1e-5)


@pytest.mark.parametrize("method", SECOND_ORDER)
@pytest.mark.parametrize("name", ["beale", "booth", "himmelblau"])
def test_two_variable_test_functions(method, name):
    f = functions.get(name)
    result = minimize(f, onp.array(f.start), method=method)
    assert result.success, result.message
    assert distance_to_minimum(result.x, f) < 1e-5 and result.fun < 1e-10


def test_newton_converges_quadratically():
    """Near x* the error squares: e_{k+1} ≤ C e_k², here on Rosenbrock's valley."""
    f = functions.rosenbrock(2)
    result = minimize(f, onp.array(f.start), method="newton", gtol=1e-10)
    errors = [onp.linalg.norm(x - 1.0) for x in result.history["x"]]
    close = [(e, e_next) for e, e_next in zip(errors, errors[1:]) if e < 0.05]
    assert len(close) >= 3
    for e, e_next in close:
        assert e_next <= 50 * e ** 2
    assert errors[-1] < 1e-12


def test_newton_finds_a_minimum_from_a_saddle_region():
    """Where ∇²f is indefinite the damped step still descends, to a minimizer."""
    f = lambda x: x[0] ** 4 / 4 - x[0] ** 2 / 2 + x[1] ** 2  # saddle at 0, minima at ±1
    result = minimize(f, onp.array([0.01, 1.0]), method="newton")
    assert result.success
    onp.testing.assert_allclose(result.x, [1.0, 0.0], atol=1e-8)
    assert all(b <= a for a, b in zip(result.history["fun"], result.history["fun"][1:]))


# ---------------------------------------------------------------------------------------
# Against SciPy, same gradient tolerance (SciPy's default 1e-5), exact derivatives
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("ours, theirs", [("newton", "Newton-CG"), ("bfgs", "BFGS"),
                                          ("lbfgs", "L-BFGS-B")])
def test_no_more_iterations_than_scipy_on_rosenbrock(ours, theirs):
    x0 = onp.array([-1.2, 1.0])
    reference = scipy.optimize.minimize(
        scipy.optimize.rosen, x0, method=theirs, jac=scipy.optimize.rosen_der,
        hess=scipy.optimize.rosen_hess if theirs == "Newton-CG" else None)
    result = minimize(functions.rosenbrock(2), x0, method=ours, gtol=1e-5)
    assert reference.success and result.success
    assert result.nit <= reference.nit
    assert result.fun <= 1e-10


# ---------------------------------------------------------------------------------------
# Pytrees, dtypes, history, arguments
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lbfgs", "newton", "gd"])
def test_a_dict_of_arrays_comes_back_as_a_dict(method):
    target = {"w": onp.array([[1.0, 2.0], [3.0, 4.0]]), "b": onp.array(-1.0)}

    def loss(p):
        return np.sum((p["w"] - target["w"]) ** 2) + (p["b"] - target["b"]) ** 2

    start = {"w": onp.zeros((2, 2)), "b": onp.array(0.0)}
    result = minimize(loss, start, method=method, lr=0.25) if method == "gd" else \
        minimize(loss, start, method=method)
    assert result.success
    assert set(result.x) == {"w", "b"} and result.x["w"].shape == (2, 2)
    assert result.x["b"].shape == () and set(result.jac) == {"w", "b"}
    onp.testing.assert_allclose(result.x["w"], target["w"], atol=1e-6)
    onp.testing.assert_allclose(result.x["b"], target["b"], atol=1e-6)
    assert all(set(x) == {"w", "b"} for x in result.history["x"])


@pytest.mark.parametrize("method", ["bfgs", "newton", "adam"])
def test_float32_in_float32_out(method):
    start = {"a": onp.zeros(4, dtype=onp.float32), "c": onp.float32(3.0)}
    seen = []

    weights, center = WEIGHTS.astype(onp.float32), CENTER.astype(onp.float32)

    def loss(p):
        seen.append(p["a"].dtype)
        return 0.5 * np.sum(weights * (p["a"] - center) ** 2) + (p["c"] - 1) ** 2

    options = {"lr": 0.05, "gtol": 1e-3} if method == "adam" else {"gtol": 1e-3}
    result = minimize(loss, start, method=method, **options)
    assert result.success, result.message
    assert result.x["a"].dtype == onp.float32 and result.x["c"].dtype == onp.float32
    assert isinstance(result.x["c"], onp.float32) and result.jac["a"].dtype == onp.float32
    assert set(seen) == {onp.dtype(onp.float32)}  # f always ran in float32
    onp.testing.assert_allclose(result.x["c"], 1.0, atol=1e-3)


@pytest.mark.parametrize("method", SECOND_ORDER)
def test_the_limit_of_float32_precision_is_reported(method):
    """Near 1000, float32 resolves f to about 6e-5: ‖∇f‖∞ ≤ 1e-6 is out of reach."""
    f = lambda x: np.sum(np.exp(x) - 1.3 * x) + 1000.0
    result = minimize(f, onp.array([2.0, 3.0], dtype=onp.float32), method=method)
    assert result.status == 2 and not result.success and result.nit < 20
    assert "gtol" in result.message and ("float64" in result.message
                                         or "no step that decreases f" in result.message)
    onp.testing.assert_allclose(result.x, onp.log(1.3), atol=1e-2)
    assert result.x.dtype == onp.float32


def test_history_and_counts():
    result = minimize(well, onp.zeros(4), method="bfgs")
    assert len(result.history["x"]) == len(result.history["fun"]) == result.nit + 1
    onp.testing.assert_array_equal(result.history["x"][0], onp.zeros(4))
    assert result.history["fun"][0] == pytest.approx(float(well(onp.zeros(4))))
    assert result.history["fun"][-1] == result.fun
    assert result.nfev >= result.nit + 1 and result.njev >= result.nit + 1


def test_args_are_passed_to_f():
    result = minimize(lambda x, c, w: np.sum(w * (x - c) ** 2), onp.zeros(2),
                      args=(onp.array([2.0, -1.0]), 3.0))
    onp.testing.assert_allclose(result.x, [2.0, -1.0], atol=1e-6)


def test_a_scalar_start_gives_a_scalar():
    result = minimize(lambda x: (x - 2.0) ** 2 + 1.0, 0.0, method="newton")
    assert onp.ndim(result.x) == 0 and result.x == pytest.approx(2.0)
    assert result.fun == pytest.approx(1.0)


def test_method_names_ignore_case():
    assert minimize(well, onp.zeros(4), method="BFGS").success


# ---------------------------------------------------------------------------------------
# Stopping rules
# ---------------------------------------------------------------------------------------


def test_stops_on_function_change_with_tol():
    result = minimize(well, onp.zeros(4), method="gd", lr=0.01, tol=1e-6)
    assert result.success and "tol" in result.message and "gtol" not in result.message
    changes = onp.abs(onp.diff(result.history["fun"]))
    assert changes[-1] <= 1e-6 * max(1.0, abs(result.fun)) and changes[-2] > changes[-1]


def test_stops_on_step_size_with_xtol():
    result = minimize(well, onp.zeros(4), method="gd", lr=0.01, xtol=1e-4)
    assert result.success and "xtol" in result.message
    last = onp.max(onp.abs(result.history["x"][-1] - result.history["x"][-2]))
    assert last <= 1e-4


def test_maxiter_is_reported_not_raised():
    result = minimize(functions.rosenbrock(2), onp.array([-1.2, 1.0]), method="bfgs",
                      maxiter=5)
    assert not result.success and result.status == 1 and result.nit == 5
    assert "maxiter" in result.message


def test_a_start_at_the_minimum_takes_no_step():
    result = minimize(well, CENTER.copy(), method="lbfgs")
    assert result.success and result.nit == 0 and result.nfev == 1


def test_callback_sees_each_iterate_and_can_stop():
    seen = []

    def callback(intermediate):
        seen.append(intermediate)
        return intermediate.nit == 3

    result = minimize(well, onp.zeros(4), method="cg", callback=callback)
    assert result.status == 3 and not result.success and "callback" in result.message
    assert result.nit == 3 and [r.nit for r in seen] == [1, 2, 3]
    assert all(isinstance(r, OptimizeResult) for r in seen)
    onp.testing.assert_array_equal(seen[-1].x, result.x)
    assert seen[-1].fun == result.fun


def test_callback_may_raise_stop_iteration():
    def callback(intermediate):
        raise StopIteration

    result = minimize(well, onp.zeros(4), method="newton", callback=callback)
    assert result.status == 3 and result.nit == 1


# ---------------------------------------------------------------------------------------
# Divergence: a learning rate too large, too small
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, lr", [("gd", 0.5), ("momentum", 1.0), ("nesterov", 1.0)])
def test_a_learning_rate_too_large_is_reported_as_divergence(method, lr):
    result = minimize(well, onp.zeros(4), method=method, lr=lr)
    assert not result.success and result.status == 2
    assert "lower lr" in result.message and f"it was {lr}" in result.message
    assert onp.all(onp.isfinite(result.history["fun"]))


def test_a_loss_that_becomes_nan_is_divergence():
    result = minimize(lambda x: np.sum(x - np.log(x)), onp.array([2.0, 2.0]), method="gd",
                      lr=6.0)  # x − lr·(1 − 1/x) = −1: log(−1) is nan
    assert result.status == 2 and "nan" in result.message and "lr" in result.message
    assert onp.all(onp.isfinite(result.x))


def test_a_function_unbounded_below_is_reported():
    result = minimize(lambda x: -np.exp(x), 0.0, method="gd", lr=1.0)
    assert result.status == 2 and "unbounded below" in result.message


def test_a_learning_rate_too_small_shows_slow_progress():
    slow = minimize(well, onp.zeros(4), method="gd", lr=1e-4, maxiter=50)
    tuned = minimize(well, onp.zeros(4), method="gd", lr=0.15, maxiter=50)
    assert slow.status == 1 and "maxiter" in slow.message
    fun = onp.array(slow.history["fun"])
    assert onp.all(onp.diff(fun) < 0)  # every step helps a little...
    assert fun[-1] > 0.95 * fun[0]  # ...but 50 steps gained under 5 %
    assert tuned.fun < 1e-6 * fun[0]


# ---------------------------------------------------------------------------------------
# maximize
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lbfgs", "newton", "gd"])
def test_maximize_reports_the_maximum(method):
    bump = lambda x: 7.0 - np.sum((x - 1.0) ** 2)
    options = {"lr": 0.25} if method == "gd" else {}
    result = maximize(bump, onp.zeros(3), method=method, **options)
    assert result.success
    assert result.fun == pytest.approx(7.0) and result.history["fun"][0] == pytest.approx(4.0)
    onp.testing.assert_allclose(result.x, 1.0, atol=1e-6)
    assert onp.all(onp.diff(result.history["fun"]) >= 0)


def test_maximize_with_a_learning_rate_too_large():
    result = maximize(lambda x: -np.sum(x ** 2), onp.ones(2), method="gd", lr=2.0)
    assert result.status == 2 and "lr" in result.message


# ---------------------------------------------------------------------------------------
# Bounds and constraints go to nabla.optim.constrained
# ---------------------------------------------------------------------------------------


def test_bounds_are_delegated():
    result = minimize(well, onp.zeros(4), bounds=[(0.0, 2.0)] * 4)
    assert result.success
    onp.testing.assert_allclose(result.x, onp.clip(CENTER, 0.0, 2.0), atol=1e-6)


def test_maximize_with_bounds_reports_the_maximum():
    result = maximize(lambda x: -np.sum((x - 3.0) ** 2), onp.zeros(2), bounds=[(0.0, 1.0)] * 2)
    onp.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-6)
    assert result.fun == pytest.approx(-8.0)


def test_constraints_are_delegated():
    result = minimize(lambda x: np.sum(x ** 2), onp.zeros(2),
                      constraints={"type": "eq", "fun": lambda x: x[0] + x[1] - 1.0})
    assert result.success
    onp.testing.assert_allclose(result.x, [0.5, 0.5], atol=1e-5)


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


def test_unknown_method_lists_the_methods():
    with pytest.raises(ValueError, match="unknown method 'sgd'") as info:
        minimize(well, onp.zeros(4), method="sgd")
    assert all(repr(name) in str(info.value) for name in METHODS)


def test_unknown_option_names_the_accepted_ones():
    with pytest.raises(TypeError, match="has no option 'lr'; its options are: none"):
        minimize(well, onp.zeros(4), method="bfgs", lr=0.1)
    with pytest.raises(TypeError, match="its options are: memory"):
        minimize(well, onp.zeros(4), method="lbfgs", m=5)


def test_gradient_descent_needs_a_learning_rate():
    with pytest.raises(ValueError, match="needs a learning rate: pass lr="):
        minimize(well, onp.zeros(4), method="gd")


@pytest.mark.parametrize("x0, error, phrase", [
    (onp.zeros(4, dtype=int), TypeError, "floating-point"),
    (onp.array([0.0, onp.nan, 0.0, 0.0]), ValueError, "finite"),
    ({"a": "zero"}, TypeError, "leaf 'zero'"),
    ({}, ValueError, "no entries"),
])
def test_bad_starts(x0, error, phrase):
    with pytest.raises(error, match=phrase):
        minimize(well, x0)


def test_a_start_outside_the_domain_of_f():
    with pytest.raises(ValueError, match="choose a start inside the domain"):
        minimize(lambda x: np.sum(np.log(x)), onp.array([-1.0, 1.0]))


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"gtol": -1.0}, ValueError, "gtol must be a number >= 0"),
    ({"tol": "small"}, ValueError, "tol must be a number >= 0 or None"),
    ({"maxiter": 2.5}, ValueError, "maxiter must be an integer"),
    ({"callback": 3}, TypeError, "callback must be a function"),
    ({"memory": 0}, ValueError, "memory must be an integer >= 1"),
])
def test_bad_settings(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        minimize(well, onp.zeros(4), **kwargs)


def test_f_must_be_callable():
    with pytest.raises(TypeError, match="f must be a function"):
        minimize("x**2", onp.zeros(2))
