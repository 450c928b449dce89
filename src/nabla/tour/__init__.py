"""The guided tour: each idea of the library computed and shown, in a few lines.

``make demo`` (or ``python -m nabla.tour``) runs it. Each stop is a function returning
the lines it prints, so the tests can check what the tour claims.
"""

from __future__ import annotations

import numpy

import nabla
import nabla.numpy as np


def derivative_of_square():
    f = lambda x: x ** 2  # noqa: E731
    return [f"d/dx x²  at x = 2:            {nabla.grad(f)(2.0):.6g}   (exact: 2x = 4)"]


def gradient_of_bowl():
    f = lambda x, y: x ** 2 + y ** 2  # noqa: E731
    gx, gy = nabla.grad(f, argnums=(0, 1))(1.0, 2.0)
    return [f"∇(x² + y²) at (1, 2):         ({gx:.6g}, {gy:.6g})   (exact: (2x, 2y) = (2, 4))"]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_slope():
    s, ds = nabla.value_and_grad(sigmoid)(0.0)
    return [
        f"σ(0):                         {s:.6g}",
        f"σ'(0) by autodiff:            {ds:.6g}   (σ(1 − σ) = {s * (1 - s):.6g})",
    ]


def fit_line(steps=200, lr=0.1, seed=0, every=40):
    """Gradient descent on the mean squared error of y ≈ m·x + b, noisy data with m=3, b=−1."""
    rng = numpy.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=100)
    y = 3.0 * x - 1.0 + 0.1 * rng.standard_normal(100)

    def loss(params):
        m, b = params
        return np.mean((m * x + b - y) ** 2)

    params = (0.0, 0.0)
    step = nabla.value_and_grad(loss)
    lines = ["Gradient descent fitting y = m·x + b (true m = 3, b = −1, noise σ = 0.1):"]
    for i in range(steps + 1):
        value, (dm, db) = step(params)
        if i % every == 0:
            lines.append(f"  step {i:4d}   loss {value:.6f}   m = {params[0]: .4f}"
                         f"   b = {params[1]: .4f}")
        params = (params[0] - lr * dm, params[1] - lr * db)
    lines.append(f"  fitted: m = {params[0]:.4f}, b = {params[1]:.4f}")
    return lines


def secant_to_tangent():
    """The limit definition at work: forward-difference slopes of sin at 1 as h shrinks."""
    from nabla.calculus.numeric import secant_slopes

    table = secant_slopes(np.sin, 1.0, hs=[10.0 ** -k for k in range(1, 16, 2)])
    lines = [f"Secant slopes of sin at x = 1 (exact derivative cos 1 = {table.exact:.10f}):"]
    lines += [f"  h = {h:7.0e}   slope = {s:.10f}   error = {e:.1e}"
              for h, s, e in zip(table.h, table.slope, table.error)]
    lines.append(f"  best h = {table.best_h:.0e}: truncation error falls with h, round-off rises")
    return lines


def area_under_bell():
    """∫ exp(−x²) dx over the real line = √π, by adaptive quadrature, and its σ-derivative."""
    from nabla.calculus.integrate import quad

    result = quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf)
    width = nabla.grad(lambda s: quad(lambda x: np.exp(-(x / s) ** 2), -np.inf, np.inf).value)
    return [
        f"∫ exp(−x²) dx over ℝ = {result.value:.15f}   (√π = {numpy.sqrt(numpy.pi):.15f}, "
        f"error bound {result.error:.1e}, {result.neval} evaluations)",
        f"d/dσ ∫ exp(−(x/σ)²) dx at σ = 1: {width(1.0):.12f}   (exact: √π)",
    ]


def descend_rosenbrock():
    """Gradient descent against Newton and quasi-Newton on Rosenbrock's banana valley."""
    from nabla.optim import minimize
    from nabla.optim.functions import rosenbrock

    f = rosenbrock(2)
    lines = ["Minimizing Rosenbrock's function from (−1.2, 1); the minimum is at (1, 1):"]
    for method, options in (("gd", {"lr": 1e-3, "maxiter": 2000}), ("newton", {}),
                            ("bfgs", {}), ("lbfgs", {})):
        r = minimize(f, f.start, method=method, **options)
        lines.append(f"  {method:7s} {r.nit:5d} iterations   x = ({r.x[0]:.6f}, {r.x[1]:.6f})"
                     f"   f = {r.fun:.1e}")
    return lines


STOPS = [derivative_of_square, gradient_of_bowl, sigmoid_slope, fit_line, secant_to_tangent,
         area_under_bell, descend_rosenbrock]


def main():
    print("nabla — calculus for machine learning\n")
    for stop in STOPS:
        print("\n".join(stop()))
        print()


if __name__ == "__main__":
    main()
