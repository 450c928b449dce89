"""Lesson 1: functions and slopes — rise over run, the limit definition, secant → tangent."""

from __future__ import annotations

import math

import nabla
import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "slopes"
TITLE = "Functions and slopes: from secants to the tangent"
X0 = 1.0
HS = [10.0 ** -k for k in range(1, 16, 2)]

CODE = """\
from nabla.calculus.numeric import secant_slopes, derivative
table = secant_slopes(np.sin, 1.0, hs=[1e-1, 1e-3, ..., 1e-15])
table.slope, table.error, table.best_h      # (sin(1 + h) − sin(1)) / h
derivative(np.sin, 1.0)                      # central difference
nabla.grad(np.sin)(1.0)                      # automatic differentiation: cos(1)"""


def run(out, quick=False):
    from nabla.calculus.numeric import derivative, secant_slopes
    from nabla.plot import function_and_derivative, secant_to_tangent
    from nabla.tour.report import save

    table = secant_slopes(np.sin, X0, hs=HS)
    numbers = {"rise over run of sin on [1, 1.5]": float((math.sin(1.5) - math.sin(1.0)) / 0.5)}
    for h, slope, error in zip(table.h, table.slope, table.error):
        numbers[f"secant slope, h = {h:.0e} (error {error:.1e})"] = float(slope)
    numbers["best step h (smallest error)"] = float(table.best_h)
    numbers["central difference derivative(sin, 1)"] = float(derivative(np.sin, X0))
    numbers["nabla.grad(sin)(1)"] = float(nabla.grad(np.sin)(X0))
    numbers["exact derivative cos(1)"] = math.cos(X0)
    figures = [save(secant_to_tangent(np.sin, X0, hs=(1.0, 0.5, 0.25, 0.1)), out,
                    f"{NAME}-secants.png"),
               save(function_and_derivative(np.sin, -math.pi, math.pi), out,
                    f"{NAME}-sin-and-cos.png")]
    return Lesson(
        NAME, TITLE,
        "The slope of a function between two points is rise over run, "
        "(f(x + h) − f(x)) / h: the slope of the secant line through them. "
        "The derivative f'(x) is the limit of that slope as h shrinks to zero, the slope of "
        "the tangent. On a computer h cannot shrink forever: the truncation error h/2·|f''| "
        "falls with h but the round-off error ε|f|/h rises, so the best forward step is near "
        "√ε ≈ 1e-8, while automatic differentiation gives cos(1) to the last digit.",
        CODE, numbers, figures)
