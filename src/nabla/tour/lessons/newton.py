"""Lesson: Newton–Raphson and quadratic convergence."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

from nabla.calculus.roots import newton  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "newton"
TITLE = "Newton–Raphson: following the tangent to a root"

CODE = """from nabla.calculus.roots import newton
result = newton(lambda x: x ** 3 - 2 * x - 5, 2.0)   # f' by automatic differentiation
errors = abs(result.history - result.x)              # e_k = |x_k − x*|
ratios = errors[1:] / errors[:-1] ** 2               # e_{k+1} / e_k² → |f''/2f'|"""


def f(x):
    return x ** 3 - 2 * x - 5


def df(x):
    return 3 * x ** 2 - 2


def _tangent_figure(history, root, path):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = onp.linspace(1.2, 3.2, 400)
    ax.plot(x, f(x), lw=2, label="f(x) = x³ − 2x − 5")
    ax.axhline(0.0, color="grey", lw=0.8)
    start = 3.0  # a start a little further away, so the tangent steps are visible
    xs = [start]
    for _ in range(4):
        xs.append(xs[-1] - f(xs[-1]) / df(xs[-1]))
    for k, (a, b) in enumerate(zip(xs[:-1], xs[1:])):
        ax.plot([a, a], [0.0, f(a)], ":", color="grey", lw=1)
        ax.plot([a, b], [f(a), 0.0], color="tab:orange", lw=1.4,
                label="tangent steps" if k == 0 else None)
        ax.plot([a], [f(a)], "o", color="tab:orange", ms=4)
    ax.plot([root], [0.0], "k*", ms=11, label=f"root x* = {root:.10f}")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title("Newton–Raphson from x₀ = 3: each tangent's zero is the next iterate")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _error_figure(errors, path):
    fig, ax = plt.subplots(figsize=(6, 4))
    keep = errors > 0
    ax.semilogy(onp.arange(len(errors))[keep], errors[keep], "o-", lw=2)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("|x_k − x*|")
    ax.set_title("quadratic convergence: the digits double each step")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = newton(f, 2.0)
    root = float(result.x)
    history = onp.asarray(result.history, dtype=float)
    errors = onp.abs(history - root)
    # ratios only while both errors are well above rounding (1e-15 relative)
    ratios = [float(errors[k + 1] / errors[k] ** 2) for k in range(len(errors) - 1)
              if errors[k + 1] > 1e-14]
    figures = [f"{NAME}-tangents.png", f"{NAME}-errors.png"]
    _tangent_figure(history, root, out / figures[0])
    _error_figure(errors, out / figures[1])
    limit = 6 * root / (2 * df(root))
    numbers = {
        "root of x³ − 2x − 5": root,
        "iterations": int(result.nit),
        "errors |x_k − x*|": [float(e) for e in errors],
        "ratios e_{k+1} / e_k²": ratios,
        "limit |f''(x*) / 2f'(x*)|": float(limit),
    }
    explanation = (
        "Newton–Raphson replaces f by its tangent line at the current guess and jumps to "
        "where that line crosses zero: x_{k+1} = x_k − f(x_k)/f'(x_k), with f' from "
        "automatic differentiation. Near a simple root the new error is about "
        "|f''/2f'| times the square of the old one, so the number of correct digits "
        "roughly doubles every step. On Newton's own example x³ − 2x − 5 = 0, starting "
        "at 2, four steps reach full double precision, and the ratios e_{k+1}/e_k² "
        "settle near |f''/2f'| ≈ 0.56.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
