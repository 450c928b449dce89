"""Sorting and order statistics.

Sorting permutes the entries, so its derivative follows the permutation: each sorted
entry carries the cotangent back to where it came from (``take_along_axis`` with the
``argsort`` indices). Ties are broken as NumPy's stable sort breaks them. Quantiles
interpolate linearly between two sorted entries, so they are differentiable too.
"""

from __future__ import annotations

import numpy as np

from nabla.core import concrete
from nabla.numpy._api import composite, normalize_axis, refuse_unsupported
from nabla.numpy._backend import data_like
from nabla.numpy.elementwise import where
from nabla.numpy.indexing import take_along_axis
from nabla.numpy.shape import moveaxis, ravel, reshape

__all__ = ["sort", "partition", "median", "quantile", "percentile", "nanmedian", "nanquantile",
           "nanpercentile"]


@composite(np.sort, arrays=(0,))
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Entries in increasing order along ``axis`` (flattened when None)."""
    if axis is None:
        a, axis = ravel(a), 0
    return take_along_axis(a, np.argsort(concrete(a), axis=axis, kind="stable"), axis=axis)


@composite(np.partition, arrays=(0,))
def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``a`` rearranged so that entry ``kth`` is where sorting would put it, smaller ones
    before it and larger after; the derivative follows the rearrangement."""
    if axis is None:
        a, axis = ravel(a), 0
    return take_along_axis(a, np.argpartition(concrete(a), kth, axis=axis), axis=axis)


def _quantile(a, q, axis, keepdims, method, ignore_nan):
    if method != "linear":
        raise ValueError(f"nabla.numpy quantiles support method='linear' only, not {method!r}")
    q = data_like(concrete(q), a, dtype=float)
    if np.any((q < 0) | (q > 1)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    if axis is None:
        a, axes, original = ravel(a), (0,), a
    else:
        axes, original = normalize_axis(axis, a.ndim), a
        a = moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
        a = reshape(a, a.shape[: a.ndim - len(axes)] + (-1,))
    values = concrete(a)
    if ignore_nan:  # NaNs sort last; count only the others
        n = np.sum(~np.isnan(values), axis=-1, keepdims=True)
        a = where(np.isnan(values), 0.0, a)
        order = np.argsort(np.where(np.isnan(values), np.inf, values), axis=-1, kind="stable")
    else:
        n = np.full_like(values, values.shape[-1], shape=values.shape[:-1] + (1,), dtype=int)
        order = np.argsort(values, axis=-1, kind="stable")
    ranked = take_along_axis(a, order, axis=-1)
    position = q.reshape(q.shape + (1,) * ranked.ndim) * (n - 1)  # q-shape + batch + (1,)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, n - 1)
    weight = (position - low).astype(concrete(ranked).dtype)
    batch = np.broadcast_shapes(low.shape, ranked.shape[:-1] + (1,))
    ranked = np.broadcast_to(ranked, batch[:-1] + ranked.shape[-1:])
    low, high = np.broadcast_to(low, batch), np.broadcast_to(high, batch)
    below = take_along_axis(ranked, low, axis=-1)[..., 0]
    above = take_along_axis(ranked, high, axis=-1)[..., 0]
    result = below + weight[..., 0] * (above - below)
    if keepdims:
        kept = [1 if (axis is None or i in axes) else n_ for i, n_ in enumerate(original.shape)]
        result = reshape(result, q.shape + tuple(kept))
    return result


@composite(np.quantile, arrays=(0,))
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """The ``q``-th quantiles over ``axis``, interpolating linearly between sorted entries."""
    refuse_unsupported("quantile", out=out, weights=weights)
    return _quantile(a, q, axis, keepdims, method, ignore_nan=False)


@composite(np.percentile, arrays=(0,))
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """The ``q``-th percentiles (``q`` in 0..100) over ``axis``."""
    refuse_unsupported("percentile", out=out, weights=weights)
    return _quantile(a, np.divide(concrete(q), 100), axis, keepdims, method, ignore_nan=False)


@composite(np.median, arrays=(0,))
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The middle value over ``axis`` (the mean of the two middle ones for even counts)."""
    refuse_unsupported("median", out=out)
    return _quantile(a, 0.5, axis, keepdims, "linear", ignore_nan=False)


@composite(np.nanquantile, arrays=(0,))
def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    """``quantile`` of the entries that are not NaN."""
    refuse_unsupported("nanquantile", out=out, weights=weights)
    return _quantile(a, q, axis, keepdims, method, ignore_nan=True)


@composite(np.nanpercentile, arrays=(0,))
def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    """``percentile`` of the entries that are not NaN."""
    refuse_unsupported("nanpercentile", out=out, weights=weights)
    return _quantile(a, np.divide(concrete(q), 100), axis, keepdims, method, ignore_nan=True)


@composite(np.nanmedian, arrays=(0,))
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``median`` of the entries that are not NaN."""
    refuse_unsupported("nanmedian", out=out)
    return _quantile(a, 0.5, axis, keepdims, "linear", ignore_nan=True)

