"""Lessons 1–8 of the tour: each number checked against an independent computation
(closed forms, NumPy, SciPy, SymPy). The lessons run once, quick, in conftest's ``tour``."""

import math

import numpy
import pytest
import scipy.integrate
import scipy.optimize
import scipy.special
import sympy

from nabla.tour.lessons import batches, descent, losses, optimizers, rules, slopes

OWN = ["slopes", "rules", "gradient", "integrals", "losses", "descent", "batches",
       "optimizers"]


@pytest.mark.parametrize("name", OWN)
def test_lesson_runs_with_figures(tour, name):
    out, _, lessons, _ = tour
    lesson = lessons[name]
    assert lesson.name == name
    assert all(f.startswith(f"{name}-") and f.endswith(".png") for f in lesson.figures)
    assert all((out / f).stat().st_size > 1000 for f in lesson.figures)


def test_slopes(lessons):
    n = lessons["slopes"].numbers
    assert n["rise over run of sin on [1, 1.5]"] == pytest.approx(
        (math.sin(1.5) - math.sin(1)) / 0.5, rel=1e-14)
    errors = {}
    for h in slopes.HS:
        (key,) = [k for k in n if k.startswith(f"secant slope, h = {h:.0e} ")]
        assert n[key] == pytest.approx((math.sin(1 + h) - math.sin(1)) / h, rel=1e-12)
        errors[h] = abs((math.sin(1 + h) - math.sin(1)) / h - math.cos(1))
    assert n["best step h (smallest error)"] == min(errors, key=errors.get)
    assert 1e-9 <= n["best step h (smallest error)"] <= 1e-7
    assert n["nabla.grad(sin)(1)"] == pytest.approx(math.cos(1), rel=1e-15)
    assert n["central difference derivative(sin, 1)"] == pytest.approx(math.cos(1), abs=1e-9)
    assert n["exact derivative cos(1)"] == math.cos(1)


def test_rules_agree_with_sympy(lessons):
    n = lessons["rules"].numbers
    x = sympy.Symbol("x")
    for rule, text in rules.EXAMPLES.items():
        expected = sympy.diff(sympy.sympify(text), x)
        got = sympy.sympify(n[f"{rule} rule: d/dx {text}"])
        assert sympy.simplify(got - expected) == 0, (rule, got, expected)
        assert n[f"{rule} rule: derivative at x = {rules.AT}"] == pytest.approx(
            float(expected.subs(x, rules.AT)), rel=1e-12)
        assert f"{rule}:" in n[f"{rule} rule: steps"]
    exact = -rules.AT * math.exp(-rules.AT ** 2 / 2)
    assert n["chain rule: nabla.grad of exp(−x²/2) at 1.3"] == pytest.approx(exact, rel=1e-14)


def test_gradient_closed_form(lessons):
    n = lessons["gradient"].numbers
    x, y = 1.0, 0.5
    g = numpy.array([2 * x + y * math.cos(x * y), 6 * y + x * math.cos(x * y)])
    assert n["f(1, 0.5)"] == pytest.approx(x ** 2 + 3 * y ** 2 + math.sin(x * y), rel=1e-15)
    for key, value in [("∂f/∂x at (1, 0.5), y held fixed", g[0]),
                       ("∂f/∂y at (1, 0.5), x held fixed", g[1]),
                       ("∇f(1, 0.5)[0] by nabla.grad", g[0]),
                       ("∇f(1, 0.5)[1] by nabla.grad", g[1])]:
        assert n[key] == pytest.approx(value, rel=1e-14), key
    assert n["∇f(1, 0.5)[0] by central differences"] == pytest.approx(g[0], abs=1e-8)
    assert n["∇f(1, 0.5)[1] by central differences"] == pytest.approx(g[1], abs=1e-8)
    assert n["‖∇f‖ (steepest ascent rate)"] == pytest.approx(math.hypot(*g), rel=1e-14)
    assert n["directional derivative along (0.6, 0.8) = ∇f·u"] == pytest.approx(
        0.6 * g[0] + 0.8 * g[1], rel=1e-14)


def test_integrals_sums_and_orders(lessons):
    n = lessons["integrals"].numbers
    h = 1 / 8
    t = numpy.linspace(0, 1, 9)
    assert n["left Riemann sum, n = 8"] == pytest.approx(h * numpy.exp(t[:-1]).sum(), rel=1e-14)
    assert n["right Riemann sum, n = 8"] == pytest.approx(h * numpy.exp(t[1:]).sum(), rel=1e-14)
    assert n["midpoint sum, n = 8"] == pytest.approx(
        h * numpy.exp(t[:-1] + h / 2).sum(), rel=1e-14)
    assert n["trapezoid rule, n = 8"] == pytest.approx(
        scipy.integrate.trapezoid(numpy.exp(t), t), rel=1e-14)
    assert n["Simpson's rule, n = 8"] == pytest.approx(
        scipy.integrate.simpson(numpy.exp(t), x=t), rel=1e-14)
    exact = scipy.integrate.quad(numpy.exp, 0, 1)[0]
    assert n["adaptive quad"] == pytest.approx(exact, rel=1e-14)
    assert n["exact e − 1"] == pytest.approx(exact, rel=1e-14)
    for rule, order in [("left", 1), ("midpoint", 2), ("trapezoid", 2), ("simpson", 4)]:
        assert n[f"fitted order of the {rule} rule"] == pytest.approx(order, abs=0.05), rule


def test_losses_against_least_squares_and_scipy(lessons):
    n = lessons["losses"].numbers
    x, y = losses.regression_data()
    u, t = losses.classification_data()
    assert n["MSE at w = 0, b = 0"] == pytest.approx(numpy.mean(y ** 2), rel=1e-14)
    assert n["∂MSE/∂w at (0, 0)"] == pytest.approx(-2 * numpy.mean(x * y), rel=1e-13)
    assert n["∂MSE/∂b at (0, 0)"] == pytest.approx(-2 * numpy.mean(y), rel=1e-13)
    w, b = numpy.polyfit(x, y, 1)
    assert n["MSE minimizer w"] == pytest.approx(w, abs=1e-6)
    assert n["MSE minimizer b"] == pytest.approx(b, abs=1e-6)
    assert n["smallest MSE"] == pytest.approx(numpy.mean((w * x + b - y) ** 2), rel=1e-9)
    assert n["cross-entropy at (0, 0) (= log 2)"] == pytest.approx(math.log(2), rel=1e-15)
    assert n["∂CE/∂w at (0, 0)"] == pytest.approx(numpy.mean((0.5 - t) * u), rel=1e-13)
    assert n["∂CE/∂b at (0, 0)"] == pytest.approx(numpy.mean(0.5 - t), abs=1e-15)

    def ce(p):
        z = p[0] * u + p[1]
        return -numpy.mean(t * scipy.special.log_expit(z) + (1 - t) * scipy.special.log_expit(-z))

    best = scipy.optimize.minimize(ce, numpy.zeros(2), method="BFGS", tol=1e-12)
    assert n["cross-entropy minimizer w"] == pytest.approx(best.x[0], abs=1e-5)
    assert n["cross-entropy minimizer b"] == pytest.approx(best.x[1], abs=1e-5)
    assert n["smallest cross-entropy"] == pytest.approx(best.fun, rel=1e-9)


def test_descent_closed_form(lessons):
    n = lessons["descent"].numbers
    a, x0 = descent.SCALES, descent.X0
    stable = n["largest stable learning rate 2/L (L = 20, the largest curvature)"]
    assert stable == 2 / (2 * a.max())
    assert n["starting loss f(x₀)"] == pytest.approx(float(a @ x0 ** 2))
    finals = {}
    for what, lr in descent.RATES.items():
        # x_k = (1 − 2·lr·a)^k x₀ on f = Σ a x², exactly
        exact = float(numpy.sum(a * ((1 - 2 * lr * a) ** descent.STEPS * x0) ** 2))
        finals[what] = n[f"loss after {descent.STEPS} steps, lr = {lr:g} ({what})"]
        assert finals[what] == pytest.approx(exact, rel=1e-9), what
    assert finals["good"] < finals["too small"] < n["starting loss f(x₀)"] < finals["too large"]


def test_batches_step_counts_and_losses(lessons):
    n = lessons["batches"].numbers
    X, y = batches.data()
    epochs = batches.epochs(quick=True)
    assert n["epochs"] == epochs
    for what, size in batches.SIZES.items():
        assert n[f"{what}: steps taken"] == epochs * math.ceil(len(y) / (size or len(y)))
    w = numpy.linalg.lstsq(X, y, rcond=None)[0]
    least = numpy.mean((X @ w - y) ** 2)
    assert n["least-squares loss (the minimum)"] == pytest.approx(least, rel=1e-12)
    # full-batch gradient descent, independently: w ← w − lr·(2/n)·Xᵀ(Xw − y)
    v = numpy.zeros(3)
    for _ in range(epochs):
        v = v - batches.LR * 2 / len(y) * X.T @ (X @ v - y)
    key = f"batch (all 64): loss on all data after {epochs} epochs"
    assert n[key] == pytest.approx(numpy.mean((X @ v - y) ** 2), rel=1e-10)
    for what in ("mini-batch of 8", "stochastic (1)"):
        value = n[f"{what}: loss on all data after {epochs} epochs"]
        assert least <= value < 1.3 * least < n[key], what


def test_optimizers_on_rosenbrock(lessons):
    n = lessons["optimizers"].numbers
    options = optimizers.methods(quick=True)
    start = numpy.array([-1.2, 1.0])
    for method in ("newton", "bfgs"):
        assert n[f"{method}: distance to (1, 1)"] < 1e-6, method
        assert n[f"{method}: f at the end"] < 1e-12, method
        assert n[f"{method}: iterations"] < 100, method
    reference = scipy.optimize.minimize(scipy.optimize.rosen, start, jac=scipy.optimize.rosen_der,
                                        method="BFGS")
    assert reference.x == pytest.approx([1.0, 1.0], abs=1e-4)
    # plain gradient descent, independently, with SciPy's gradient of Rosenbrock's function
    x = start.copy()
    for _ in range(options["gd"]["maxiter"]):
        x = x - options["gd"]["lr"] * scipy.optimize.rosen_der(x)
    assert n["gd: iterations"] == options["gd"]["maxiter"]
    assert n["gd: f at the end"] == pytest.approx(scipy.optimize.rosen(x), rel=1e-6)
    assert n["gd: distance to (1, 1)"] == pytest.approx(numpy.linalg.norm(x - 1), rel=1e-6)
    for method in ("gd", "momentum", "adam"):
        assert n[f"{method}: f at the end"] > 1e3 * n["bfgs: f at the end"]
        assert n[f"{method}: iterations"] > 10 * n["bfgs: iterations"]
