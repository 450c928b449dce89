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


STOPS = [derivative_of_square, gradient_of_bowl, sigmoid_slope, fit_line]


def main():
    print("nabla — calculus for machine learning\n")
    for stop in STOPS:
        print("\n".join(stop()))
        print()


if __name__ == "__main__":
    main()
