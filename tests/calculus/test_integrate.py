"""nabla.calculus.integrate: closed forms, SciPy, derivatives, orders, Monte Carlo, errors."""

import functools
import math
import warnings

import numpy as onp
import pytest
import scipy.integrate

import nabla
import nabla.numpy as np
from nabla.calculus.integrate import (
    convergence,
    dblquad,
    gauss_legendre,
    monte_carlo,
    quad,
    riemann,
    simpson,
    trapezoid,
)
from nabla.calculus.integrate.fixed import apply_rule
from nabla.calculus.integrate.kronrod import K15, K21
from tests.calculus.integral_cases import CASES

IDS = [case[0] for case in CASES]


@functools.cache
def scipy_quad(name):
    """SciPy's value, its number of evaluations, and the scale ∫|f| of the case ``name``."""
    _, f, a, b, _ = next(case for case in CASES if case[0] == name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, _, info = scipy.integrate.quad(f, a, b, full_output=1)[:3]
        scale = scipy.integrate.quad(lambda x: abs(f(x)), min(a, b), max(a, b), limit=200)[0]
    return value, info["neval"], scale


def test_the_table_has_forty_integrals_and_more():
    assert len(CASES) >= 40


# ---------------------------------------------------------------------------------------
# quad against closed forms and against scipy.integrate.quad
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "f", "a", "b", "exact"), CASES, ids=IDS)
def test_quad_matches_the_closed_form_and_its_error_bounds_the_truth(name, f, a, b, exact):
    result = quad(f, a, b)
    _, _, scale = scipy_quad(name)
    true_error = abs(float(result.value) - exact)
    assert result.success, result.message
    assert true_error <= 1e-10 * scale
    assert true_error <= result.error


@pytest.mark.parametrize(("name", "f", "a", "b", "exact"), CASES, ids=IDS)
def test_quad_is_never_worse_than_scipy_and_takes_its_decisions(name, f, a, b, exact):
    scipy_value, scipy_neval, scale = scipy_quad(name)
    result = quad(f, a, b)
    error = abs(float(result.value) - exact)
    assert error <= max(abs(scipy_value - exact), 1e-14 * scale)
    assert result.neval == scipy_neval          # the same subdivision, step for step


def test_tighter_tolerances_cost_more_evaluations_and_deliver_them():
    f = lambda x: 1 / (x ** 2 + 1e-4)                     # a sharp peak at 0
    exact = 2 * 100 * math.atan(100.0)
    loose = quad(f, -1.0, 1.0, epsabs=0.0, epsrel=1e-4)
    tight = quad(f, -1.0, 1.0, epsabs=0.0, epsrel=1e-12)
    assert loose.neval < tight.neval
    assert abs(loose.value - exact) <= loose.error <= 1e-4 * exact
    assert abs(tight.value - exact) <= tight.error <= 1e-12 * exact


def test_quad_reports_its_partition_and_evaluations():
    calls = []

    def f(x):
        calls.append(len(x))
        return np.sqrt(x)

    result = quad(f, 0.0, 4.0)
    assert result.neval == sum(calls)
    assert result.intervals.shape[1] == 2 and len(result.intervals) > 1
    assert result.intervals[0, 0] == 0.0 and result.intervals[-1, 1] == 4.0
    onp.testing.assert_array_equal(result.intervals[1:, 0], result.intervals[:-1, 1])
    over_line = quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf)
    assert over_line.intervals[0, 0] == -np.inf and over_line.intervals[-1, 1] == np.inf


def test_kronrod_rules_are_exact_for_polynomials_of_their_degree():
    for rule, kronrod_degree, gauss_degree in ((K21, 31, 19), (K15, 22, 13)):
        for degree in range(kronrod_degree + 1):
            exact = (1 - (-1) ** (degree + 1)) / (degree + 1)       # ∫_{-1}^{1} x^degree
            assert rule.kronrod_weights @ rule.abscissae ** degree == pytest.approx(exact,
                                                                                    abs=1e-15)
            if degree <= gauss_degree:
                assert rule.gauss_weights @ rule.abscissae ** degree == pytest.approx(
                    exact, abs=1e-15)


# ---------------------------------------------------------------------------------------
# reported, not raised: what quad could not do
# ---------------------------------------------------------------------------------------
def test_running_out_of_subintervals_is_reported():
    result = quad(lambda x: np.sin(1 / x), 0.0, 1.0, limit=5)
    assert not result.success
    assert "maximum number of subintervals (limit=5)" in result.message
    assert len(result.intervals) == 5


def test_a_divergent_integral_is_not_reported_as_a_success():
    assert not quad(lambda x: 1 / x, 0.0, 1.0).success          # runs out of subintervals
    # x^-1.5: the ε-algorithm finds the "antilimit" −2; the divergence test rejects it
    result = quad(lambda x: x ** -1.5, 0.0, 1.0)
    assert not result.success and "probably divergent" in result.message


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_a_non_finite_integrand_is_reported_with_where():
    result = quad(lambda x: 1 / (x - 0.5), 0.0, 1.0, limit=200)     # hits x = 0.5
    assert not result.success and result.error == np.inf
    assert "non-finite" in result.message and "x = 0.5" in result.message


# ---------------------------------------------------------------------------------------
# derivatives: parameters of the integrand and limits (Leibniz's rule)
# ---------------------------------------------------------------------------------------
def exp_theta(theta):
    """d/dθ ∫_0^1 e^{θx} dx = d/dθ (e^θ − 1)/θ = ((θ − 1)e^θ + 1)/θ²."""
    return ((theta - 1) * math.exp(theta) + 1) / theta ** 2


@pytest.mark.parametrize(("method", "rtol"), [
    (lambda f, a, b: quad(f, a, b), 1e-12),
    (lambda f, a, b: gauss_legendre(f, a, b, 12), 1e-12),
    (lambda f, a, b: simpson(f, a, b, 200), 1e-9),
], ids=["quad", "gauss_legendre", "simpson"])
def test_derivative_with_respect_to_a_parameter(method, rtol):
    d = nabla.grad(lambda t: method(lambda x: np.exp(t * x), 0.0, 1.0).value)
    assert float(d(2.0)) == pytest.approx(exp_theta(2.0), rel=rtol)


@pytest.mark.parametrize(("method", "rtol"), [
    (lambda f, a, b: quad(f, a, b), 1e-12),
    (lambda f, a, b: gauss_legendre(f, a, b, 12), 1e-12),
    (lambda f, a, b: simpson(f, a, b, 200), 1e-6),
], ids=["quad", "gauss_legendre", "simpson"])
def test_derivatives_with_respect_to_the_limits_are_the_integrand_there(method, rtol):
    f = lambda x: np.exp(-x) * np.cos(3 * x)
    for a, b in ((0.2, 1.5), (1.5, 0.2)):                      # either orientation
        da, db = nabla.grad(lambda a, b: method(f, a, b).value, argnums=(0, 1))(a, b)
        assert float(db) == pytest.approx(math.exp(-b) * math.cos(3 * b), rel=rtol)
        assert float(da) == pytest.approx(-math.exp(-a) * math.cos(3 * a), rel=rtol)


def test_derivative_of_a_gaussian_integral_with_respect_to_sigma():
    gaussian = lambda s: (lambda x: np.exp(-x ** 2 / (2 * s ** 2)))
    d_quad = nabla.grad(lambda s: quad(gaussian(s), -np.inf, np.inf).value)(0.7)
    d_gauss = nabla.grad(lambda s: gauss_legendre(gaussian(s), -8.0, 8.0, 80).value)(0.7)
    assert float(d_quad) == pytest.approx(math.sqrt(2 * math.pi), rel=1e-12)
    assert float(d_gauss) == pytest.approx(math.sqrt(2 * math.pi), rel=1e-12)


def test_derivatives_through_infinite_limits_and_through_extrapolation():
    # d/da ∫_a^∞ e^{-x} dx = −e^{-a}
    d = nabla.grad(lambda a: quad(lambda x: np.exp(-x), a, np.inf).value)(0.5)
    assert float(d) == pytest.approx(-math.exp(-0.5), rel=1e-12)
    # ∫_0^1 x^p dx = 1/(p + 1): the singular end is extrapolated, and so is its derivative
    for p in (-0.5, -0.9):
        d = nabla.grad(lambda p: quad(lambda x: x ** p, 0.0, 1.0).value)(p)
        assert float(d) == pytest.approx(-1 / (p + 1) ** 2, rel=1e-10)


def test_second_derivatives_and_forward_mode():
    second = nabla.grad(nabla.grad(lambda t: quad(lambda x: np.exp(t * x), 0.0, 1.0).value))
    t = 2.0
    assert float(second(t)) == pytest.approx(((t * t - 2 * t + 2) * math.exp(t) - 2) / t ** 3,
                                             rel=1e-12)
    value, tangent = nabla.jvp(lambda b: quad(np.sin, 0.0, b).value, (1.0,), (1.0,))
    assert float(value) == pytest.approx(1 - math.cos(1.0), rel=1e-14)
    assert float(tangent) == pytest.approx(math.sin(1.0), rel=1e-14)
    hessian = nabla.hessian(lambda p: quad(lambda x: np.exp(p[0] * x + p[1]), 0.0, 1.0).value)
    h = hessian(onp.array([1.0, 0.0]))
    assert h[1, 1] == pytest.approx(math.e - 1, rel=1e-12)


def test_monte_carlo_gradient_is_the_gradient_of_the_estimator():
    n, seed, theta = 20_000, 3, 1.5
    d = nabla.grad(lambda t: monte_carlo(lambda x: np.exp(t * x), 0.0, 1.0, n, seed=seed).value)
    x = onp.random.default_rng(seed).random(n)                  # the same points
    samples = x * onp.exp(theta * x)                            # ∂/∂θ of each term
    assert float(d(theta)) == pytest.approx(samples.mean(), rel=1e-12)
    standard_error = samples.std(ddof=1) / math.sqrt(n)
    assert abs(float(d(theta)) - exp_theta(theta)) < 4 * standard_error
    # d/db: each term is f(x) + (b − a) f'(x) u, an unbiased estimate of f(b)
    db = nabla.grad(lambda b: monte_carlo(np.sin, 0.0, b, n, seed=seed).value)(2.0)
    terms = onp.sin(2 * x) + 2 * onp.cos(2 * x) * x
    assert float(db) == pytest.approx(terms.mean(), rel=1e-12)
    assert abs(float(db) - math.sin(2.0)) < 4 * terms.std(ddof=1) / math.sqrt(n)


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_a_equal_b_gives_zero_with_leibniz_derivatives():
    result = quad(np.exp, 1.0, 1.0)
    assert float(result.value) == 0.0 and result.error == 0.0 and result.success
    assert "a == b" in result.message
    da, db = nabla.grad(lambda a, b: quad(np.exp, a, b).value, argnums=(0, 1))(1.0, 1.0)
    assert float(db) == pytest.approx(math.e) and float(da) == pytest.approx(-math.e)
    assert float(quad(lambda x: 1 / x, 0.0, 0.0).value) == 0.0       # f(a) infinite
    assert float(quad(np.exp, np.inf, np.inf).value) == 0.0


# ---------------------------------------------------------------------------------------
# fixed rules and their orders
# ---------------------------------------------------------------------------------------
def test_fixed_rules_are_exact_where_theory_says():
    assert float(trapezoid(lambda x: 3 * x + 1, 0.0, 2.0, 1).value) == pytest.approx(8.0)
    assert float(riemann(lambda x: 3 * x + 1, 0.0, 2.0, 1, point="midpoint").value) == \
        pytest.approx(8.0)
    assert float(simpson(lambda x: x ** 3 - x, -1.0, 3.0, 2).value) == pytest.approx(16.0)
    for n in (1, 2, 5):   # Gauss–Legendre with n nodes: exact to degree 2n − 1
        f = lambda x, d=2 * n - 1: x ** d + x ** (d - 1)
        value = gauss_legendre(f, 0.0, 1.0, n).value
        assert float(value) == pytest.approx(1 / (2 * n) + 1 / (2 * n - 1), rel=1e-14)


def test_riemann_sums_are_what_they_say():
    result = riemann(lambda x: x, 0.0, 1.0, 4, point="left")
    onp.testing.assert_allclose(result.nodes, [0.0, 0.25, 0.5, 0.75])
    onp.testing.assert_allclose(result.weights, 0.25)
    assert float(result.value) == pytest.approx(0.375)
    assert float(riemann(lambda x: x, 0.0, 1.0, 4, point="right").value) == pytest.approx(0.625)
    assert result.rule == "left" and result.n == 4


@pytest.mark.parametrize("rule", ["left", "right", "midpoint", "trapezoid", "simpson",
                                  "gauss_legendre"])
def test_fixed_rule_error_estimates_bound_the_true_error(rule):
    exact = math.exp(1.0) - math.cos(1.0)       # ∫_0^1 e^x + sin x
    f = lambda x: np.exp(x) + np.sin(x)
    for n in ((2, 3, 4, 6) if rule == "gauss_legendre" else (4, 8, 16, 64, 100)):
        result = apply_rule(rule, f, 0.0, 1.0, n)
        assert abs(float(result.value) - exact) <= result.error


def test_convergence_table_shows_the_order_of_each_rule():
    f, exact = np.exp, math.e - 1
    ns = [4, 8, 16, 32, 64]
    for rule, order in (("left", 1), ("right", 1), ("trapezoid", 2), ("midpoint", 2),
                        ("simpson", 4)):
        table = convergence(f, 0.0, 1.0, rule, ns, exact=exact)
        assert table.order == pytest.approx(order, abs=0.05), rule
        assert not table.exponential
        onp.testing.assert_allclose(table.observed_orders(), order, atol=0.1)
        assert f"order {table.order:.2f}" in str(table)
    gauss = convergence(f, 0.0, 1.0, "gauss_legendre", [1, 2, 3, 4, 5])    # reference: quad
    assert gauss.exponential and gauss.rate > 5
    assert onp.all(onp.diff(gauss.observed_orders()) > 0)                # ever faster
    assert "exponential" in str(gauss)
    table = convergence(f, 0.0, 1.0, lambda f, a, b, n: trapezoid(f, a, b, 2 * n), ns)
    assert table.order == pytest.approx(2, abs=0.05)


# ---------------------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------------------
def test_monte_carlo_is_within_four_standard_errors_and_reproducible():
    for f, a, b, exact in ((np.exp, 0.0, 1.0, math.e - 1), (np.sin, 0.0, math.pi, 2.0),
                           (lambda x: x ** -0.25, 0.0, 1.0, 4 / 3)):
        result = monte_carlo(f, a, b, 50_000, seed=7)
        assert abs(float(result.value) - exact) < 4 * result.error
        assert result.neval == 50_000
    first = monte_carlo(np.exp, 0.0, 1.0, 1000, seed=11)
    again = monte_carlo(np.exp, 0.0, 1.0, 1000, seed=11)
    other = monte_carlo(np.exp, 0.0, 1.0, 1000, seed=12)
    assert first == again and first.value != other.value
    with_rng = monte_carlo(np.exp, 0.0, 1.0, 1000, rng=onp.random.default_rng(11))
    assert with_rng == first


def test_monte_carlo_standard_error_shrinks_like_one_over_root_n():
    small = monte_carlo(np.exp, 0.0, 1.0, 1_000, seed=0).error
    large = monte_carlo(np.exp, 0.0, 1.0, 100_000, seed=0).error
    assert large / small == pytest.approx(0.1, rel=0.1)


def test_monte_carlo_over_a_box():
    # ∫ over [0, 1]×[0, 2]×[-1, 1] of x·y + z²  =  2 + 4/3
    f = lambda p: p[:, 0] * p[:, 1] + p[:, 2] ** 2
    result = monte_carlo(f, [0.0, 0.0, -1.0], [1.0, 2.0, 1.0], 100_000, seed=5)
    assert abs(float(result.value) - (2 + 4 / 3)) < 4 * result.error
    # the fraction of the square [-1, 1]² inside the unit disc, times 4: π
    disc = monte_carlo(lambda p: np.sum(p ** 2, axis=1) <= 1, [-1.0, -1.0], [1.0, 1.0],
                       100_000, seed=5)
    assert abs(float(disc.value) - math.pi) < 4 * disc.error


# ---------------------------------------------------------------------------------------
# dblquad
# ---------------------------------------------------------------------------------------
DOUBLE = [
    ("xy over the triangle under y = x", lambda y, x: x * y, 0.0, 1.0, 0.0, lambda x: x, 1 / 8),
    ("quarter disc area", lambda y, x: np.ones_like(y), 0.0, 1.0, 0.0,
     lambda x: np.sqrt(1 - x ** 2), math.pi / 4),
    ("sin x sin y over [0, pi]^2", lambda y, x: np.sin(x) * np.sin(y), 0.0, math.pi, 0.0,
     math.pi, 4.0),
    ("Gaussian over the plane", lambda y, x: np.exp(-x ** 2 - y ** 2), -np.inf, np.inf,
     -np.inf, np.inf, math.pi),
    ("e^(x+y) over [0, 1] x [x, 2x]", lambda y, x: np.exp(x + y), 0.0, 1.0, lambda x: x,
     lambda x: 2 * x, (math.e ** 3 - 1) / 3 - (math.e ** 2 - 1) / 2),
]


@pytest.mark.parametrize(("name", "f", "a", "b", "g", "h", "exact"), DOUBLE,
                         ids=[d[0] for d in DOUBLE])
def test_dblquad_matches_closed_forms_and_scipy(name, f, a, b, g, h, exact):
    result = dblquad(f, a, b, g, h)
    true_error = abs(float(result.value) - exact)
    assert result.success, result.message
    assert true_error <= result.error
    assert true_error <= 1e-10 * max(1.0, abs(exact))
    scipy_value = scipy.integrate.dblquad(f, a, b, g, h)[0]
    assert true_error <= max(abs(scipy_value - exact), 1e-14 * max(1.0, abs(exact)))


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_dblquad_reports_inner_integrals_that_fail():
    result = dblquad(lambda y, x: 1 / (y - 0.5), 0.0, 1.0, 0.0, 1.0)
    assert not result.success
    assert "inner integral(s) did not converge" in result.message
    assert "non-finite" in result.message


def test_dblquad_derivative_with_respect_to_limits_and_parameters():
    # ∫_0^b ∫_0^x x y dy dx = b⁴/8
    d = nabla.grad(lambda b: dblquad(lambda y, x: x * y, 0.0, b, 0.0, lambda x: x).value)
    assert float(d(1.2)) == pytest.approx(1.2 ** 3 / 2, rel=1e-12)
    # ∫∫ e^{-(x² + y²)/s²} over the plane = π s²
    d = nabla.grad(lambda s: dblquad(lambda y, x: np.exp(-(x ** 2 + y ** 2) / s ** 2),
                                     -np.inf, np.inf, -np.inf, np.inf).value)
    assert float(d(1.0)) == pytest.approx(2 * math.pi, rel=1e-9)


# ---------------------------------------------------------------------------------------
# errors are part of the interface
# ---------------------------------------------------------------------------------------
def test_a_non_callable_integrand_is_refused():
    for method in (lambda: quad(3.0, 0.0, 1.0), lambda: simpson([1, 2], 0.0, 1.0),
                   lambda: monte_carlo("exp", 0.0, 1.0, seed=0),
                   lambda: dblquad(None, 0.0, 1.0, 0.0, 1.0)):
        with pytest.raises(TypeError, match="must be a function of an array of points"):
            method()


def test_an_integrand_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="must return one value per point"):
        quad(lambda x: 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"returned shape \(2,\)"):
        gauss_legendre(lambda x: np.sum(x) * np.ones(2), 0.0, 1.0, 5)
    with pytest.raises(ValueError, match=r"f\(y, x\) must return one value per point"):
        dblquad(lambda y, x: np.sum(x * y), 0.0, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="hfun must return one limit per x"):
        dblquad(lambda y, x: x * y, 0.0, 1.0, 0.0, lambda x: np.ones(3))
    with pytest.raises(TypeError, match="must return real numbers"):
        quad(lambda x: onp.array(["a"] * len(x)), 0.0, 1.0)


@pytest.mark.parametrize("n", [0, -3])
def test_a_count_below_one_is_refused(n):
    for method in (riemann, trapezoid, simpson, gauss_legendre):
        with pytest.raises(ValueError, match="n must be at least 1"):
            method(np.exp, 0.0, 1.0, n)


@pytest.mark.parametrize("n", [2.5, 4.0, True, "10"])
def test_a_count_that_is_not_an_integer_is_refused(n):
    for method in (riemann, trapezoid, simpson, gauss_legendre):
        with pytest.raises(TypeError, match="n must be an integer"):
            method(np.exp, 0.0, 1.0, n)


def test_simpson_needs_an_even_count():
    with pytest.raises(ValueError, match="simpson needs an even number of subintervals n, "
                                         "got 7"):
        simpson(np.exp, 0.0, 1.0, 7)


def test_bad_limits_tolerances_and_options_are_refused():
    with pytest.raises(ValueError, match="the limit a is NaN"):
        quad(np.exp, np.nan, 1.0)
    with pytest.raises(TypeError, match="the limit b must be a real number"):
        quad(np.exp, 0.0, onp.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="trapezoid needs finite limits"):
        trapezoid(np.exp, 0.0, np.inf)
    with pytest.raises(ValueError, match="monte_carlo needs finite limits"):
        monte_carlo(np.exp, -np.inf, 0.0, seed=0)
    with pytest.raises(ValueError, match="epsabs must be a non-negative number"):
        quad(np.exp, 0.0, 1.0, epsabs=-1.0)
    with pytest.raises(ValueError, match="with epsabs = 0, epsrel must be at least"):
        quad(np.exp, 0.0, 1.0, epsabs=0.0, epsrel=1e-20)
    with pytest.raises(ValueError, match="limit must be at least 1"):
        quad(np.exp, 0.0, 1.0, limit=0)
    with pytest.raises(ValueError, match="point must be one of"):
        riemann(np.exp, 0.0, 1.0, 4, point="centre")
    with pytest.raises(ValueError, match="rule must be one of"):
        convergence(np.exp, 0.0, 1.0, "boole", [4, 8])
    with pytest.raises(ValueError, match="give rng or seed, not both"):
        monte_carlo(np.exp, 0.0, 1.0, rng=onp.random.default_rng(0), seed=0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        monte_carlo(np.exp, 0.0, 1.0, rng=0)
    with pytest.raises(ValueError, match="corners a and b of a box"):
        monte_carlo(lambda p: p[:, 0], [0.0, 0.0], [1.0, 1.0, 1.0], seed=0)
