"""Calculus on sampled sequences: differences, the trapezoidal rule, convolution,
interpolation and polynomials.

These are NumPy's discrete counterparts of derivatives and integrals, and each is linear
(or polynomial) in its data, so each is built from slices, sums and products and
differentiates exactly.
"""

from __future__ import annotations

import numpy as np

from nabla.core import concrete, example_value, is_staged
from nabla.numpy._api import composite, constant, normalize_axis
from nabla.numpy._backend import array_like, data_like
from nabla.numpy.assembly import concatenate
from nabla.numpy.elementwise import where
from nabla.numpy.indexing import getitem
from nabla.numpy.reductions import sum
from nabla.numpy.shape import ravel, reshape

__all__ = ["diff", "ediff1d", "gradient", "trapezoid", "convolve", "correlate", "interp",
           "polyval", "polyder", "polyint", "polyadd", "polysub", "polymul", "vander"]


def _slice(a, axis, start=None, stop=None):
    return a[(slice(None),) * axis + (slice(start, stop),)]


@composite(np.diff)
def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th forward difference a[i+1] − a[i] along ``axis``."""
    axis = normalize_axis(axis, a.ndim)[0]
    parts = [p for p in (prepend, a, append) if p is not None]
    if len(parts) > 1:
        shape = list(a.shape)
        shape[axis] = 1
        parts = [array_like(p, a) for p in parts]
        parts = [p if p.ndim == a.ndim else np.broadcast_to(p, shape) for p in parts]
        a = concatenate(parts, axis=axis)
    for _ in range(n):
        a = _slice(a, axis, 1) - _slice(a, axis, None, -1)
    return a


@composite(np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with optional values at either end."""
    d = diff(ravel(ary))
    # the ends take the differences' dtype, as in NumPy (float32 stays float32)
    parts = ([ravel(array_like(p, d)).astype(d.dtype) for p in (to_begin,) if p is not None]
             + [d]
             + [ravel(array_like(p, d)).astype(d.dtype) for p in (to_end,) if p is not None])
    return concatenate(parts) if len(parts) > 1 else d


@composite(np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """The derivative of sampled ``f`` by central differences inside and one-sided at the
    ends (uniform spacing ``varargs``, default 1), one array per axis, as ``numpy.gradient``.
    """
    if edge_order != 1:
        raise ValueError("nabla.numpy.gradient supports edge_order=1 only")
    axes = normalize_axis(axis, f.ndim)
    spacings = list(varargs) if varargs else [1.0] * len(axes)
    if len(spacings) == 1:
        spacings *= len(axes)
    if any(np.ndim(h) != 0 for h in spacings):
        raise ValueError("nabla.numpy.gradient supports uniform (scalar) spacings only")
    out = []
    for ax, h in zip(axes, spacings):
        if f.shape[ax] < 2:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        first = (_slice(f, ax, 1, 2) - _slice(f, ax, 0, 1)) / h
        inner = (_slice(f, ax, 2) - _slice(f, ax, None, -2)) / (2 * h)
        last = (_slice(f, ax, -1) - _slice(f, ax, -2, -1)) / h
        out.append(concatenate([first, inner, last], axis=ax))
    return out[0] if len(out) == 1 else tuple(out)


@composite(np.trapezoid)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """∫ y dx by the trapezoidal rule: Σ (x[i+1] − x[i])·(y[i] + y[i+1])/2 along ``axis``."""
    axis = normalize_axis(axis, y.ndim)[0]
    if x is None:
        widths = dx
    else:
        widths = diff(x) if np.ndim(concrete(x)) == 1 else diff(x, axis=axis)
        if np.ndim(concrete(x)) == 1 and y.ndim > 1:
            shape = [1] * y.ndim
            shape[axis] = -1
            widths = reshape(widths, tuple(shape))
    heights = (_slice(y, axis, 1) + _slice(y, axis, None, -1)) / 2
    return sum(widths * heights, axis=axis)


def _full_convolution(a, v):
    """Σⱼ a[i − j]·v[j] for every i (the 'full' mode): one shifted copy of ``a`` per tap."""
    n, m = a.shape[0], v.shape[0]
    zeros = np.zeros_like(concrete(a), shape=(m - 1,))
    padded = concatenate([zeros, a, zeros])
    rows = np.arange(n + m - 1)[:, None] + (m - 1 - np.arange(m))[None, :]
    return sum(padded[rows] * v, axis=1)


def _mode(full, n, m, mode):
    if mode == "full":
        return full
    if mode == "same":
        size = max(n, m)
        start = (n + m - 1 - size) // 2
        return full[start: start + size]
    if mode == "valid":
        return full[min(n, m) - 1: max(n, m)]
    raise ValueError(f"mode must be 'full', 'same' or 'valid', not {mode!r}")


@composite(np.convolve)
def convolve(a, v, mode="full"):
    """The discrete convolution (a ∗ v)[i] = Σⱼ a[i − j]·v[j] of two 1-D arrays."""
    a, v = ravel(a), ravel(v)
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise ValueError("convolve: inputs cannot be empty")
    return _mode(_full_convolution(a, v), a.shape[0], v.shape[0], mode)


@composite(np.correlate)
def correlate(a, v, mode="valid"):
    """The cross-correlation Σⱼ a[i + j]·v[j] of two 1-D arrays (real)."""
    return convolve(a, ravel(v)[::-1], mode)


@composite(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (xp, fp) at ``x``: differentiable in
    ``x`` (the slope of its segment) and in ``fp``; ``xp`` is taken as fixed."""
    if period is not None:
        raise ValueError("nabla.numpy.interp does not support period on traced values")
    xp_values = data_like(concrete(xp), x)
    xv = concrete(x) if is_staged(x) else array_like(concrete(x), fp)
    k = np.clip(np.searchsorted(xp_values, xv, side="right") - 1, 0, len(xp_values) - 2)
    x0, x1 = constant(np.take, xp_values, k), constant(np.take, xp_values, k + 1)
    f0, f1 = getitem(fp, k), getitem(fp, k + 1)  # fp may be a plain array, k staged
    t = (x - x0) / (x1 - x0)
    result = f0 + t * (f1 - f0)
    below, above = xv < xp_values[0], xv > xp_values[-1]
    first = fp[0] if left is None else left
    last = fp[-1] if right is None else right
    return where(below, first, where(above, last, result))


@composite(np.polyval)
def polyval(p, x):
    """p[0]·xⁿ⁻¹ + ... + p[n−1], by Horner's rule; differentiable in ``p`` and ``x``."""
    result = x * 0
    for k in range(np.shape(concrete(p))[0]):
        result = result * x + p[k]
    return result


def _coefficients(p):
    return ravel(p) if hasattr(p, "ndim") else np.ravel(np.asarray(p, dtype=float))


@composite(np.polyder)
def polyder(p, m=1):
    """Coefficients of the ``m``-th derivative of the polynomial ``p`` (highest power first):
    the power rule d/dx xᵏ = k·xᵏ⁻¹, applied to the coefficients."""
    p = _coefficients(p)
    for _ in range(m):
        n = p.shape[0] - 1
        p = p[:-1] * data_like(np.arange(n, 0, -1), p) if n > 0 else p[:1] * 0
    return p


@composite(np.polyint)
def polyint(p, m=1, k=None):
    """Coefficients of the ``m``-th antiderivative of ``p``, integration constants ``k``."""
    p = _coefficients(p)
    constants = np.zeros(m) if k is None else np.atleast_1d(np.asarray(k, dtype=float))
    if constants.size == 1 and m > 1:
        constants = np.full(m, constants[0])
    constants = data_like(constants, p)
    for i in range(m):
        n = p.shape[0]
        p = concatenate([p / data_like(np.arange(n, 0, -1), p), constants[i:i + 1]])
    return p


def _aligned(a1, a2):
    a1, a2 = _coefficients(a1), _coefficients(a2)
    n = max(a1.shape[0], a2.shape[0])
    pad = [np.zeros_like(example_value(a), shape=(n - a.shape[0],)) for a in (a1, a2)]
    return concatenate([pad[0], a1]), concatenate([pad[1], a2])


@composite(np.polyadd)
def polyadd(a1, a2):
    """Coefficients of the sum of two polynomials."""
    a, b = _aligned(a1, a2)
    return a + b


@composite(np.polysub)
def polysub(a1, a2):
    """Coefficients of the difference of two polynomials."""
    a, b = _aligned(a1, a2)
    return a - b


@composite(np.polymul)
def polymul(a1, a2):
    """Coefficients of the product of two polynomials: the convolution of their coefficients."""
    return convolve(_coefficients(a1), _coefficients(a2))


@composite(np.vander)
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: column j is x^(N−1−j) (or xʲ when ``increasing``)."""
    x = ravel(x)
    n = x.shape[0] if N is None else N
    powers = data_like(np.arange(n) if increasing else np.arange(n - 1, -1, -1), x)
    return reshape(x, (-1, 1)) ** powers
