"""Synthetic data sets: their geometry, their balance, and their seeds."""

import numpy as np
import pytest

from nabla.datasets import blobs, moons, noisy_line, spirals

GENERATORS = [noisy_line, moons, spirals, blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_and_a_generator_is_accepted(make):
    a, b, c = make(seed=1), make(seed=1), make(seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    d = make(seed=np.random.default_rng(1))
    assert d[0].shape == a[0].shape


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_and_dtypes(make):
    X, y = make(51, seed=0)
    assert X.shape[0] == y.shape[0] == 51 and X.ndim == 2 and X.dtype == np.float64


def test_noisy_line_follows_its_line():
    X, y = noisy_line(2000, slope=-1.5, intercept=4.0, noise=0.3, seed=0)
    assert X.shape == (2000, 1) and X.min() >= -1.0 and X.max() <= 1.0
    residual = y - (-1.5 * X[:, 0] + 4.0)
    assert abs(residual.mean()) < 0.03 and residual.std() == pytest.approx(0.3, rel=0.05)
    slope, intercept = np.polyfit(X[:, 0], y, 1)
    assert slope == pytest.approx(-1.5, abs=0.05) and intercept == pytest.approx(4.0, abs=0.03)


def test_moons_lie_on_two_half_circles():
    X, y = moons(101, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [51, 50]
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_spiral_arms_turn_as_asked():
    X, y = spirals(200, turns=2.0, noise=0.0, classes=2, seed=0)
    assert np.bincount(y).tolist() == [100, 100]
    radius = np.hypot(*X.T)
    assert radius.max() == pytest.approx(1.0)
    # a point and the point of the other arm at the same radius are opposite
    first = X[y == 0][np.argsort(radius[y == 0])]
    second = X[y == 1][np.argsort(radius[y == 1])]
    np.testing.assert_allclose(first, -second, atol=1e-12)


def test_blobs_gather_around_their_centers():
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X, y = blobs(3000, centers=centers, std=0.5, seed=0)
    assert np.bincount(y).tolist() == [1000, 1000, 1000]
    for k, center in enumerate(centers):
        np.testing.assert_allclose(X[y == k].mean(axis=0), center, atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, rtol=0.05)
    X, y = blobs(10, centers=4, n_features=3, seed=0)
    assert X.shape == (10, 3) and np.bincount(y).tolist() == [3, 3, 2, 2]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: moons(1), "n must be an integer >= 2"),
    (lambda: noisy_line(0), "n must be an integer >= 1"),
    (lambda: noisy_line(10, noise=-1.0), "noise must be a number >= 0"),
    (lambda: noisy_line(10, x_range=(1.0, 0.0)), "x_range must be \\(low, high\\)"),
    (lambda: spirals(10, classes=0), "classes must be an integer >= 1"),
    (lambda: blobs(10, centers=[1.0, 2.0]), "centers must be an int or an array"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_seed_must_be_an_int_or_a_generator():
    with pytest.raises(TypeError, match="seed must be an int or a numpy.random.Generator"):
        moons(seed=0.5)
