"""Lesson: fitting a line by gradient descent."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

import nabla  # noqa: E402
import nabla.numpy as np  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "linear_regression"
TITLE = "Linear regression by gradient descent"

TRUE_M, TRUE_B = 2.5, 1.0

CODE = """import nabla, nabla.numpy as np
loss = lambda p: np.mean((p[0] * x + p[1] - y) ** 2)   # mean squared error of y ≈ m·x + b
p = np.zeros(2)
for step in range(steps):
    p = p - 0.4 * nabla.grad(loss)(p)                    # step downhill
m, b = p                                                 # compare: numpy.polyfit(x, y, 1)"""


def data(n, seed=0):
    """``n`` points of the line y = 2.5x + 1 on [−1, 1] with Gaussian noise (σ = 0.3)."""
    rng = onp.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    return x, TRUE_M * x + TRUE_B + 0.3 * rng.standard_normal(n)


def sizes(quick):
    """(points, gradient-descent steps) for a quick or a full run."""
    return (50, 150) if quick else (200, 300)


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (n, steps), lr = sizes(quick), 0.4
    x, y = data(n)

    def loss(p):
        return np.mean((p[0] * x + p[1] - y) ** 2)

    value_and_grad = nabla.value_and_grad(loss)
    p = onp.zeros(2)
    losses = []
    for _ in range(steps):
        value, g = value_and_grad(p)
        losses.append(float(value))
        p = p - lr * onp.asarray(g)
    losses.append(float(loss(p)))
    m, b = (float(v) for v in p)
    m_ref, b_ref = (float(v) for v in onp.polyfit(x, y, 1))

    figures = [f"{NAME}-fit.png"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.scatter(x, y, s=14, alpha=0.7, label="noisy data")
    grid = onp.linspace(-1.0, 1.0, 2)
    left.plot(grid, m * grid + b, color="tab:orange", lw=2,
              label=f"gradient descent: y = {m:.3f}x + {b:.3f}")
    left.plot(grid, TRUE_M * grid + TRUE_B, "k--", lw=1, label="true line y = 2.5x + 1")
    left.set_xlabel("x")
    left.set_ylabel("y")
    left.set_title("the fitted line")
    left.legend(fontsize=8)
    right.semilogy(onp.arange(len(losses)), onp.asarray(losses) - min(losses) + 1e-16,
                   lw=2)
    right.set_xlabel("step")
    right.set_ylabel("loss − final loss")
    right.set_title("mean squared error during gradient descent")
    right.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)

    numbers = {
        "slope m (gradient descent)": m,
        "intercept b (gradient descent)": b,
        "slope m (numpy.polyfit)": m_ref,
        "intercept b (numpy.polyfit)": b_ref,
        "initial loss": losses[0],
        "final loss": losses[-1],
        "gradient-descent steps": steps,
    }
    explanation = (
        "Fitting a line y ≈ m·x + b means choosing m and b to make the mean squared error "
        "as small as possible. Gradient descent starts from m = b = 0 and repeatedly steps "
        "against the gradient of the error, which nabla computes by automatic "
        "differentiation. The loss falls geometrically, and after a few hundred steps m and "
        "b agree with the closed-form least-squares answer of numpy.polyfit. The same "
        "recipe — a loss, its gradient, small steps downhill — trains every model in the "
        "lessons that follow.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
