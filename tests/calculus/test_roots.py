"""nabla.calculus.roots: Newton–Raphson, secant and bisection, and how each converges."""

import numpy as onp
import pytest

import nabla.numpy as np
from nabla.calculus.roots import RootResult, bisect, newton, secant

NEWTON_ROOT = 2.0945514815423265  # of x³ − 2x − 5, Newton's own example (1669)
DOTTIE = 0.7390851332151607  # of cos x − x


def newtons_example(x):
    return x ** 3 - 2 * x - 5


def system(v):
    """x² + y² + z² = 14, xyz = 6, x + y = z: a root at (1, 2, 3), Jacobian regular there."""
    x, y, z = v[0], v[1], v[2]
    return np.stack([x ** 2 + y ** 2 + z ** 2 - 14, x * y * z - 6, x + y - z])


def errors(result, root):
    return onp.abs(onp.asarray(result.history) - root)


# ---------------------------------------------------------------------------------------
# Newton–Raphson
# ---------------------------------------------------------------------------------------


def test_newtons_own_example():
    result = newton(newtons_example, 2.0)
    assert isinstance(result, RootResult) and result.converged and result.success
    assert result.x == pytest.approx(NEWTON_ROOT, rel=1e-15)
    assert abs(result.fun) < 1e-12 and "tol" in result.reason
    assert result.history[0] == 2.0 and result.history[-1] == result.x
    assert result.nit == len(result.history) - 1 <= 6
    assert result.message == result.reason
    assert "history" not in repr(result)  # the repr stays short


def test_cos_x_minus_x():
    result = newton(lambda x: np.cos(x) - x, 1.0)
    assert result.converged and result.x == pytest.approx(DOTTIE, rel=1e-15)


def test_three_dimensional_system():
    result = newton(system, onp.asarray([0.5, 2.5, 2.5]))
    assert result.converged
    assert onp.linalg.norm(system(result.x)) < 1e-12
    onp.testing.assert_allclose(result.x, [1.0, 2.0, 3.0], rtol=1e-12)
    assert result.history.shape == (result.nit + 1, 3)
    # a list of numbers is a vector too
    assert newton(system, [0.5, 2.5, 2.5]).converged


def test_quadratic_convergence_at_a_simple_root():
    e = errors(newton(newtons_example, 3.0), NEWTON_ROOT)
    ratios = [b / a ** 2 for a, b in zip(e, e[1:]) if 1e-7 < a]
    assert len(ratios) >= 3
    # e_{k+1}/e_k² → |f''/2f'| at the root
    r = NEWTON_ROOT
    limit = 6 * r / (2 * (3 * r ** 2 - 2))
    assert max(ratios) < 2 * limit
    assert ratios[-1] == pytest.approx(limit, rel=0.05)


def test_linear_convergence_at_a_double_root():
    result = newton(lambda x: (x - 1) ** 2 * (x + 2), 2.0)
    assert result.converged
    e = errors(result, 1.0)
    ratios = e[1:] / e[:-1]
    assert len(ratios) > 10  # slow: one bit per step
    onp.testing.assert_allclose(ratios[3:], 0.5, atol=0.03)


def test_no_real_root_is_reported_not_raised():
    result = newton(lambda x: x ** 2 + 1, 2.0, maxiter=30)
    assert not result.converged and not result.success
    assert result.nit == 30 and "maxiter" in result.reason
    damped = newton(lambda x: x ** 2 + 1, 2.0, damping=True)
    assert not damped.converged and "local minimum" in damped.reason
    assert abs(damped.x) < 1e-3  # stalled at the minimum of |f|, where f = 1


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_arctan_from_far_away_diverges_without_damping():
    wild = newton(np.arctan, 2.0)
    assert not wild.converged
    assert abs(wild.x) > 1e100 and "horizontal" in wild.reason
    e = onp.abs(wild.history)
    assert onp.all(e[1:] > e[:-1])  # every step overshoots further
    damped = newton(np.arctan, 2.0, damping=True)
    assert damped.converged and abs(damped.x) < 1e-12


def test_a_bracket_keeps_newton_from_wandering_off():
    result = newton(np.arctan, 10.0, bracket=(-20.0, 20.0))
    assert result.converged and abs(result.x) < 1e-12
    assert onp.all(onp.abs(result.history) <= 20)
    # from 0, Newton on x³ − 2x − 5 first jumps to −2.5, outside [0, 3]: bisection instead
    bracketed = newton(newtons_example, 0.0, bracket=(0.0, 3.0))
    assert bracketed.converged and bracketed.x == pytest.approx(NEWTON_ROOT, rel=1e-15)
    assert bracketed.history[1] == 1.5


def test_zero_derivative_and_singular_jacobian_stop_the_iteration():
    flat = newton(lambda x: x ** 2 - 1, 0.0)
    assert not flat.converged and "f'(x) = 0" in flat.reason and flat.nit == 0
    # x = y makes the first two columns of the Jacobian equal
    singular = newton(system, onp.asarray([1.5, 1.5, 2.5]))
    assert not singular.converged and "singular" in singular.reason


def test_nfev_counts_the_calls_of_f():
    calls = []

    def f(x):
        calls.append(x)
        return x ** 3 - 2 * x - 5

    assert newton(f, 2.0).nfev == len(calls)


# ---------------------------------------------------------------------------------------
# Secant and bisection
# ---------------------------------------------------------------------------------------


def test_secant_converges_superlinearly():
    result = secant(newtons_example, 3.0, 2.9)
    assert result.converged and result.x == pytest.approx(NEWTON_ROOT, rel=1e-14)
    assert result.history[0] == 3.0 and result.history[1] == 2.9
    assert result.nit == len(result.history) - 2
    e = errors(result, NEWTON_ROOT)
    e = e[e > 1e-13]  # before round-off
    ratios = e[1:] / e[:-1]
    assert onp.all(onp.diff(ratios[2:]) < 0) and ratios[-1] < 1e-3  # faster than linear
    # order p = log(e_{k+1}/e_k) / log(e_k/e_{k−1}) tends to (1 + √5)/2
    orders = [onp.log(c / b) / onp.log(b / a) for a, b, c in zip(e, e[1:], e[2:])]
    assert 1.4 < orders[-1] < 2.0


def test_secant_stops_on_a_horizontal_secant():
    result = secant(lambda x: x ** 2 - 1, -1.5, 1.5)
    assert not result.converged and "horizontal" in result.reason


def test_bisect_halves_the_bracket_each_step():
    result = bisect(newtons_example, 2.0, 3.0, tol=0.0, xtol=1e-10)
    assert result.converged and result.x == pytest.approx(NEWTON_ROOT, abs=1e-10 * 2.1)
    m = onp.asarray(result.history)
    assert m[0] == 2.5
    steps = onp.abs(onp.diff(m))
    onp.testing.assert_array_equal(steps, 1.0 / 2.0 ** onp.arange(2, len(m) + 1))
    assert result.nit == len(m) == 33  # the width 2^-k ≤ 1e-10·|m| ≈ 2.1e-10 from k = 33


def test_bisect_until_the_floats_run_out():
    result = bisect(lambda x: x ** 2 - 2, 1.0, 2.0, tol=0.0, xtol=0.0)
    assert result.converged and "cannot be halved" in result.reason
    assert abs(result.x - onp.sqrt(2)) <= onp.spacing(onp.sqrt(2))
    assert result.nit == 52


def test_bisect_root_at_an_end_and_reversed_ends():
    assert bisect(lambda x: x - 1, 1.0, 3.0).x == 1.0
    result = bisect(lambda x: np.cos(x) - x, 1.0, 0.0)
    assert result.converged and result.x == pytest.approx(DOTTIE, abs=1e-11)


def test_bisect_reports_maxiter():
    result = bisect(newtons_example, 2.0, 3.0, maxiter=5)
    assert not result.converged and result.nit == 5 and "maxiter" in result.reason


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [lambda f: newton(f, 1.0), lambda f: secant(f, 0.0, 1.0),
                                  lambda f: bisect(f, 0.0, 1.0)],
                         ids=["newton", "secant", "bisect"])
def test_f_must_be_callable(call):
    with pytest.raises(TypeError, match="f must be a function, got float"):
        call(2.0)


@pytest.mark.parametrize("x0, phrase", [
    ("1.0", "x0 must be a real number or a 1-D array of reals, got str"),
    (1 + 2j, "got complex"),
    (True, "got bool"),
    (None, "got NoneType"),
    ([[1.0, 2.0]], r"got shape \(1, 2\)"),
    ([], r"got shape \(0,\)"),
    (["a", "b"], "dtype <U1"),
])
def test_newton_start_of_the_wrong_type(x0, phrase):
    with pytest.raises(TypeError, match=phrase):
        newton(newtons_example, x0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="x0 must be finite"):
        newton(newtons_example, float("nan"))
    with pytest.raises(TypeError, match="x1 must be a real number, got shape"):
        secant(newtons_example, 1.0, onp.ones(2))
    with pytest.raises(ValueError, match="x0 and x1 must differ"):
        secant(newtons_example, 1.0, 1.0)
    with pytest.raises(ValueError, match="must return a scalar, got shape"):
        newton(lambda x: np.stack([x, x]), 1.0)
    with pytest.raises(ValueError, match=r"must return an array of shape \(3,\)"):
        newton(lambda v: v[:2], onp.ones(3))


def test_brackets_without_a_sign_change_are_refused():
    with pytest.raises(ValueError, match=r"bracket \[1.0, 1.0\] is empty"):
        bisect(newtons_example, 1.0, 1.0)
    with pytest.raises(ValueError, match="have the same sign.*does not bracket a root"):
        bisect(newtons_example, 3.0, 4.0)
    with pytest.raises(ValueError, match="have the same sign"):
        newton(lambda x: x ** 2 + 1, 0.5, bracket=(0.0, 1.0))
    with pytest.raises(ValueError, match="outside the bracket"):
        newton(newtons_example, 5.0, bracket=(2.0, 3.0))
    with pytest.raises(ValueError, match="one equation in one unknown"):
        newton(system, onp.ones(3), bracket=(0.0, 1.0))
    with pytest.raises(TypeError, match="bracket must be a pair"):
        newton(newtons_example, 2.5, bracket=2.0)
