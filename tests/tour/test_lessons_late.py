"""Lessons 9–15 of the tour: each runs quickly, draws its figures, and its numbers agree
with independent computations."""

import importlib
import math

import numpy
import pytest

from nabla.tour.lesson import Lesson

LATE = ["newton", "linear_programming", "linear_regression", "logistic_regression",
        "neural_network", "vanishing_gradients", "random_search"]

PNG = b"\x89PNG\r\n\x1a\n"


def module(name):
    return importlib.import_module(f"nabla.tour.lessons.{name}")


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    """Every late lesson, run once with quick=True: {name: (lesson, folder)}."""
    out = {}
    for name in LATE:
        folder = tmp_path_factory.mktemp(name)
        out[name] = (module(name).run(folder, quick=True), folder)
    return out


@pytest.mark.parametrize("name", LATE)
def test_lesson_shape_and_figures(lessons, name):
    lesson, folder = lessons[name]
    mod = module(name)
    assert mod.NAME == name and isinstance(mod.TITLE, str) and mod.TITLE
    assert isinstance(lesson, Lesson)
    assert lesson.name == name and lesson.title == mod.TITLE
    sentences = [s for s in lesson.explanation.replace("…", ".").split(". ") if s.strip()]
    assert 2 <= len(sentences) <= 6
    assert "nabla" in lesson.code or "import" in lesson.code
    assert lesson.numbers and lesson.figures
    for figure in lesson.figures:
        assert figure.startswith(f"{name}-") and figure.endswith(".png")
        path = folder / figure
        assert path.is_file() and path.stat().st_size > 1000
        assert path.read_bytes()[:8] == PNG


def test_newton_converges_quadratically(lessons):
    numbers = lessons["newton"][0].numbers
    assert numbers["root of x³ − 2x − 5"] == pytest.approx(2.0945514815423265, abs=1e-15)
    # independent: the plain Newton iteration with the derivative written by hand
    x, xs = 2.0, [2.0]
    for _ in range(6):
        x = x - (x ** 3 - 2 * x - 5) / (3 * x ** 2 - 2)
        xs.append(x)
    root = 2.0945514815423265
    errors = numbers["errors |x_k − x*|"]
    for mine, theirs in zip(errors[:4], xs[:4]):
        assert mine == pytest.approx(abs(theirs - root), rel=1e-6, abs=1e-15)
    ratios = numbers["ratios e_{k+1} / e_k²"]
    assert len(ratios) >= 3
    assert all(0.3 < r < 1.0 for r in ratios)
    limit = 6 * root / (2 * (3 * root ** 2 - 2))           # |f''/2f'| at the root
    assert ratios[-1] == pytest.approx(limit, rel=1e-3)
    assert numbers["iterations"] <= 6


def test_linear_programming_matches_highs(lessons):
    scipy_optimize = pytest.importorskip("scipy.optimize")
    numbers = lessons["linear_programming"][0].numbers
    mod = module("linear_programming")
    highs = scipy_optimize.linprog(mod.C, A_ub=mod.A_UB, b_ub=mod.B_UB, method="highs")
    assert highs.status == 0
    assert numbers["optimal cᵀx"] == pytest.approx(highs.fun, abs=1e-6)
    numpy.testing.assert_allclose(numbers["optimal x"], highs.x, atol=1e-6)
    assert numbers["maximal profit 3x₁ + 5x₂"] == pytest.approx(36.0, abs=1e-6)


def test_linear_regression_matches_polyfit(lessons):
    numbers = lessons["linear_regression"][0].numbers
    mod = module("linear_regression")
    x, y = mod.data(mod.sizes(True)[0])
    m, b = numpy.polyfit(x, y, 1)
    assert numbers["slope m (gradient descent)"] == pytest.approx(m, abs=1e-3)
    assert numbers["intercept b (gradient descent)"] == pytest.approx(b, abs=1e-3)
    assert numbers["final loss"] < numbers["initial loss"]
    assert numbers["final loss"] == pytest.approx(numpy.mean((m * x + b - y) ** 2), rel=1e-6)


def test_logistic_regression_matches_sklearn(lessons):
    linear_model = pytest.importorskip("sklearn.linear_model")
    numbers = lessons["logistic_regression"][0].numbers
    mod = module("logistic_regression")
    n = mod.size(True)
    X, y = mod.data(n, seed=0)
    X_test, y_test = mod.data(n, seed=1)
    reference = linear_model.LogisticRegression(C=1.0, tol=1e-12, max_iter=2000).fit(X, y)
    numpy.testing.assert_allclose(numbers["coefficients w"], reference.coef_.ravel(),
                                  atol=1e-5)
    assert numbers["intercept b"] == pytest.approx(reference.intercept_[0], abs=1e-5)
    assert numbers["test accuracy"] == pytest.approx(reference.score(X_test, y_test),
                                                     abs=0.01)
    assert numbers["test accuracy"] > 0.85


def test_neural_network_learns_moons(lessons):
    lesson = lessons["neural_network"][0]
    assert lesson.numbers["test accuracy"] > 0.9
    assert lesson.numbers["training accuracy"] > 0.9
    assert len(lesson.figures) == 3


def test_vanishing_gradients_ratio(lessons):
    numbers = lessons["vanishing_gradients"][0].numbers
    ratio = numbers["first-layer gradient ratio, relu+norm+residual / sigmoid"]
    assert ratio >= 100
    fixed = numbers["first-layer ‖∂L/∂W‖, relu + layernorm + residual"]
    assert ratio == pytest.approx(fixed / numbers["first-layer ‖∂L/∂W‖, sigmoid"], rel=1e-9)
    assert numbers["final loss, relu + layernorm + residual"] < numbers["final loss, sigmoid"]


def test_random_search_gap_grows_with_dimension(lessons):
    numbers = lessons["random_search"][0].numbers
    mod = module("random_search")
    budget = mod.budget_for(True)
    gaps = [numbers[f"gap (random − gradient), n = {n}"] for n in mod.DIMENSIONS]
    assert all(a < b for a, b in zip(gaps, gaps[1:]))
    for n in mod.DIMENSIONS:
        assert numbers[f"gradient-descent error, n = {n}"] < 1e-8
        # independent: the same uniform draws, evaluated with plain NumPy
        rng = numpy.random.default_rng(0)
        a = rng.uniform(1.0, 4.0, n)
        center = rng.uniform(-0.8, 0.8, n)
        points = numpy.random.default_rng(0).uniform(-1.0, 1.0, size=(budget, n))
        best = numpy.min(numpy.sum(a * (points - center) ** 2, axis=1))
        assert math.isclose(numbers[f"random-search error, n = {n}"], best, rel_tol=1e-12)
