"""Figures of layer 5: training curves, gradient norms per layer, decision boundaries."""

from __future__ import annotations

import numpy as onp

from nabla.plot import style as S


def training_curves(history, *, metrics=None, ax=None):
    """Per-epoch loss (and ``val_loss``) and metrics from an ``nn`` History (or its dict).

    Losses go in the first panel, metrics (``accuracy`` and ``val_accuracy``, …) in a
    second; with one ``ax`` everything is drawn on it.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.plot import training_curves
    >>> h = {'loss': [0.9, 0.5, 0.3], 'val_loss': [1.0, 0.6, 0.5], 'accuracy': [.5, .7, .9]}
    >>> fig = training_curves(h)
    >>> [a.get_title() for a in fig.axes]
    ['loss', 'metrics']
    """
    data = history.history if hasattr(history, "history") else dict(history)
    if metrics is None:
        metrics = [k for k in data if not k.startswith("val_") and k != "loss"]
    series = {k: v for k, v in data.items() if len(v)}
    panels = [["loss", "val_loss"], [m for k in metrics for m in (k, f"val_{k}")]]
    panels = [[k for k in p if k in series] for p in panels]
    panels = [p for p in panels if p]
    if not panels:
        raise ValueError("training_curves: the history holds nothing to plot")
    if ax is None:
        fig, axes = S.figure(None, ncols=len(panels))
        axes = axes if isinstance(axes, list) else [axes]
    elif isinstance(ax, (list, tuple)):
        if len(ax) != len(panels):
            raise ValueError(f"training_curves needs {len(panels)} axes, got {len(ax)}")
        fig, axes = S.figure(list(ax))
    else:
        fig, one = S.figure(ax)
        axes, panels = [one], [[k for p in panels for k in p]]
    titles = ["loss", "metrics"] if len(panels) == 2 else ["training curves"]
    for a, keys, title in zip(axes, panels, titles):
        names = [k.removeprefix("val_") for k in keys]
        colors = {name: S.COLORS[i % len(S.COLORS)] for i, name in enumerate(dict.fromkeys(names))}
        for key, name in zip(keys, names):
            values = onp.asarray(series[key], dtype=float)
            val = key.startswith("val_")
            a.plot(onp.arange(1, len(values) + 1), values, "--" if val else "-", lw=1.8,
                   color=colors[name], marker="o" if len(values) <= 30 else None, ms=3,
                   label=key)
        ylabel = "loss" if keys[0] in ("loss", "val_loss") and title != "training curves" \
            else "value"
        S.label(a, "epoch", ylabel, title)
    return fig


def gradient_norms(norms, *, ax=None):
    """‖∂L/∂θ‖ per layer on a log scale: bars for one network, one line per network for
    ``{name: {layer: norm}}`` (vanishing gradients fall layer by layer towards the input).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.plot import gradient_norms
    >>> fig = gradient_norms({'sigmoid': {'0': 1e-6, '1': 1e-3, '2': 0.1},
    ...                       'relu': {'0': 0.2, '1': 0.3, '2': 0.25}})
    >>> [line.get_label() for line in fig.axes[0].get_lines()], fig.axes[0].get_yscale()
    (['sigmoid', 'relu'], 'log')
    """
    fig, ax = S.figure(ax)
    nested = bool(norms) and all(isinstance(v, dict) for v in norms.values())
    if nested:
        layers = list(dict.fromkeys(k for net in norms.values() for k in net))
        position = {k: i for i, k in enumerate(layers)}
        for name, net in norms.items():
            ax.plot([position[k] for k in net], [float(v) for v in net.values()], "o-",
                    lw=1.8, ms=5, label=str(name))
        title = "gradient norm per layer, by network"
    else:
        layers = list(norms)
        ax.bar(range(len(layers)), [float(v) for v in norms.values()], color=S.CURVE,
               alpha=0.8, edgecolor="black", linewidth=0.5)
        title = "gradient norm per layer"
    ax.set_yscale("log")
    ax.set_xticks(range(len(layers)))
    ax.set_xticklabels([str(k) for k in layers], rotation=30 if len(layers) > 6 else 0,
                       ha="right" if len(layers) > 6 else "center")
    S.label(ax, "layer (input → output)", "‖∂L/∂θ‖", title, legend=nested)
    return fig


def decision_boundary(predict, X, y, *, n=200, ax=None):
    """The regions a 2-D classifier assigns to each class, with the labelled points.

    ``predict(points)`` maps an (m, 2) array to m labels (or to (m, k) scores, whose argmax
    is taken); the plane is coloured by the predicted class on an n×n grid.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np
    >>> from nabla.plot import decision_boundary
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.2]])
    >>> fig = decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, [0, 1, 0, 1])
    >>> [c.get_label() for c in fig.axes[0].collections[-2:]]
    ['class 0', 'class 1']
    """
    X = onp.asarray(X, dtype=float)
    y = onp.asarray(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(f"decision_boundary needs X of shape (m, 2) and m labels, "
                         f"got {X.shape} and {y.shape}")
    fig, ax = S.figure(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-12)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    G0, G1 = onp.meshgrid(onp.linspace(lo[0], hi[0], n), onp.linspace(lo[1], hi[1], n))
    out = onp.asarray(predict(onp.column_stack([G0.ravel(), G1.ravel()])))
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    classes = onp.unique(y)
    index = {c: i for i, c in enumerate(classes)}
    Z = onp.array([index.get(v, onp.nan) for v in out.ravel().tolist()], dtype=float)
    from matplotlib.colors import ListedColormap

    colors = [S.COLORS[i % len(S.COLORS)] for i in range(len(classes))]
    ax.contourf(G0, G1, Z.reshape(G0.shape), levels=onp.arange(len(classes) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    if len(classes) > 1:
        ax.contour(G0, G1, Z.reshape(G0.shape), levels=onp.arange(len(classes) - 1) + 0.5,
                   colors="black", linewidths=1.0)
    for c, color in zip(classes, colors):
        mine = y == c
        ax.scatter(X[mine, 0], X[mine, 1], s=22, color=color, edgecolor="black",
                   linewidth=0.5, label=f"class {c}")
    ax.grid(False)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    S.label(ax, "x₁", "x₂", "decision regions")
    return fig
