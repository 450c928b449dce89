"""One clean style for every figure of :mod:`nabla.plot`: colours, font sizes, grid.

matplotlib is imported here, lazily: nothing is imported until a figure is drawn, and a
missing matplotlib raises an ``ImportError`` naming the extra to install.

>>> COLORS[0], len(COLORS)
('#0072B2', 8)
"""

from __future__ import annotations

#: The Okabe–Ito palette: distinguishable by readers with any colour vision.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
          "#000000")
CURVE = COLORS[0]       # the function
DERIVATIVE = COLORS[1]  # its derivative / the tangent
ACCENT = COLORS[2]      # areas, arrows, paths
MUTED = "#999999"       # secondary lines
TITLE_SIZE = 12
LABEL_SIZE = 11
TICK_SIZE = 9
LEGEND_SIZE = 9
FIGSIZE = (6.4, 4.4)


def pyplot():
    """``matplotlib.pyplot``, or an ``ImportError`` that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("nabla.plot needs matplotlib: pip install nabla[plot]") from error
    return plt


def figure(ax=None, ncols=1, figsize=None):
    """``(fig, ax)``: a new figure with ``ncols`` styled axes, or ``ax``'s own figure."""
    if ax is not None:
        for a in (ax if isinstance(ax, (list, tuple)) else [ax]):
            style(a)
        return ax.figure if not isinstance(ax, (list, tuple)) else ax[0].figure, ax
    plt = pyplot()
    if figsize is None:
        figsize = (FIGSIZE[0] * (1 if ncols == 1 else 0.8 * ncols), FIGSIZE[1])
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", squeeze=False)
    axes = list(axes[0])
    for a in axes:
        style(a)
    return fig, (axes[0] if ncols == 1 else axes)


def style(ax):
    """Apply the style to one axes: colour cycle, light grid, no top/right spines."""
    from cycler import cycler

    ax.set_prop_cycle(cycler(color=COLORS))
    ax.grid(True, which="major", alpha=0.3, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=TICK_SIZE)
    return ax


def label(ax, xlabel=None, ylabel=None, title=None, legend=True):
    """Set the labels and title in the style's sizes; add a legend if anything is labelled."""
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    if legend:
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9)
    return ax


def fmt(v, digits=4):
    """A number for a label: ``f"{v:.4g}"`` of a scalar, ``shape (…)`` of an array."""
    import numpy as onp

    a = onp.asarray(v)
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    if a.size <= 3:
        return "[" + ", ".join(f"{float(x):.{digits - 1}g}" for x in a.ravel()) + "]"
    return f"shape {a.shape}"
