"""Lesson 4: integrals as sums of rectangles, and how fast the rules converge."""

from __future__ import annotations

import math

import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "integrals"
TITLE = "Integrals as sums of rectangles"
N = 8

CODE = """\
from nabla.calculus.integrate import riemann, trapezoid, simpson, quad, convergence
riemann(np.exp, 0.0, 1.0, 8, point="left").value
trapezoid(np.exp, 0.0, 1.0, 8).value, simpson(np.exp, 0.0, 1.0, 8).value
quad(np.exp, 0.0, 1.0).value                      # e − 1
convergence(np.exp, 0.0, 1.0, "simpson", [4, 8, ..., 256]).order   # ≈ 4"""


def run(out, quick=False):
    from nabla.calculus.integrate import convergence, quad, riemann, simpson, trapezoid
    from nabla.plot import integration_convergence, riemann_sum
    from nabla.tour.report import save

    ns = (4, 8, 16, 32, 64, 128) if quick else (4, 8, 16, 32, 64, 128, 256)
    numbers = {
        f"left Riemann sum, n = {N}": float(riemann(np.exp, 0.0, 1.0, N, point="left").value),
        f"right Riemann sum, n = {N}": float(riemann(np.exp, 0.0, 1.0, N, point="right").value),
        f"midpoint sum, n = {N}": float(riemann(np.exp, 0.0, 1.0, N, point="midpoint").value),
        f"trapezoid rule, n = {N}": float(trapezoid(np.exp, 0.0, 1.0, N).value),
        f"Simpson's rule, n = {N}": float(simpson(np.exp, 0.0, 1.0, N).value),
        "adaptive quad": float(quad(np.exp, 0.0, 1.0).value),
        "exact e − 1": math.e - 1,
    }
    for rule in ("left", "midpoint", "trapezoid", "simpson"):
        numbers[f"fitted order of the {rule} rule"] = float(
            convergence(np.exp, 0.0, 1.0, rule, ns, exact=math.e - 1).order)
    figures = [save(riemann_sum(np.exp, 0.0, 1.0, N, rule="left"), out, f"{NAME}-left.png"),
               save(riemann_sum(np.exp, 0.0, 1.0, N, rule="midpoint"), out,
                    f"{NAME}-midpoint.png"),
               save(integration_convergence(np.exp, 0.0, 1.0, ns=ns), out,
                    f"{NAME}-convergence.png")]
    return Lesson(
        NAME, TITLE,
        "The integral of f over [a, b] is the area under its graph, approximated by n "
        "rectangles of width h = (b − a)/n: Σ f(tᵢ)·h. Taking the left end of each piece "
        "gives an error that shrinks like h (order 1); the midpoint and the trapezoid rule "
        "cancel the first error term (order 2), and Simpson's parabolas reach order 4. On a "
        "log–log plot a rule of order p is a line of slope −p.",
        CODE, numbers, figures)
