r"""Synthetic data sets, generated from a seed: a noisy line, two moons, spirals, blobs.

Each function returns ``(X, y)``: X of shape (n, features) in float64 and y the targets
(float64 for :func:`noisy_line`, int class labels for the others), with the samples in a
random order. ``seed`` is an int (the same seed gives the same data) or a
``numpy.random.Generator`` (which is advanced). Nothing here needs scikit-learn.

>>> from nabla.datasets import moons
>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [0, 1])
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["blobs", "moons", "noisy_line", "spirals"]


def _rng(seed, who):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise TypeError(f"{who}: seed must be an int or a numpy.random.Generator, got {seed!r}")


def _count(n, who, low=1):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < low:
        raise ValueError(f"{who}: n must be an integer >= {low} (the number of samples), "
                         f"got {n!r}")
    return int(n)


def _nonnegative(value, name, who):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")
    return float(value)


def _shuffled(X, y, rng):
    order = rng.permutation(len(X))
    return X[order], y[order]


def noisy_line(n=50, slope=2.0, intercept=1.0, noise=1.0, seed=0, *, x_range=(-1.0, 1.0)):
    r"""Points near a line: ``y = slope·x + intercept + noise·ε``, ``ε ~ N(0, 1)``, with
    ``x`` uniform on ``x_range``. X has shape (n, 1).

    The least-squares line through them tends to the true one as n grows (its error
    shrinks like ``noise/√n``).

    >>> X, y = noisy_line(5, slope=3.0, intercept=-1.0, noise=0.0)
    >>> bool(np.allclose(y, 3.0 * X[:, 0] - 1.0))
    True
    """
    who = "noisy_line"
    n, noise = _count(n, who), _nonnegative(noise, "noise", who)
    rng = _rng(seed, who)
    low, high = (float(v) for v in x_range)
    if not low < high:
        raise ValueError(f"{who}: x_range must be (low, high) with low < high, got {x_range!r}")
    x = rng.uniform(low, high, size=n)
    y = float(slope) * x + float(intercept) + noise * rng.standard_normal(n)
    return x[:, None], y


def moons(n=200, noise=0.1, seed=0):
    r"""Two interleaving half circles, a classic set no line separates.

    Class 0 lies on the upper half of the unit circle, ``(cos t, sin t)``, and class 1 on
    the lower half circle ``(1 − cos t, 1/2 − sin t)``, ``t ∈ [0, π]`` (``⌈n/2⌉`` and
    ``⌊n/2⌋`` points), plus Gaussian noise of standard deviation ``noise`` on each
    coordinate.

    >>> X, y = moons(4, noise=0.0, seed=0)
    >>> np.round(X[np.argsort(X[:, 0])], 6).tolist(), int(y.sum())
    ([[-1.0, 0.0], [0.0, 0.5], [1.0, 0.0], [2.0, 0.5]], 2)
    """
    who = "moons"
    n, noise = _count(n, who, 2), _nonnegative(noise, "noise", who)
    rng = _rng(seed, who)
    upper, lower = n - n // 2, n // 2
    t_upper, t_lower = np.linspace(0.0, np.pi, upper), np.linspace(0.0, np.pi, lower)
    X = np.vstack([np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
                   np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])])
    y = np.concatenate([np.zeros(upper, dtype=np.int64), np.ones(lower, dtype=np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng)


def spirals(n=200, turns=1.0, noise=0.1, seed=0, *, classes=2):
    r"""Interleaved spiral arms, one per class: hard for linear models, easy for a small
    neural network.

    Arm ``k`` (of ``classes``) is ``r(cos θ, sin θ)`` with ``r = t`` and ``θ = 2π·turns·t
    + 2πk/classes`` for ``t`` evenly spaced in ``(0, 1]``, plus Gaussian noise of standard
    deviation ``noise·r`` (so the center stays legible); the ``n`` points are shared as
    evenly as possible among the arms.

    >>> X, y = spirals(300, turns=1.5, classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    who = "spirals"
    n, noise = _count(n, who), _nonnegative(noise, "noise", who)
    turns = _nonnegative(turns, "turns", who)
    if isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 1:
        raise ValueError(f"{who}: classes must be an integer >= 1, got {classes!r}")
    rng = _rng(seed, who)
    sizes = [n // classes + (k < n % classes) for k in range(classes)]
    points, labels = [], []
    for k, m in enumerate(sizes):
        t = np.arange(1, m + 1) / max(m, 1)
        theta = 2 * np.pi * turns * t + 2 * np.pi * k / classes
        arm = t[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
        points.append(arm + noise * t[:, None] * rng.standard_normal(arm.shape))
        labels.append(np.full(m, k, dtype=np.int64))
    return _shuffled(np.vstack(points), np.concatenate(labels), rng)


def blobs(n=300, centers=3, std=1.0, seed=0, *, n_features=2, box=(-10.0, 10.0)):
    r"""Gaussian clusters: class ``k`` is ``N(c_k, std²·I)``.

    ``centers``: an int (that many centers drawn uniformly in the cube ``box`` in
    ``n_features`` dimensions) or an array of centers (k × features). The ``n`` points
    are shared as evenly as possible among the clusters.

    >>> X, y = blobs(6, centers=[[0.0, 0.0], [5.0, 5.0]], std=0.0)
    >>> sorted(map(tuple, X[y == 1].tolist()))
    [(5.0, 5.0), (5.0, 5.0), (5.0, 5.0)]
    """
    who = "blobs"
    n, std = _count(n, who), _nonnegative(std, "std", who)
    rng = _rng(seed, who)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        if centers < 1:
            raise ValueError(f"{who}: centers must be >= 1, got {centers!r}")
        n_features = _count(n_features, who)
        low, high = (float(v) for v in box)
        centers = rng.uniform(low, high, size=(int(centers), n_features))
    else:
        centers = np.asarray(centers, dtype=np.float64)
        if centers.ndim != 2 or len(centers) == 0:
            raise ValueError(f"{who}: centers must be an int or an array of shape (k, "
                             f"features), got shape {centers.shape}")
    k = len(centers)
    y = np.repeat(np.arange(k, dtype=np.int64), [n // k + (i < n % k) for i in range(k)])
    X = centers[y] + std * rng.standard_normal((n, centers.shape[1]))
    return _shuffled(X, y, rng)
