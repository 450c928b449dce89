"""The classic test functions: their minima are where the books say, and nabla can
differentiate them there."""

import warnings

import numpy
import pytest
import scipy.optimize

import nabla
from nabla.optim import functions
from nabla.optim.functions import ALL, NAMES, TestFunction, get

# every function, plus the n-dimensional ones in more dimensions
CASES = list(ALL) + [get(name, n=n) for name in ("rosenbrock", "rastrigin", "ackley",
                                                 "styblinski_tang", "quadratic")
                     for n in (1, 5, 10) if not (name == "rosenbrock" and n == 1)]
IDS = [f"{f.name}-{f.n}" for f in CASES]
SMOOTH = [f for f in CASES if f.smooth]


def test_registry_has_every_function_once():
    assert set(NAMES) == {"rosenbrock", "beale", "booth", "himmelblau", "matyas",
                          "three_hump_camel", "goldstein_price", "rastrigin", "ackley",
                          "styblinski_tang", "quadratic"}
    assert [f.name for f in ALL] == list(NAMES)
    assert all(isinstance(f, TestFunction) and f.n == 2 for f in ALL)
    assert get("Three-Hump Camel").name == "three_hump_camel"
    assert get("goldstein–price").value == 3.0


def test_unknown_name_says_which_exist():
    with pytest.raises(ValueError, match="unknown test function 'rosenbrok'.*rosenbrock"):
        get("rosenbrok")


@pytest.mark.parametrize("f", CASES, ids=IDS)
def test_value_at_the_minimum_is_the_known_value(f):
    for x in f.minimizers:
        assert float(f(x)) == pytest.approx(f.value, rel=1e-14, abs=1e-14)


@pytest.mark.parametrize("f", SMOOTH, ids=[f"{f.name}-{f.n}" for f in SMOOTH])
def test_gradient_vanishes_at_the_minimum(f):
    for x in f.minimizers:
        g = nabla.grad(f)(x)
        assert g.shape == (f.n,)
        # the minimizers with irrational coordinates are stored to ~1e-16
        assert numpy.max(numpy.abs(g)) < 1e-12


@pytest.mark.parametrize("f", SMOOTH, ids=[f"{f.name}-{f.n}" for f in SMOOTH])
def test_hessian_at_the_minimum_is_positive_definite(f):
    for x in f.minimizers:
        H = nabla.hessian(f)(x)
        numpy.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-12)
        assert numpy.linalg.eigvalsh(H).min() > 1e-3


@pytest.mark.parametrize("n", [2, 3, 10, 50])
def test_rosenbrock_hessian_at_the_minimum_is_positive_definite(n):
    f = functions.rosenbrock(n)
    H = nabla.hessian(f)(f.minimum)
    assert numpy.linalg.eigvalsh(H).min() > 0.0
    numpy.testing.assert_allclose(nabla.grad(f)(f.minimum), numpy.zeros(n), atol=0)


@pytest.mark.parametrize("f", CASES, ids=IDS)
def test_start_and_bounds_are_sane(f):
    assert f.start.shape == (f.n,) and f.start.dtype == numpy.float64
    assert f.dim in (None, f.n)
    assert len(f.bounds) == f.n
    low, high = numpy.array(f.bounds).T
    assert numpy.all(low < high)
    assert numpy.all((low <= f.start) & (f.start <= high))
    for x in f.minimizers:
        assert x.shape == (f.n,)
        assert numpy.all((low <= x) & (x <= high)), "the minimum lies inside the box"
    assert float(f(f.start)) > f.value + 1e-3, "the start is not already optimal"
    assert not f.start.flags.writeable and not f.minimizers[0].flags.writeable


@pytest.mark.parametrize("f", CASES, ids=IDS)
def test_known_value_is_the_least_on_random_points(f):
    rng = numpy.random.default_rng(1)
    low, high = numpy.array(f.bounds).T
    xs = rng.uniform(low, high, size=(2000, f.n))
    values = f(xs.T)  # the coordinates run along the first axis
    assert values.shape == (2000,)
    assert values.min() >= f.value - 1e-9


@pytest.mark.parametrize("f", [f for f in ALL], ids=NAMES)
def test_grid_evaluation_equals_pointwise(f):
    X, Y = numpy.meshgrid(numpy.linspace(-1.5, 1.5, 4), numpy.linspace(-1.0, 2.0, 5))
    grid = f(numpy.stack([X, Y]))
    assert grid.shape == X.shape
    for i, j in [(0, 0), (2, 3), (4, 1)]:
        assert grid[i, j] == pytest.approx(float(f(numpy.array([X[i, j], Y[i, j]]))),
                                           rel=1e-13, abs=1e-13)


def test_values_against_independent_formulas():
    x = numpy.array([0.3, -0.7, 1.1, 2.0])
    assert float(functions.rosenbrock(4)(x)) == pytest.approx(scipy.optimize.rosen(x))
    assert float(functions.rosenbrock(3)(numpy.zeros(3))) == 2.0
    assert float(functions.beale()(numpy.array([1.0, 1.0]))) == 14.203125
    assert float(functions.himmelblau()(numpy.zeros(2))) == 170.0
    assert float(functions.goldstein_price()(numpy.zeros(2))) == 600.0
    assert float(functions.rastrigin(3)(numpy.array([1.0, 0.0, -1.0]))) == pytest.approx(2.0)
    assert float(functions.styblinski_tang(1)(numpy.array([1.0]))) == -5.0
    assert float(functions.matyas()(numpy.array([1.0, 1.0]))) == pytest.approx(0.04)


def test_rosenbrock_gradient_matches_scipy():
    x = numpy.linspace(-1.0, 1.5, 7)
    numpy.testing.assert_allclose(nabla.grad(functions.rosenbrock(7))(x),
                                  scipy.optimize.rosen_der(x), rtol=1e-13)


def test_ackley_minimum_is_a_cone():
    f = functions.ackley(3)
    assert not f.smooth
    rng = numpy.random.default_rng(0)
    for d in rng.standard_normal((5, 3)):
        d /= numpy.linalg.norm(d)
        slope = float(f(1e-8 * d)) / 1e-8  # the directional derivative at 0
        assert slope == pytest.approx(4.0 / numpy.sqrt(3), rel=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert not numpy.all(numpy.isfinite(nabla.grad(f)(f.minimum)))


def test_quadratic_has_the_asked_condition_number_and_follows_the_seed():
    f = functions.quadratic(8, condition_number=1e3, seed=3)
    H = nabla.hessian(f)(f.start)
    eig = numpy.linalg.eigvalsh(H)
    assert eig[0] == pytest.approx(1.0) and eig[-1] == pytest.approx(1e3)
    same = functions.quadratic(8, condition_number=1e3, seed=3)
    other = functions.quadratic(8, condition_number=1e3, seed=4)
    numpy.testing.assert_array_equal(same.minimum, f.minimum)
    assert float(same(f.start)) == float(f(f.start))
    assert not numpy.allclose(other.minimum, f.minimum)
    # Newton's method solves a quadratic in one step
    x = f.start - numpy.linalg.solve(H, nabla.grad(f)(f.start))
    numpy.testing.assert_allclose(x, f.minimum, atol=1e-9)


def test_local_method_from_start_reaches_the_global_minimum_where_documented():
    for f in (functions.rosenbrock(2), functions.rosenbrock(10), functions.beale(),
              functions.booth(), functions.matyas(), functions.himmelblau(),
              functions.styblinski_tang(3), functions.quadratic(5, condition_number=10.0)):
        r = scipy.optimize.minimize(lambda x, f=f: float(f(x)), f.start,
                                    jac=nabla.grad(f), method="BFGS")
        assert r.fun == pytest.approx(f.value, abs=1e-6), f.name
    # and stops at a local minimum where the docstring says so
    r = scipy.optimize.minimize(lambda x: float(functions.goldstein_price()(x)),
                                functions.goldstein_price().start,
                                jac=nabla.grad(functions.goldstein_price()), method="BFGS")
    assert r.fun == pytest.approx(30.0)


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: functions.rosenbrock(1), ValueError, "at least 2"),
    (lambda: functions.rastrigin(2.5), TypeError, "must be an integer"),
    (lambda: functions.quadratic(3, condition_number=0.5), ValueError, "≥ 1"),
])
def test_bad_arguments(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


def test_repr_and_call():
    f = functions.booth()
    assert repr(f) == "TestFunction(name='booth', n=2, value=0.0)"
    assert f(numpy.array([1.0, 3.0])) == f.fun(numpy.array([1.0, 3.0])) == 0.0
    with pytest.raises(AttributeError):
        f.value = 1.0
