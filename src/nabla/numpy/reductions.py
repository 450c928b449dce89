"""Reductions: ``sum``, ``max``, ``prod`` and the cumulative ``cumsum``/``cumprod`` are the
primitives; means, variances, NaN-ignoring versions and the rest are built on them.

* ``sum`` is linear; its transpose spreads the cotangent back over the summed axes.
* ``max`` passes the cotangent to the entries that attain the maximum. Ties share it
  equally (as in JAX and HIPS autograd), so the derivative of ``max`` of ``[1, 3, 3]``
  with respect to the input is ``[0, 1/2, 1/2]``.
* ``prod``: ∂/∂xᵢ ∏ⱼ xⱼ = ∏_{j≠i} xⱼ, computed as the product of everything before and
  everything after i, so it is exact even where some xⱼ = 0.
* ``cumsum`` is linear; its transpose is the cumulative sum taken from the other end.
* ``cumprod``: ∂L/∂xᵢ = Σ_{j≥i} gⱼ yⱼ / xᵢ; this assumes no entry is 0 (documented).
"""

from __future__ import annotations

import math

import numpy as np

from nabla.core import Primitive, concrete, implements, linear
from nabla.numpy._api import (
    as_array,
    composite,
    has_tracer,
    normalize_axis,
    refuse_unsupported,
)
from nabla.numpy.assembly import concatenate
from nabla.numpy.elementwise import maximum, sqrt, where
from nabla.numpy.shape import (
    _after_batch,
    _broadcast_to,
    _reshape,
    astype,
    moveaxis,
    ravel,
    transpose,
)

__all__ = [
    "sum",
    "mean",
    "max",
    "min",
    "amax",
    "amin",
    "prod",
    "var",
    "std",
    "ptp",
    "average",
    "cumsum",
    "cumprod",
    "cumulative_sum",
    "cumulative_prod",
    "nansum",
    "nanmean",
    "nanmax",
    "nanmin",
    "nanprod",
    "nanvar",
    "nanstd",
    "nancumsum",
    "nancumprod",
    "cov",
    "corrcoef",
]


def _kept_shape(shape, axis):
    """The shape of a reduction over ``axis`` with keepdims=True."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _spread(g, x, axis, keepdims):
    """A cotangent of a reduction over ``axis``, broadcast back to the shape of ``x``."""
    if not keepdims:
        g = _reshape(g, shape=_kept_shape(x.shape, axis))
    return _broadcast_to(g, shape=x.shape)


def _given(**kwargs):
    """The keyword arguments that were given (NumPy's own defaults are private)."""
    return {k: v for k, v in kwargs.items() if v is not None}


# --- sum ---------------------------------------------------------------------------------
_sum = linear(
    lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    lambda g, ans, x, axis, keepdims: _spread(g, x, axis, keepdims),
    name="sum",
)


def _traced_input(name, a, out, dtype, where, identity):
    """The argument of a traced reduction with NumPy's keywords applied: cast to
    ``dtype``, and entries outside ``where`` replaced by the reduction's ``identity``."""
    refuse_unsupported(name, out=out)
    a = as_array(a)
    if dtype is not None:
        a = astype(a, dtype)
    return a if where is None else _masked(a, where, identity)


@implements(np.sum)
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Σ of ``a`` over ``axis`` (all axes when None); entries outside ``where`` count as 0."""
    if not has_tracer((a,)):
        return np.sum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                      **_given(initial=initial, where=where))
    a = _traced_input("sum", a, out, dtype, where, 0.0)
    total = _sum(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)
    return total if initial is None else total + initial


def _masked(a, mask, fill):
    """``a`` where ``mask`` holds, else ``fill`` (NumPy's ``where=`` argument)."""
    return where(np.broadcast_to(concrete(mask), a.shape), a, fill)


@composite(np.mean, arrays=(0,))
def mean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Arithmetic mean of ``a`` over ``axis``: the sum divided by the number of entries."""
    refuse_unsupported("mean", out=out)
    axes = normalize_axis(axis, a.ndim)
    if where is None:
        count = math.prod(a.shape[i] for i in axes)
    else:
        count = np.sum(np.broadcast_to(concrete(where), a.shape), axis=axes, keepdims=keepdims)
        if np.issubdtype(a.dtype, np.floating):  # an integer count would promote float32
            count = count.astype(a.dtype)
    return sum(a, axes, dtype=dtype, keepdims=keepdims, where=where) / count


def _batch_reduction(prim):
    return lambda values, batched, axis, keepdims: prim(
        values[0], axis=_after_batch(axis), keepdims=keepdims)


_sum.batch = _batch_reduction(_sum)


_mean = mean  # for functions whose ``mean`` argument hides it


# --- max and min -------------------------------------------------------------------------
def _share_of_max(x, ans, axis, keepdims):
    winners = x == _spread(ans, x, axis, keepdims)
    return (winners / np.sum(winners, axis=axis, keepdims=True)).astype(ans.dtype)


_max = Primitive(
    "max",
    lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    (lambda g, ans, x, axis, keepdims:
     _spread(g, x, axis, keepdims) * _share_of_max(x, ans, axis, keepdims),),
    lambda args, tangents, ans, axis, keepdims:
        _sum(tangents[0] * _share_of_max(args[0], ans, axis, keepdims), axis=axis,
             keepdims=keepdims),
)


_max.batch = _batch_reduction(_max)


@implements(np.max, np.amax)
def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest entry of ``a`` over ``axis``; ties share the derivative equally."""
    if not has_tracer((a,)):
        return np.max(a, axis=axis, out=out, keepdims=keepdims,
                      **_given(initial=initial, where=where))
    refuse_unsupported("max", out=out)
    a = as_array(a)
    if where is not None:
        if initial is None:
            raise ValueError("reduction operation 'maximum' does not have an identity, so to "
                             "use a where mask one has to specify 'initial'")
        a = _masked(a, where, -np.inf)
    if a.size == 0:
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    result = _max(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)
    return result if initial is None else maximum(result, initial)


@composite(np.min, arrays=(0,))
def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest entry of ``a`` over ``axis``: ``-max(-a)``."""
    return -max(-a, axis=axis, out=out, keepdims=keepdims,
                initial=None if initial is None else -initial, where=where)


amax = max
amin = implements(np.amin)(min)


@composite(np.ptp, arrays=(0,))
def ptp(a, axis=None, out=None, keepdims=False):
    """Peak to peak: ``max − min`` over ``axis``."""
    refuse_unsupported("ptp", out=out)
    return max(a, axis, keepdims=keepdims) - min(a, axis, keepdims=keepdims)


# --- products ----------------------------------------------------------------------------
def _along_last(x, axis):
    """``x`` with the reduced axes moved to the end and flattened into one; and the shape
    before flattening."""
    moved = moveaxis(x, axis, tuple(range(x.ndim - len(axis), x.ndim)))
    kept = moved.shape[: x.ndim - len(axis)]
    return _reshape(moved, shape=kept + (math.prod(x.shape[i] for i in axis),)), moved.shape


def _products_of_the_others(x, axis):
    """∏_{j≠i} xⱼ over ``axis`` for every i, without dividing (exact where xⱼ = 0)."""
    flat, moved_shape = _along_last(x, axis)
    ones = np.ones_like(concrete(flat)[..., :1])
    before = concatenate([ones, _cumprod(flat, axis=flat.ndim - 1)[..., :-1]], axis=-1)
    after = concatenate([_cumprod(flat[..., ::-1], axis=flat.ndim - 1)[..., :-1][..., ::-1],
                         ones], axis=-1)
    others = _reshape(before * after, shape=moved_shape)
    return moveaxis(others, tuple(range(x.ndim - len(axis), x.ndim)), axis)


_prod = Primitive(
    "prod",
    lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    (lambda g, ans, x, axis, keepdims:
     _spread(g, x, axis, keepdims) * _products_of_the_others(x, axis),),
    lambda args, tangents, ans, axis, keepdims:
        _sum(tangents[0] * _products_of_the_others(args[0], axis), axis=axis,
             keepdims=keepdims),
)


_prod.batch = _batch_reduction(_prod)


@implements(np.prod)
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """∏ of ``a`` over ``axis``; entries outside ``where`` count as 1."""
    if not has_tracer((a,)):
        return np.prod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                       **_given(initial=initial, where=where))
    a = _traced_input("prod", a, out, dtype, where, 1.0)
    axes = normalize_axis(axis, a.ndim)
    if not axes or a.size == 0:
        return _sum(a * 0 + 1, axis=axes, keepdims=keepdims) if a.size == 0 else a
    result = _prod(a, axis=axes, keepdims=keepdims)
    return result if initial is None else result * initial


# --- cumulative sums and products -----------------------------------------------------
def _reversed(x, axis):
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


_cumsum = linear(
    lambda x, axis: np.cumsum(x, axis=axis),
    lambda g, ans, x, axis: _reversed(_cumsum(_reversed(g, axis), axis=axis), axis),
    name="cumsum",
)
_cumprod = Primitive(
    "cumprod",
    lambda x, axis: np.cumprod(x, axis=axis),
    (lambda g, ans, x, axis: _reversed(_cumsum(_reversed(g * ans, axis), axis=axis), axis) / x,),
    lambda args, tangents, ans, axis: ans * _cumsum(tangents[0] / args[0], axis=axis),
)


_cumsum.batch = lambda values, batched, axis: _cumsum(values[0], axis=axis + 1)
_cumprod.batch = lambda values, batched, axis: _cumprod(values[0], axis=axis + 1)


def _cumulative(prim, a, axis, dtype):
    if dtype is not None:
        a = astype(a, dtype)
    if axis is None:
        a, axis = ravel(a), 0
    return prim(a, axis=normalize_axis(axis, a.ndim)[0])


@composite(np.cumsum, arrays=(0,))
def cumsum(a, axis=None, dtype=None, out=None):
    """Running sums along ``axis`` (of the flattened array when None)."""
    refuse_unsupported("cumsum", out=out)
    return _cumulative(_cumsum, a, axis, dtype)


@composite(np.cumprod, arrays=(0,))
def cumprod(a, axis=None, dtype=None, out=None):
    """Running products along ``axis``. The derivative divides by the entries: it assumes
    none is 0."""
    refuse_unsupported("cumprod", out=out)
    return _cumulative(_cumprod, a, axis, dtype)


def _with_initial(result, axis, value):
    axis = normalize_axis(axis, result.ndim)[0]
    first = np.full_like(concrete(result), value)[(slice(None),) * axis + (slice(0, 1),)]
    return concatenate([first, result], axis=axis)


@composite(np.cumulative_sum, arrays=(0,))
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array-API running sums; ``include_initial`` prepends the 0."""
    result = cumsum(x, axis=axis if axis is not None or x.ndim > 1 else 0, dtype=dtype, out=out)
    return _with_initial(result, axis or 0, 0) if include_initial else result


@composite(np.cumulative_prod, arrays=(0,))
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array-API running products; ``include_initial`` prepends the 1."""
    result = cumprod(x, axis=axis if axis is not None or x.ndim > 1 else 0, dtype=dtype,
                     out=out)
    return _with_initial(result, axis or 0, 1) if include_initial else result


# --- statistics ----------------------------------------------------------------------------
@composite(np.var, arrays=(0,))
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None, mean=None,
        correction=None):
    """Variance: Σ (x − x̄)² / (n − ddof) over ``axis``."""
    refuse_unsupported("var", out=out, where=where, mean=mean)
    ddof = ddof if correction is None else correction
    axes = normalize_axis(axis, a.ndim)
    n = math.prod(a.shape[i] for i in axes)
    centered = a - _mean(a, axes, dtype=dtype, keepdims=True)
    return sum(centered * centered, axes, keepdims=keepdims) / (n - ddof)


@composite(np.std, arrays=(0,))
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None, mean=None,
        correction=None):
    """Standard deviation: √var. Its derivative is infinite where all entries are equal."""
    return sqrt(var(a, axis, dtype, out, ddof, keepdims, where, mean, correction))


@composite(np.average, arrays=(0,))
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted mean Σ wᵢ xᵢ / Σ wᵢ; differentiable in ``a`` and in ``weights``."""
    if weights is None:
        result = mean(a, axis, keepdims=keepdims)
        scale = np.full_like(concrete(result), a.size / np.size(concrete(result)))
    else:
        axes = normalize_axis(axis, a.ndim)
        if np.ndim(weights) == 1 and a.ndim > 1 and len(axes) == 1:
            shape = [1] * a.ndim
            shape[axes[0]] = -1
            weights = _reshape(weights, shape=tuple(
                a.shape[axes[0]] if n == -1 else n for n in shape))
        weights = weights * np.ones_like(concrete(a))
        scale = sum(weights, axes, keepdims=keepdims)
        result = sum(a * weights, axes, keepdims=keepdims) / scale
    return (result, scale) if returned else result


# --- ignoring NaN ----------------------------------------------------------------------------
def _without_nan(a, fill):
    return where(np.isnan(concrete(a)), fill, a)


@composite(np.nansum, arrays=(0,))
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Σ over ``axis`` treating NaN as 0 (its derivative there is 0)."""
    return sum(_without_nan(a, 0.0), axis, dtype, out, keepdims, initial, where)


@composite(np.nanmean, arrays=(0,))
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Mean over ``axis`` of the entries that are not NaN."""
    refuse_unsupported("nanmean", where=where)
    counted = ~np.isnan(concrete(a))
    return mean(a, axis, dtype, out, keepdims, where=counted)


@composite(np.nanmax, arrays=(0,))
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest non-NaN entry over ``axis``."""
    return max(_without_nan(a, -np.inf), axis, out, keepdims, initial, where)


@composite(np.nanmin, arrays=(0,))
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest non-NaN entry over ``axis``."""
    return min(_without_nan(a, np.inf), axis, out, keepdims, initial, where)


@composite(np.nanprod, arrays=(0,))
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """∏ over ``axis`` treating NaN as 1."""
    return prod(_without_nan(a, 1.0), axis, dtype, out, keepdims, initial, where)


@composite(np.nanvar, arrays=(0,))
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    """Variance over ``axis`` of the entries that are not NaN."""
    refuse_unsupported("nanvar", out=out, where=where, mean=mean)
    ddof = ddof if correction is None else correction
    counted = ~np.isnan(concrete(a))
    axes = normalize_axis(axis, a.ndim)
    n = np.sum(counted, axis=axes, keepdims=True).astype(a.dtype)
    centered = _without_nan(a - nanmean(a, axes, keepdims=True), 0.0)
    total = sum(centered * centered, axes, keepdims=True) / (n - ddof)
    return total if keepdims else _reshape(total, shape=tuple(
        d for i, d in enumerate(total.shape) if i not in axes))


@composite(np.nanstd, arrays=(0,))
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    """Standard deviation over ``axis`` of the entries that are not NaN."""
    return sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                       correction=correction))


@composite(np.nancumsum, arrays=(0,))
def nancumsum(a, axis=None, dtype=None, out=None):
    """Running sums treating NaN as 0."""
    return cumsum(_without_nan(a, 0.0), axis, dtype, out)


@composite(np.nancumprod, arrays=(0,))
def nancumprod(a, axis=None, dtype=None, out=None):
    """Running products treating NaN as 1."""
    return cumprod(_without_nan(a, 1.0), axis, dtype, out)



# --- covariance ---------------------------------------------------------------------------
@composite(np.cov, arrays=(0,))
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """Covariance matrix of the variables (rows when ``rowvar``): X̃ X̃ᵀ / (n − ddof), with
    X̃ the centered observations."""
    refuse_unsupported("cov", fweights=fweights, aweights=aweights)

    def as_rows(a):
        a = a if a.ndim > 1 else _reshape(a, shape=(1, a.shape[0]))
        return a if rowvar else transpose(a)

    x = as_rows(m if hasattr(m, "ndim") else np.asarray(m))
    if y is not None:
        x = concatenate([x, as_rows(y if hasattr(y, "ndim") else np.asarray(y))], axis=0)
    if dtype is not None:
        x = astype(x, dtype)
    ddof = (0 if bias else 1) if ddof is None else ddof
    n = x.shape[1]
    centered = x - _mean(x, axis=1, keepdims=True)
    c = (centered @ transpose(centered)) / (n - ddof)
    return _reshape(c, shape=()) if np.ndim(concrete(m)) == 1 and y is None else c


@composite(np.corrcoef, arrays=(0,))
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients: cov(x) normalized by the standard deviations."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = sqrt(np.diagonal(c))  # nabla's diagonal, through NumPy's dispatch
    return c / (_reshape(d, shape=(d.shape[0], 1)) * d)
