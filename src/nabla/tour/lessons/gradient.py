"""Lesson 3: partial derivatives and the gradient."""

from __future__ import annotations

import numpy

import nabla
import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "gradient"
TITLE = "Partial derivatives and the gradient"
POINT = (1.0, 0.5)

CODE = """\
f = lambda p: p[0] ** 2 + 3 * p[1] ** 2 + np.sin(p[0] * p[1])
g = nabla.grad(f)(np.array([1.0, 0.5]))          # (∂f/∂x, ∂f/∂y)
nabla.grad(lambda x: f(np.array([x, 0.5])))(1.0)  # ∂f/∂x: y held fixed
nabla.plot.gradient_field(f, (-2, 2), (-2, 2))"""


def f(p):
    return p[0] ** 2 + 3 * p[1] ** 2 + np.sin(p[0] * p[1])


def run(out, quick=False):
    from nabla.calculus.numeric import gradient
    from nabla.plot import gradient_field
    from nabla.tour.report import save

    x, y = POINT
    p = numpy.array(POINT)
    g = numpy.asarray(nabla.grad(f)(p), dtype=float)
    dx = float(nabla.grad(lambda t: f(np.stack([t, y])))(x))
    dy = float(nabla.grad(lambda t: f(np.stack([x, t])))(y))
    numeric = numpy.asarray(gradient(f, p), dtype=float)
    u = numpy.array([3.0, 4.0]) / 5.0
    numbers = {
        "f(1, 0.5)": float(f(p)),
        "∂f/∂x at (1, 0.5), y held fixed": dx,
        "∂f/∂y at (1, 0.5), x held fixed": dy,
        "∇f(1, 0.5)[0] by nabla.grad": float(g[0]),
        "∇f(1, 0.5)[1] by nabla.grad": float(g[1]),
        "∇f(1, 0.5)[0] by central differences": float(numeric[0]),
        "∇f(1, 0.5)[1] by central differences": float(numeric[1]),
        "‖∇f‖ (steepest ascent rate)": float(numpy.linalg.norm(g)),
        "directional derivative along (0.6, 0.8) = ∇f·u": float(g @ u),
    }
    n = 11 if quick else 15
    figures = [save(gradient_field(f, (-2.0, 2.0), (-2.0, 2.0), n=n), out,
                    f"{NAME}-field.png")]
    return Lesson(
        NAME, TITLE,
        "A function of several variables has one partial derivative per variable: the "
        "slope when that variable moves and all others are held fixed. Stacked together they "
        "form the gradient ∇f, a vector that points in the direction of steepest ascent, "
        "perpendicular to the contour lines, with length equal to the steepest rate of "
        "increase. The slope in any direction u is the dot product ∇f·u.",
        CODE, numbers, figures)
