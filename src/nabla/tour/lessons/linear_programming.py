"""Lesson: linear versus non-linear optimization — a linear program and its central path."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

from nabla.optim.linprog import linprog  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "linear_programming"
TITLE = "Linear programming: the optimum sits at a corner"

# A factory makes x₁ tables (profit 3) and x₂ chairs (profit 5) with 4, 12 and 18 hours
# of three machines; maximize profit = minimize −profit.
C = [-3.0, -5.0]
A_UB = [[1.0, 0.0], [0.0, 2.0], [3.0, 2.0]]
B_UB = [4.0, 12.0, 18.0]

CODE = """from nabla.optim.linprog import linprog
c = [-3, -5]                                   # maximize 3x₁ + 5x₂
A_ub, b_ub = [[1, 0], [0, 2], [3, 2]], [4, 12, 18]
result = linprog(c, A_ub=A_ub, b_ub=b_ub)      # interior point, x ≥ 0
result.x, result.fun, result.history["x"]      # the optimum and the central path"""


def _figure(result, path):
    fig, ax = plt.subplots(figsize=(6, 5))
    corners = onp.array([[0, 0], [4, 0], [4, 3], [2, 6], [0, 6]], dtype=float)
    ax.fill(corners[:, 0], corners[:, 1], color="tab:blue", alpha=0.18,
            label="feasible region")
    ax.plot(*onp.vstack([corners, corners[:1]]).T, color="tab:blue", lw=1.2)
    X, Y = onp.meshgrid(onp.linspace(-0.5, 5.5, 100), onp.linspace(-0.5, 7.5, 100))
    levels = ax.contour(X, Y, 3 * X + 5 * Y, levels=8, colors="grey", linewidths=0.7,
                        alpha=0.7)
    ax.clabel(levels, fontsize=7)
    path_x = onp.array(result.history["x"], dtype=float)
    ax.plot(path_x[:, 0], path_x[:, 1], "o-", color="tab:orange", ms=4, lw=1.5,
            label=f"interior-point path ({len(path_x)} iterates)")
    ax.plot(*result.x, "k*", ms=13, label=f"optimum {onp.round(result.x, 6).tolist()}")
    ax.set_xlim(-0.5, 5.5)
    ax.set_ylim(-0.5, 7.5)
    ax.set_xlabel("x₁ (tables)")
    ax.set_ylabel("x₂ (chairs)")
    ax.set_title("maximize 3x₁ + 5x₂: the path runs through the interior")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = linprog(C, A_ub=A_UB, b_ub=B_UB)
    figures = [f"{NAME}-central-path.png"]
    _figure(result, out / figures[0])
    numbers = {
        "optimal x": [float(v) for v in result.x],
        "optimal cᵀx": float(result.fun),
        "maximal profit 3x₁ + 5x₂": -float(result.fun),
        "interior-point iterations": int(result.nit),
        "shadow prices of the three machines": [float(v) for v in
                                                result.ineqlin.marginals],
    }
    try:
        from scipy.optimize import linprog as scipy_linprog
    except ImportError:  # scipy is optional
        pass
    else:
        highs = scipy_linprog(C, A_ub=A_UB, b_ub=B_UB, method="highs")
        numbers["scipy HiGHS cᵀx"] = float(highs.fun)
        numbers["scipy HiGHS x"] = [float(v) for v in highs.x]
    explanation = (
        "When the objective and the constraints are all linear, the feasible set is a "
        "polygon (a polytope in general) and the level sets of the objective are straight "
        "lines, so the optimum is always at a corner — unlike a non-linear objective, whose "
        "minimum can lie anywhere, inside or on an edge. nabla's linprog does not walk "
        "from corner to corner as the simplex method does: its interior-point method takes "
        "Newton steps on the optimality conditions and follows the central path through "
        "the inside of the polygon to the optimal corner. The answer agrees with "
        "scipy's HiGHS solver.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
