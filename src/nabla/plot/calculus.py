"""Figures of layer 3: a function and its derivative, secants becoming the tangent,
Riemann rectangles, and how fast quadrature rules converge."""

from __future__ import annotations

import numpy as onp

from nabla.calculus.integrate import convergence, quad, riemann
from nabla.calculus.numeric import secant_slopes
from nabla.plot import style as S
from nabla.transforms import elementwise_grad


def _name(f):
    name = getattr(f, "__name__", None) or getattr(f, "name", None)
    return name if isinstance(name, str) and name.isidentifier() else "f"


def _floats(y, like):
    return onp.broadcast_to(onp.asarray(y, dtype=float), onp.shape(like)).copy()


def function_and_derivative(f, a, b, *, n=400, name=None, ax=None):
    """Plot f and f' = ``nabla.elementwise_grad(f)`` on [a, b], with n points.

    f'(x) is the slope of f at x: where f' crosses 0, f has a flat tangent. ``name`` labels
    the curves (default: the function's ``__name__``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import nabla.numpy as np
    >>> from nabla.plot import function_and_derivative
    >>> fig = function_and_derivative(np.sin, 0.0, 6.0)
    >>> [line.get_label() for line in fig.axes[0].get_lines()[:2]]
    ['sin(x)', "sin'(x)"]
    """
    fig, ax = S.figure(ax)
    x = onp.linspace(float(a), float(b), int(n))
    y = _floats(f(x), x)
    dy = _floats(elementwise_grad(f)(x), x)
    if name is None:
        name = _name(f)
        labels = f"{name}(x)", f"{name}'(x)"
    else:  # a formula such as "exp(−x²/2)"
        labels = name, f"d/dx {name}"
    ax.plot(x, y, color=S.CURVE, lw=2, label=labels[0])
    ax.plot(x, dy, color=S.DERIVATIVE, lw=2, ls="--", label=labels[1])
    ax.axhline(0.0, color=S.MUTED, lw=0.8)
    S.label(ax, "x", "y", f"{name} and its derivative (nabla.elementwise_grad)")
    return fig


def secant_to_tangent(f, x0, hs=(1, 0.5, 0.25, 0.1), *, ax=None):
    """Secants of f through x0 and x0 + h for shrinking h, and the tangent they approach.

    The secant slope (f(x0+h) − f(x0))/h tends to f'(x0) (from ``nabla.grad``) as h → 0.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import nabla.numpy as np
    >>> from nabla.plot import secant_to_tangent
    >>> fig = secant_to_tangent(np.exp, 0.0)
    >>> len(fig.axes[0].get_lines())      # the curve, 4 secants, the tangent
    6
    """
    fig, ax = S.figure(ax)
    x0 = float(x0)
    hs = [float(h) for h in hs]
    table = secant_slopes(f, x0, hs)
    span = max(abs(h) for h in hs)
    x = onp.linspace(x0 - 0.6 * span, x0 + 1.25 * span, 300)
    y = _floats(f(x), x)
    fx0 = float(f(onp.asarray(x0)))
    ax.plot(x, y, color=S.CURVE, lw=2.2, label=f"{_name(f)}(x)", zorder=3)
    cmap = S.pyplot().get_cmap("Oranges")
    for k, (h, slope) in enumerate(zip(hs, table.slope)):
        shade = cmap(0.35 + 0.5 * k / max(len(hs) - 1, 1))
        ax.plot(x, fx0 + slope * (x - x0), color=shade, lw=1.3,
                label=f"secant h = {h:g}: slope {slope:.4g}")
        ax.scatter([x0 + h], [fx0 + slope * h], s=25, color=shade, zorder=4)
    ax.plot(x, fx0 + table.exact * (x - x0), color="black", lw=1.6, ls="--",
            label=f"tangent: f'(x0) = {table.exact:.4g}")
    ax.scatter([x0], [fx0], s=36, color="black", zorder=5)
    ax.set_ylim(y.min() - 0.15 * onp.ptp(y), y.max() + 0.15 * onp.ptp(y))
    S.label(ax, "x", "y", f"secants → tangent at x0 = {x0:g}")
    return fig


def riemann_sum(f, a, b, n=8, *, rule="left", ax=None):
    """Riemann rectangles of f on [a, b]: Σ f(tᵢ)·Δx with tᵢ the left/right/mid point.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import nabla.numpy as np
    >>> from nabla.plot import riemann_sum
    >>> fig = riemann_sum(np.exp, 0.0, 1.0, 4, rule="midpoint")
    >>> len(fig.axes[0].patches)
    4
    """
    if rule not in ("left", "right", "midpoint"):
        raise ValueError(f"rule must be 'left', 'right' or 'midpoint', got {rule!r}")
    fig, ax = S.figure(ax)
    a, b, n = float(a), float(b), int(n)
    result = riemann(f, a, b, n, point=rule)
    nodes = onp.asarray(result.nodes, dtype=float)
    heights = _floats(f(nodes), nodes)
    width = (b - a) / n
    edges = a + width * onp.arange(n)
    ax.bar(edges, heights, width=width, align="edge", color=S.ACCENT, alpha=0.35,
           edgecolor=S.ACCENT, linewidth=1.0, label=f"{n} rectangles")
    ax.plot(nodes, heights, "o", color=S.ACCENT, ms=4, label=f"{rule} points")
    x = onp.linspace(a, b, 400)
    ax.plot(x, _floats(f(x), x), color=S.CURVE, lw=2, label=f"{_name(f)}(x)")
    ax.axhline(0.0, color=S.MUTED, lw=0.8)
    exact = float(quad(f, a, b).value)
    S.label(ax, "x", "y", f"{rule} Riemann sum, n = {n}: area ≈ {float(result.value):.5g} "
                          f"(exact {exact:.5g})")
    return fig


def integration_convergence(f, a, b, rules=("left", "trapezoid", "simpson"),
                            ns=(4, 8, 16, 32, 64, 128, 256), *, ax=None):
    """Log–log error of each rule against n; a rule of order p is a line of slope −p.

    Uses :func:`nabla.calculus.integrate.convergence`; the fitted order is in the legend.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import nabla.numpy as np
    >>> from nabla.plot import integration_convergence
    >>> fig = integration_convergence(np.exp, 0.0, 1.0)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['left: order 0.99', 'trapezoid: order 2.00', 'simpson: order 4.00']
    """
    fig, ax = S.figure(ax)
    for rule in rules:
        table = convergence(f, a, b, rule, ns)
        keep = table.error > 0
        if table.exponential:
            text = f"{table.rule}: exponential, rate {table.rate:.3g}"
        else:
            text = f"{table.rule}: order {table.order:.2f}"
        ax.loglog(table.n[keep], table.error[keep], "o-", lw=1.8, ms=4, label=text)
    S.label(ax, "n (subintervals)", "|error|",
            f"convergence of quadrature rules on [{float(a):g}, {float(b):g}]")
    return fig
