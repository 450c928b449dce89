"""Figures of layer 4: gradient fields, loss contours with optimizer paths, and the
effect of the learning rate on gradient descent."""

from __future__ import annotations

import numpy as onp

from nabla.plot import style as S
from nabla.transforms import grad


def grid_values(f, xlim, ylim, n=120):
    """``(X, Y, Z)`` with ``Z[i, j] = f([X[i, j], Y[i, j]])`` on an n×n grid.

    f is called once on the stacked grid ``[X, Y]`` when it broadcasts (``x[0]``, ``x[1]``
    written elementwise), and point by point otherwise.

    >>> X, Y, Z = grid_values(lambda p: p[0] ** 2 + p[1] ** 2, (-1, 1), (-1, 1), n=3)
    >>> Z.tolist()
    [[2.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 2.0]]
    """
    X, Y = onp.meshgrid(onp.linspace(*map(float, xlim), n), onp.linspace(*map(float, ylim), n))
    try:
        Z = onp.asarray(f(onp.stack([X, Y])), dtype=float)
        if Z.shape != X.shape:
            raise ValueError
    except Exception:
        Z = onp.array([[float(f(onp.array([x, y]))) for x, y in zip(rx, ry)]
                       for rx, ry in zip(X, Y)])
    return X, Y, Z


def _contours(ax, f, xlim, ylim, n=120):
    X, Y, Z = grid_values(f, xlim, ylim, n)
    finite = Z[onp.isfinite(Z)]
    levels = onp.unique(onp.quantile(finite, onp.linspace(0, 1, 24) ** 2))
    if levels.size < 3:
        levels = 20
    filled = ax.contourf(X, Y, Z, levels=levels, cmap="viridis", alpha=0.85)
    ax.contour(X, Y, Z, levels=levels, colors="white", linewidths=0.4, alpha=0.6)
    ax.figure.colorbar(filled, ax=ax, label="f(x)", format="%.3g")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.grid(False)
    return X, Y, Z


def gradient_field(f, xlim, ylim, *, n=15, ax=None):
    """Contours of f(x, y) with arrows of ∇f from ``nabla.grad`` on an n×n grid.

    ∇f points uphill, perpendicular to the contour lines; gradient descent walks against it.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.plot import gradient_field
    >>> fig = gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2, (-2, 2), (-2, 2))
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('x₁', 'x₂')
    """
    fig, ax = S.figure(ax)
    _contours(ax, f, xlim, ylim)
    P, Q = onp.meshgrid(onp.linspace(*map(float, xlim), n), onp.linspace(*map(float, ylim), n))
    g = grad(f)
    G = onp.array([[onp.asarray(g(onp.array([p, q])), dtype=float) for p, q in zip(rp, rq)]
                   for rp, rq in zip(P, Q)])
    U, V = G[..., 0], G[..., 1]
    ax.quiver(P, Q, U, V, color="white", edgecolor="black", linewidth=0.4, pivot="mid",
              angles="xy", width=0.005, label="∇f")
    S.label(ax, "x₁", "x₂", "f with its gradient ∇f (arrows point uphill)", legend=False)
    return fig


def optimizer_paths(f, results, xlim, ylim, *, labels=None, ax=None):
    """Loss contours of f with the path ``result.history['x']`` of each optimizer run.

    Each path starts at x₀ (a circle) and ends at its last iterate (a star).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np
    >>> from nabla.optim import minimize
    >>> from nabla.plot import optimizer_paths
    >>> f = lambda p: (1 - p[0]) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2
    >>> r = minimize(f, np.array([-1.0, 1.5]), method="bfgs")
    >>> fig = optimizer_paths(f, r, (-1.5, 1.5), (-0.5, 2.0), labels=["BFGS"])
    >>> fig.axes[0].get_lines()[0].get_label()
    'BFGS'
    """
    if not isinstance(results, (list, tuple)):
        results = [results]
    if labels is None:
        labels = [f"run {i + 1}" if len(results) > 1 else "path" for i in range(len(results))]
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} results")
    fig, ax = S.figure(ax)
    _contours(ax, f, xlim, ylim)
    colors = [c for c in S.COLORS if c not in ("#0072B2",)]
    for k, (result, text) in enumerate(zip(results, labels)):
        path = onp.array([onp.asarray(x, dtype=float).ravel() for x in result.history["x"]])
        c = colors[k % len(colors)]
        ax.plot(path[:, 0], path[:, 1], "-", color=c, lw=2, marker=".", ms=5,
                label=f"{text}", zorder=3)
        ax.plot(path[0, 0], path[0, 1], "o", color=c, mec="black", ms=9, zorder=4,
                label="_start")
        ax.plot(path[-1, 0], path[-1, 1], "*", color=c, mec="black", ms=15, zorder=4,
                label="_end")
    ax.legend(fontsize=S.LEGEND_SIZE, framealpha=0.9, title="○ start  ★ end",
              title_fontsize=S.LEGEND_SIZE)
    S.label(ax, "x₁", "x₂", "optimizer paths on the loss contours", legend=False)
    return fig


def descent_losses(f, x0, lr, steps, clip=None):
    """The losses f(x₀), f(x₁), … of gradient descent x ← x − lr·∇f(x), and whether it
    diverged: it stops at the first loss that is not finite or above ``clip``.

    >>> descent_losses(lambda x: x ** 2, 1.0, 0.25, 3)
    ([1.0, 0.25, 0.0625, 0.015625], False)
    """
    g = grad(f)
    x = onp.asarray(x0, dtype=float)
    losses = [float(f(x))]
    if clip is None:
        clip = 1e3 * max(abs(losses[0]), 1.0)
    for _ in range(int(steps)):
        with onp.errstate(all="ignore"):
            x = x - lr * onp.asarray(g(x), dtype=float)
            loss = float(f(x))
        if not onp.isfinite(loss) or loss > clip:
            return losses, True
        losses.append(loss)
    return losses, False


def learning_rates(f, x0, lrs, *, steps=50, ax=None):
    """Loss against step of gradient descent x ← x − lr·∇f(x) for each learning rate.

    Too small crawls, a good one converges fast, too large oscillates or diverges; a
    diverging curve is cut where the loss exceeds 1000·max(|f(x₀)|, 1) (marked ×).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np
    >>> from nabla.plot import learning_rates
    >>> fig = learning_rates(lambda x: np.sum(x ** 2), np.array([1.0, -2.0]), [0.01, 0.3, 1.2])
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:3]
    ['lr = 0.01', 'lr = 0.3', 'lr = 1.2 (diverged)']
    """
    fig, ax = S.figure(ax)
    runs = [(lr, *descent_losses(f, x0, lr, steps)) for lr in lrs]
    for lr, losses, diverged in runs:
        ax.plot(range(len(losses)), losses, "-", lw=1.8,
                label=f"lr = {lr:g}" + (" (diverged)" if diverged else ""))
    for line, (_, losses, diverged) in zip(list(ax.get_lines()), runs):
        if diverged:
            ax.plot([len(losses) - 1], [losses[-1]], "x", color=line.get_color(), ms=9,
                    mew=2, label="_diverged")
    if all(v > 0 for _, losses, _ in runs for v in losses):
        ax.set_yscale("log")
    ax.set_xlim(0, steps)
    S.label(ax, "step", "loss f(x)", "gradient descent for several learning rates")
    return fig
