"""Lesson: random guessing versus gradient descent as the dimension grows."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

import nabla  # noqa: E402
import nabla.numpy as np  # noqa: E402
from nabla.optim.search import random_search  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "random_search"
TITLE = "Random search versus gradient descent: the curse of dimensionality"

DIMENSIONS = (2, 10, 50)
GRADIENT_COST = 4  # one gradient is counted as this many evaluations of f

CODE = """import nabla, nabla.numpy as np
from nabla.optim.search import random_search
f = lambda x: np.sum(a * (x - center) ** 2)            # a quadratic bowl in n dimensions, min 0
guess = random_search(f, [(-1, 1)] * n, n_samples=budget, rng=0).fun
x = np.zeros(n)
for step in range(budget // 4):                         # a gradient costs about 4 f's
    x = x - 0.1 * nabla.grad(f)(x)
descent = f(x)                                          # error of each: f − 0"""


def bowl(n, seed=0):
    """``f(x) = Σ aᵢ(xᵢ − cᵢ)²`` with curvatures aᵢ in [1, 4] and centre c in [−0.8, 0.8]ⁿ."""
    rng = onp.random.default_rng(seed)
    a = rng.uniform(1.0, 4.0, n)
    center = rng.uniform(-0.8, 0.8, n)

    def f(x):
        return np.sum(a * (x - center) ** 2)

    return f


def compare(n, budget, seed=0):
    """(random-search error, gradient-descent error) on :func:`bowl` with ``budget``."""
    f = bowl(n, seed)
    guess = float(random_search(f, [(-1.0, 1.0)] * n, n_samples=budget, rng=seed).fun)
    grad = nabla.grad(f)
    x = onp.zeros(n)
    for _ in range(budget // GRADIENT_COST):
        x = x - 0.1 * onp.asarray(grad(x))
    return guess, float(f(x))


def budget_for(quick):
    """Evaluations of f allowed to each method, for a quick or a full run."""
    return 400 if quick else 4000


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    budget = budget_for(quick)
    results = {n: compare(n, budget) for n in DIMENSIONS}
    floor = 1e-18  # plotted in place of an error of exactly 0

    figures = [f"{NAME}-dimensions.png"]
    fig, ax = plt.subplots(figsize=(6, 4))
    dims = list(DIMENSIONS)
    ax.semilogy(dims, [max(results[n][0], floor) for n in dims], "o-", lw=2,
                label=f"random search, {budget} evaluations")
    ax.semilogy(dims, [max(results[n][1], floor) for n in dims], "s-", lw=2,
                label=f"gradient descent, {budget // GRADIENT_COST} gradients")
    ax.set_xlabel("dimension n")
    ax.set_ylabel("f(best x) − min f")
    ax.set_title("same budget, growing dimension")
    ax.set_xticks(dims)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)

    numbers = {"budget (evaluations of f)": budget}
    for n in DIMENSIONS:
        guess, descent = results[n]
        numbers[f"random-search error, n = {n}"] = guess
        numbers[f"gradient-descent error, n = {n}"] = descent
        numbers[f"gap (random − gradient), n = {n}"] = guess - descent
    explanation = (
        "Random search only looks at values of f, so its chance of landing near the "
        "minimum is the volume of a small box around it, which shrinks exponentially with "
        "the dimension. Gradient descent instead reads the direction of steepest descent "
        "from the gradient, which reverse-mode differentiation delivers for a few times the "
        "cost of f, however many coordinates there are. With the same budget on a quadratic "
        "bowl, random guessing is tolerable in 2 dimensions and hopeless in 50, while "
        "gradient descent reaches the minimum in all three: that gap is why learning "
        "follows gradients.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
