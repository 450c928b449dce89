"""Lesson: vanishing gradients in deep networks, and what fixes them."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nabla.nn.diagnostics import vanishing_gradients_experiment  # noqa: E402
from nabla.plot import gradient_norms  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "vanishing_gradients"
TITLE = "Vanishing gradients: why deep sigmoid networks stall"

FIXED = "relu + layernorm + residual"

CODE = """from nabla.nn.diagnostics import vanishing_gradients_experiment
result = vanishing_gradients_experiment(depth=depth, width=width, steps=steps)
result["sigmoid"].grad_norms                         # ‖∂L/∂W_l‖ per layer, input → output
result.ratio("sigmoid", "relu + layernorm + residual")   # first-layer gradient: × larger"""


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    depth, width, steps = (6, 8, 20) if quick else (20, 32, 100)
    result = vanishing_gradients_experiment(depth=depth, width=width, steps=steps, seed=0)
    norms = {name: {str(layer): float(g) for layer, g in enumerate(run_.grad_norms)}
             for name, run_ in result.runs.items()}

    figures = [f"{NAME}-norms.png", f"{NAME}-loss.png"]
    fig = gradient_norms(norms)
    fig.axes[0].set_title(f"‖∂L/∂W_l‖ at initialization, depth {depth}, width {width}")
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, run_ in result.runs.items():
        ax.plot(range(len(run_.loss)), run_.loss, lw=1.8, label=name)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("training loss")
    ax.set_title(f"training with {result.optimizer}")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / figures[1], dpi=100)
    plt.close(fig)

    numbers = {
        "depth (hidden layers)": depth,
        "width": width,
        "first-layer gradient ratio, relu+norm+residual / sigmoid":
            result.ratio("sigmoid", FIXED),
        "first-layer gradient ratio, relu / sigmoid": result.ratio("sigmoid", "relu"),
    }
    for name, run_ in result.runs.items():
        numbers[f"first-layer ‖∂L/∂W‖, {name}"] = float(run_.grad_norms[0])
        numbers[f"final loss, {name}"] = float(run_.final_loss)
    explanation = (
        "Backpropagation multiplies one factor per layer on the way from the loss to the "
        "first weights; the sigmoid's slope is at most ¼, so in a deep sigmoid network "
        "the gradient shrinks geometrically and the first layers barely learn. The same "
        "network with ReLU, LayerNorm and residual connections keeps the factors near one: "
        "its first-layer gradient is many orders of magnitude larger, and its loss falls "
        "while the sigmoid network's stays near log 2.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
