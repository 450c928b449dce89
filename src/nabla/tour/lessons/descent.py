"""Lesson 6: gradient descent and the learning rate."""

from __future__ import annotations

import numpy

import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "descent"
TITLE = "Gradient descent and the learning rate"
SCALES = numpy.array([1.0, 10.0])          # f(x) = x₁² + 10·x₂²
X0 = numpy.array([2.0, 1.0])
RATES = {"too small": 0.005, "good": 0.09, "too large": 0.105}
STEPS = 50

CODE = """\
f = lambda x: np.sum(np.array([1.0, 10.0]) * x ** 2)    # curvatures 2 and 20
x = x - lr * nabla.grad(f)(x)                             # one step, repeated
from nabla.plot.optimization import descent_losses
descent_losses(f, np.array([2.0, 1.0]), lr=0.09, steps=50)
nabla.plot.learning_rates(f, x0, [0.005, 0.09, 0.105])"""


def f(x):
    return np.sum(SCALES * x ** 2)


def run(out, quick=False):
    from nabla.plot import learning_rates
    from nabla.plot.optimization import descent_losses
    from nabla.tour.report import save

    numbers = {"largest stable learning rate 2/L (L = 20, the largest curvature)": 0.1}
    for what, lr in RATES.items():
        losses, diverged = descent_losses(f, X0, lr, STEPS, clip=numpy.inf)
        numbers[f"loss after {STEPS} steps, lr = {lr:g} ({what})"] = float(losses[-1])
    numbers["starting loss f(x₀)"] = float(f(X0))
    figures = [save(learning_rates(f, X0, list(RATES.values()), steps=STEPS), out,
                    f"{NAME}-learning-rates.png")]
    return Lesson(
        NAME, TITLE,
        "Gradient descent walks downhill: x ← x − lr·∇f(x), repeated. The learning rate lr "
        "sets the step: too small and the loss crawls down, well chosen and it falls fast, "
        "too large and the steps overshoot the valley and the loss grows without bound. On "
        "a quadratic whose largest curvature is L the descent converges exactly when "
        "lr < 2/L; here L = 20, so 0.105 diverges while 0.09 converges.",
        CODE, numbers, figures)
