"""Lesson 5: loss functions and their landscapes (mean squared error, cross-entropy)."""

from __future__ import annotations

import numpy

import nabla
import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "losses"
TITLE = "Loss functions and loss landscapes"

CODE = """\
mse = lambda p: np.mean((p[0] * x + p[1] - y) ** 2)                 # regression
def cross_entropy(p):                                               # classification
    z = p[0] * u + p[1]
    return np.mean(np.logaddexp(0, z) - t * z)                      # −mean log-likelihood
nabla.value_and_grad(mse)(np.zeros(2))
minimize(mse, np.zeros(2), method="bfgs").x      # = least squares"""


def regression_data(n=40, seed=0):
    """``(x, y)``: y = 2x + 1 plus noise of σ = 0.3."""
    rng = numpy.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    return x, 2.0 * x + 1.0 + 0.3 * rng.standard_normal(n)


def classification_data(n=40, seed=1):
    """``(u, t)``: labels t ∈ {0, 1} with P(t = 1) = σ(3u − 0.5)."""
    rng = numpy.random.default_rng(seed)
    u = rng.uniform(-2.0, 2.0, n)
    return u, (rng.uniform(size=n) < 1 / (1 + numpy.exp(-(3.0 * u - 0.5)))).astype(float)


def losses():
    x, y = regression_data()
    u, t = classification_data()

    def mse(p):
        return np.mean((p[0] * x + p[1] - y) ** 2)

    def cross_entropy(p):
        z = p[0] * u + p[1]
        return np.mean(np.logaddexp(0.0, z) - t * z)

    return mse, cross_entropy


def run(out, quick=False):
    from nabla.optim import minimize
    from nabla.plot import gradient_field
    from nabla.tour.report import save

    mse, cross_entropy = losses()
    zero = numpy.zeros(2)
    value, g = nabla.value_and_grad(mse)(zero)
    fit = minimize(mse, zero, method="bfgs")
    ce0, ce_g = nabla.value_and_grad(cross_entropy)(zero)
    logistic = minimize(cross_entropy, zero, method="bfgs")
    numbers = {
        "MSE at w = 0, b = 0": float(value),
        "∂MSE/∂w at (0, 0)": float(g[0]),
        "∂MSE/∂b at (0, 0)": float(g[1]),
        "MSE minimizer w": float(fit.x[0]),
        "MSE minimizer b": float(fit.x[1]),
        "smallest MSE": float(fit.fun),
        "cross-entropy at (0, 0) (= log 2)": float(ce0),
        "∂CE/∂w at (0, 0)": float(ce_g[0]),
        "∂CE/∂b at (0, 0)": float(ce_g[1]),
        "cross-entropy minimizer w": float(logistic.x[0]),
        "cross-entropy minimizer b": float(logistic.x[1]),
        "smallest cross-entropy": float(logistic.fun),
    }
    n = 9 if quick else 13
    figures = [save(gradient_field(mse, (-1.0, 5.0), (-2.0, 4.0), n=n), out,
                    f"{NAME}-mse.png"),
               save(gradient_field(cross_entropy, (-2.0, 8.0), (-5.0, 5.0), n=n), out,
                    f"{NAME}-cross-entropy.png")]
    return Lesson(
        NAME, TITLE,
        "A model is trained by minimizing a loss: one number that says how wrong its "
        "predictions are, as a function of its parameters. For regression the mean squared "
        "error averages (prediction − target)²; for classification the cross-entropy averages "
        "−log of the probability the model gives the true label. Seen over the parameters "
        "(w, b) each loss is a landscape: the MSE of a linear model is a bowl whose bottom is "
        "the least-squares fit, and the cross-entropy of logistic regression is convex too, "
        "so following −∇ downhill finds the best parameters.",
        CODE, numbers, figures)
