"""Blind search: the baselines that gradient methods are measured against.

Random search and grid search look only at values f(x), never at a derivative. In one or
two dimensions they are hard to beat for simplicity; in many they are hopeless, and the
reason is volume. To come within ε of the minimizer in every coordinate of the unit box
[0, 1]ⁿ,

- a grid needs a spacing of about 2ε, so (1/2ε)ⁿ points: ε = 0.05 takes 10 points in one
  dimension, 10¹⁰ in ten;
- a uniform random sample lands in that small box with probability (2ε)ⁿ, so it takes
  (1/2ε)ⁿ samples on average, the same exponential.

Gradient descent on a well-conditioned problem needs a number of steps that depends on
the conditioning and on ε, not on n (each step costs one gradient, which reverse-mode
differentiation computes for a few times the cost of f). That gap is the *curse of
dimensionality*, and the reason learning follows gradients.

Both return an :class:`~nabla.optim.result.OptimizeResult` with the best point ``x``,
its value ``fun``, the number of evaluations ``nfev`` (= ``nit``), and in ``history`` the
best point and best value so far after each evaluation (``history["fun"]`` is the
learning curve of the search). Points where f is NaN never count as best.

``bounds`` is the search box, one ``(low, high)`` pair per coordinate (the ``bounds`` of
a :class:`~nabla.optim.functions.TestFunction`, or scipy's form).
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy

from nabla.optim.result import OptimizeResult

__all__ = ["grid_search", "random_search"]

_CHUNK = 4096  # random points drawn at a time (the stream is the same as one big draw)


# ----------------------------------------------------------------------------- shared parts


def _box(bounds) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(low, high) float arrays from one (low, high) pair per coordinate."""
    try:
        b = numpy.array(bounds, dtype=numpy.float64)
    except (TypeError, ValueError) as e:
        raise TypeError("bounds must be a sequence of (low, high) pairs of numbers, one "
                        f"per coordinate; got {bounds!r}") from e
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
        raise ValueError("bounds must be a sequence of (low, high) pairs, one per "
                         f"coordinate; got an array of shape {b.shape}")
    low, high = b[:, 0], b[:, 1]
    if not numpy.all(numpy.isfinite(b)):
        raise ValueError("bounds must be finite: blind search needs a box to search")
    bad = numpy.flatnonzero(~(low < high))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"bounds[{i}] = ({low[i]:g}, {high[i]:g}): low must be less than "
                         "high")
    return low, high


def _count(value, what: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an integer; got {value!r}")
    if value < least:
        raise ValueError(f"{what} must be at least {least}; got {value}")
    return int(value)


class _Best:
    """Evaluates f point by point and keeps the best so far, and its history."""

    def __init__(self, f):
        if not callable(f):
            raise TypeError(f"f must be a callable of an array x; got {f!r}")
        self.f = f
        self.x, self.fun, self.nfev = None, math.nan, 0
        self.xs, self.funs = [], []

    def __call__(self, x: numpy.ndarray) -> None:
        value = numpy.asarray(self.f(x))
        if value.size != 1:
            raise ValueError(f"f must return a scalar; it returned an array of shape "
                             f"{value.shape}")
        value = float(value.reshape(()))
        self.nfev += 1
        if self.x is None or value < self.fun or (math.isnan(self.fun) and value == value):
            self.x, self.fun = x, value
        self.xs.append(self.x)  # the same array object until the best changes
        self.funs.append(self.fun)

    def result(self, what: str) -> OptimizeResult:
        found = not math.isnan(self.fun)
        message = (f"best of {what}: f = {self.fun:.6g}" if found
                   else f"f was NaN at all {what}")
        return OptimizeResult(x=self.x, fun=self.fun, nit=self.nfev, nfev=self.nfev,
                              success=found, status=0 if found else 2, message=message,
                              history={"x": self.xs, "fun": self.funs})


# ----------------------------------------------------------------------------- the searches


def random_search(f, bounds, *, n_samples: int = 1000, rng) -> OptimizeResult:
    """The best of ``n_samples`` points drawn uniformly from the box:

        x_k ~ U([l_1, u_1] × … × [l_n, u_n])  independently,    x̂ = argmin_k f(x_k).

    The chance that one sample lands within ε (per coordinate) of the minimizer is about
    Π_i 2ε/(u_i − l_i), which shrinks exponentially with the dimension n; the error
    after N samples shrinks only like N^(−2/n) in f for a smooth minimum.

    ``rng`` is a ``numpy.random.Generator`` or a seed (the same seed gives the same
    result); ``f`` is called once per point with a float64 vector. ``history["fun"]``
    holds the best value after each sample.

    >>> from nabla.optim.functions import booth
    >>> f = booth()
    >>> r = random_search(f, f.bounds, n_samples=2000, rng=0)
    >>> r.nfev, bool(r.fun < 0.5), r.history["fun"][-1] == r.fun
    (2000, True, True)
    """
    low, high = _box(bounds)
    n_samples = _count(n_samples, "n_samples", 1)
    rng = numpy.random.default_rng(rng)
    best = _Best(f)
    for start in range(0, n_samples, _CHUNK):
        for x in rng.uniform(low, high, size=(min(_CHUNK, n_samples - start), low.size)):
            best(x)
    return best.result(f"{n_samples} uniform random points")


def grid_search(f, bounds, *, points_per_axis=21, max_evals: int = 1_000_000
                ) -> OptimizeResult:
    """The best point of a regular grid over the box, endpoints included:

        x_{j_1 … j_n} = (l_1 + j_1 h_1, …, l_n + j_n h_n),    h_i = (u_i − l_i)/(k_i − 1),

    for j_i = 0 … k_i − 1 (an axis with k_i = 1 point takes its midpoint). There are
    Π k_i points, kⁿ with the same k on every axis: halving the spacing costs 2ⁿ times
    the evaluations. When f is smooth near a minimizer inside the box, the best grid point
    is usually within one spacing h_i of it in each coordinate.

    ``points_per_axis`` is k, the same on every axis, or one k_i per axis. Grids with
    more than ``max_evals`` points are refused with a ``ValueError`` rather than left to
    run for years. Points are visited in lexicographic order (last coordinate fastest).

    >>> from nabla.optim.functions import booth
    >>> r = grid_search(booth(), [(-10, 10), (-10, 10)], points_per_axis=21)
    >>> r.x, r.fun, r.nfev
    (array([1., 3.]), 0.0, 441)
    """
    low, high = _box(bounds)
    n = low.size
    if isinstance(points_per_axis, numbers.Integral) and not isinstance(points_per_axis, bool):
        counts = [_count(points_per_axis, "points_per_axis", 1)] * n
    else:
        counts = list(points_per_axis)
        if len(counts) != n:
            raise ValueError(f"points_per_axis has {len(counts)} entries for {n} "
                             "coordinates; give one per coordinate, or one integer")
        counts = [_count(k, "points_per_axis", 1) for k in counts]
    total = math.prod(counts)
    if total > max_evals:
        raise ValueError(f"a grid of {' × '.join(map(str, counts))} = {total:.3g} points is "
                         f"more than max_evals={max_evals}: the number of grid points grows "
                         "exponentially with the dimension; use fewer points per axis, or "
                         "random_search")
    axes = [numpy.linspace(lo, hi, k) if k > 1 else numpy.array([0.5 * (lo + hi)])
            for lo, hi, k in zip(low, high, counts)]
    best = _Best(f)
    for point in itertools.product(*axes):
        best(numpy.array(point))
    spacing = ", ".join(f"{(hi - lo) / (k - 1):.3g}" if k > 1 else "—"
                        for lo, hi, k in zip(low, high, counts))
    return best.result(f"{total} grid points (spacing {spacing})")
