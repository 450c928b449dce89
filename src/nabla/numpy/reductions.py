"""Reductions: ``sum`` and ``max`` are the primitives; ``mean`` and ``min`` are built on them.

* ``sum`` is linear; its transpose spreads the cotangent back over the summed axes.
* ``max`` passes the cotangent to the entries that attain the maximum. Ties share it
  equally (as in JAX and HIPS autograd), so the derivative of ``max`` of ``[1, 3, 3]``
  with respect to the input is ``[0, 1/2, 1/2]``.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from nabla.core import Primitive, implements, linear
from nabla.numpy._api import composite, has_tracer, normalize_axis, refuse_unsupported
from nabla.numpy.shape import _broadcast_to, _reshape, astype

__all__ = [
    "sum",
    "mean",
    "max",
    "min",
    "amax",
    "amin",
]


def _kept_shape(shape, axis):
    """The shape of a reduction over ``axis`` with keepdims=True."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _spread(g, x, axis, keepdims):
    """A cotangent of a reduction over ``axis``, broadcast back to the shape of ``x``."""
    if not keepdims:
        g = _reshape(g, shape=_kept_shape(x.shape, axis))
    return _broadcast_to(g, shape=x.shape)


_sum = linear(
    lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    lambda g, ans, x, axis, keepdims: _spread(g, x, axis, keepdims),
    name="sum",
)


def _max_vjp(g, ans, x, axis, keepdims):
    winners = x == _spread(ans, x, axis, keepdims)
    share = winners / np.sum(winners, axis=axis, keepdims=True)
    return _spread(g, x, axis, keepdims) * share.astype(ans.dtype)


def _max_jvp(args, tangents, ans, axis, keepdims):
    (x,), (t,) = args, tangents
    winners = x == _spread(ans, x, axis, keepdims)
    share = (winners / np.sum(winners, axis=axis, keepdims=True)).astype(ans.dtype)
    return _sum(t * share, axis=axis, keepdims=keepdims)


_max = Primitive(
    "max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    (_max_vjp,), _max_jvp,
)


@implements(np.sum)
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Σ of ``a`` over ``axis`` (all axes when None)."""
    if not has_tracer((a,)):
        return np.sum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                      **({} if initial is None else {"initial": initial}),
                      **({} if where is None else {"where": where}))
    refuse_unsupported("sum", out=out, initial=initial, where=where)
    if dtype is not None:
        a = astype(a, dtype)
    return _sum(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)


@composite(np.mean)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Arithmetic mean of ``a`` over ``axis``: the sum divided by the number of entries."""
    refuse_unsupported("mean", out=out, where=where)
    axes = normalize_axis(axis, a.ndim)
    count = math.prod(a.shape[i] for i in axes)
    return sum(a, axes, dtype=dtype, keepdims=keepdims) / count


@implements(np.max, np.amax)
def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest entry of ``a`` over ``axis``; ties share the derivative equally."""
    if not has_tracer((a,)):
        return np.max(a, axis=axis, out=out, keepdims=keepdims,
                      **({} if initial is None else {"initial": initial}),
                      **({} if where is None else {"where": where}))
    refuse_unsupported("max", out=out, initial=initial, where=where)
    if a.size == 0:
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    return _max(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)


@composite(np.min)
def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest entry of ``a`` over ``axis``: ``-max(-a)``."""
    return -max(-a, axis=axis, out=out, keepdims=keepdims, initial=initial, where=where)


amax = max
amin = implements(np.amin)(min)
del builtins
