"""Random and grid search: what blind guessing achieves, and how it falls behind
gradient descent as the dimension grows."""

import math

import numpy
import pytest

import nabla
from nabla.optim import functions
from nabla.optim.result import OptimizeResult
from nabla.optim.search import grid_search, random_search


def gradient_descent(f, x0, lr, budget):
    """Plain gradient descent; each step costs one value and one gradient, two
    evaluations of the budget. Returns the final value."""
    value_and_grad = nabla.value_and_grad(f)
    x = numpy.array(x0)
    for _ in range(budget // 2):
        _, g = value_and_grad(x)
        x = x - lr * g
    return float(f(x))


def gaps(condition_number, budget=200, dims=(2, 10, 50)):
    """{n: (random-search error, gradient-descent error)} on the same quadratic, with
    the same budget of evaluations."""
    out = {}
    for n in dims:
        f = functions.quadratic(n, condition_number=condition_number, seed=0)
        rs = random_search(f, f.bounds, n_samples=budget, rng=0)
        gd = gradient_descent(f, f.start, lr=1.0 / condition_number, budget=budget)
        out[n] = (rs.fun - f.value, gd - f.value)
    return out


def test_curse_of_dimensionality_random_search_falls_behind_gradient_descent():
    errors = gaps(condition_number=10.0)
    ratio = {n: rs / gd for n, (rs, gd) in errors.items()}
    # gradient descent reaches about the same precision in every dimension ...
    assert all(gd < 1e-7 for _, gd in errors.values())
    # ... random search gets worse with every dimension, and so does the gap
    assert errors[2][0] < errors[10][0] < errors[50][0]
    assert ratio[2] < ratio[10] < ratio[50]
    assert ratio[50] > 1e4 * ratio[2]


def test_on_an_ill_conditioned_quadratic_random_search_wins_only_in_two_dimensions():
    # κ = 100: 100 gradient steps of size 1/κ have not yet crossed the flat direction
    errors = gaps(condition_number=100.0)
    assert errors[2][0] < errors[2][1]  # 2-D: random search is closer
    assert errors[10][0] > 10 * errors[10][1]  # 10-D and 50-D: gradients win, by more
    assert errors[50][0] / errors[50][1] > errors[10][0] / errors[10][1]


def test_random_search_result_and_history():
    f = functions.himmelblau()
    r = random_search(f, f.bounds, n_samples=500, rng=numpy.random.default_rng(7))
    assert isinstance(r, OptimizeResult)
    assert r.success and r.status == 0 and "500 uniform random points" in r.message
    assert r.nfev == r.nit == 500 and r.jac is None
    assert len(r.history["fun"]) == len(r.history["x"]) == 500
    assert r.history["fun"][-1] == r.fun and r.history["x"][-1] is r.x
    assert numpy.all(numpy.diff(r.history["fun"]) <= 0), "best so far never gets worse"
    assert float(f(r.x)) == r.fun
    low, high = numpy.array(f.bounds).T
    assert numpy.all((low <= r.x) & (r.x <= high))
    assert r.fun < 1.0  # 500 points in 2-D come near one of the four minima


def test_same_seed_same_result():
    f = functions.rastrigin(5)
    a = random_search(f, f.bounds, n_samples=300, rng=42)
    b = random_search(f, f.bounds, n_samples=300, rng=numpy.random.default_rng(42))
    c = random_search(f, f.bounds, n_samples=300, rng=43)
    numpy.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.history["fun"] == b.history["fun"]
    assert a.fun != c.fun


def test_random_points_do_not_depend_on_the_chunking():
    # more samples than one chunk: the first ones are those of a shorter run
    f = functions.booth()
    seen = []
    random_search(lambda x: seen.append(x) or 0.0, f.bounds, n_samples=5000, rng=3)
    rng = numpy.random.default_rng(3)
    numpy.testing.assert_array_equal(numpy.array(seen),
                                     rng.uniform([-10, -10], [10, 10], size=(5000, 2)))


@pytest.mark.parametrize("f, k", [
    (functions.booth(), 16),
    (functions.matyas(), 16),
    (functions.himmelblau(), 25),
    (functions.three_hump_camel(), 30),
    (functions.goldstein_price(), 30),
])
def test_grid_search_finds_the_minimum_within_the_spacing(f, k):
    r = grid_search(f, f.bounds, points_per_axis=k)
    low, high = numpy.array(f.bounds).T
    h = (high - low) / (k - 1)
    assert r.nfev == k ** 2 and len(r.history["fun"]) == k ** 2
    assert any(numpy.all(numpy.abs(r.x - m) <= h) for m in f.minimizers)
    assert "spacing" in r.message and r.success


def test_in_a_flat_valley_the_best_grid_point_can_be_farther_than_a_spacing():
    # Beale's valley is so flat that a grid point along it, 1.5 spacings away from the
    # minimizer, has a lower value than the grid points next to the minimizer
    f = functions.beale()
    r = grid_search(f, f.bounds, points_per_axis=40)
    h = 9.0 / 39
    assert numpy.max(numpy.abs(r.x - f.minimum)) > h and r.fun < 0.02


def test_grid_search_points_per_axis_per_coordinate_and_order():
    seen = []
    r = grid_search(lambda x: seen.append(tuple(x)) or float(numpy.sum(x)),
                    [(0, 1), (0, 2), (5, 6)], points_per_axis=[2, 3, 1])
    assert seen == [(a, b, 5.5) for a in (0.0, 1.0) for b in (0.0, 1.0, 2.0)]
    numpy.testing.assert_array_equal(r.x, [0.0, 0.0, 5.5])


def test_grid_search_refuses_an_exponential_grid():
    f = functions.rosenbrock(10)
    with pytest.raises(ValueError, match=r"21 × .* = 1.67e\+13 points.*exponentially"):
        grid_search(f, f.bounds, points_per_axis=21)


def test_nan_values_never_count_as_best():
    r = random_search(lambda x: math.nan if x[0] < 0 else float(x[0]), [(-1, 1)],
                      n_samples=100, rng=0)
    assert 0 <= r.x[0] and r.fun == r.x[0] and r.success
    r = grid_search(lambda x: math.nan, [(0, 1)], points_per_axis=3)
    assert not r.success and r.status == 2 and "NaN" in r.message


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: random_search(abs, [(1, 0)], rng=0), ValueError, r"bounds\[0\].*less than"),
    (lambda: random_search(abs, [1, 2], rng=0), ValueError, "pairs"),
    (lambda: random_search(abs, [("a", 1)], rng=0), TypeError, "pairs of numbers"),
    (lambda: random_search(abs, [(0, math.inf)], rng=0), ValueError, "finite"),
    (lambda: random_search(abs, [(0, 1)], n_samples=0, rng=0), ValueError, "at least 1"),
    (lambda: random_search(abs, [(0, 1)], n_samples=1.5, rng=0), TypeError, "integer"),
    (lambda: random_search("f", [(0, 1)], rng=0), TypeError, "callable"),
    (lambda: random_search(lambda x: x, [(0, 1), (0, 1)], rng=0), ValueError,
     "must return a scalar"),
    (lambda: grid_search(abs, [(0, 1)], points_per_axis=[2, 2]), ValueError,
     "one per coordinate"),
])
def test_bad_input(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


def test_random_search_needs_an_explicit_rng():
    with pytest.raises(TypeError, match="rng"):
        random_search(abs, [(0, 1)])
