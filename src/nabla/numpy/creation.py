"""Making arrays. Constructors from shapes are NumPy's own; ``array``/``asarray`` also
accept (nested) lists that contain traced values, which they stack."""

from __future__ import annotations

import numpy as np

from nabla.core import Tracer, concrete, implements
from nabla.numpy._api import composite
from nabla.numpy.assembly import stack
from nabla.numpy.shape import astype

__all__ = [
    "array",
    "asarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "eye",
    "identity",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "tri",
    "indices",
    "tril_indices",
    "triu_indices",
    "diag_indices",
    "copy",
    "asanyarray",
    "ascontiguousarray",
    "asfortranarray",
    "asarray_chkfinite",
]


def _contains_tracer(obj) -> bool:
    if isinstance(obj, Tracer):
        return True
    return isinstance(obj, (list, tuple)) and any(_contains_tracer(o) for o in obj)


@implements(np.asarray)
def asarray(a, dtype=None, order=None, **kwargs):
    """``a`` as an array; a list holding traced values is stacked, keeping derivatives."""
    if isinstance(a, Tracer):
        return a if dtype is None else astype(a, dtype)
    if _contains_tracer(a):
        out = stack([asarray(item) for item in a])
        return out if dtype is None else astype(out, dtype)
    return np.asarray(a, dtype=dtype, order=order, **kwargs)


@implements(np.array)
def array(object, dtype=None, *, copy=True, order="K", ndmin=0, **kwargs):
    """Like ``numpy.array``; a list holding traced values is stacked, keeping derivatives."""
    if isinstance(object, Tracer) or _contains_tracer(object):
        return asarray(object, dtype)
    return np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin, **kwargs)


@composite(np.copy)
def copy(a, order="K", subok=False):
    """A copy of ``a``; a traced value is never modified in place, so it is ``a`` itself."""
    return asarray(a)


@composite(np.asanyarray)
def asanyarray(a, dtype=None, order=None, **kwargs):
    """``asarray``: nabla has no array subclasses to keep."""
    return asarray(a, dtype)


@composite(np.ascontiguousarray)
def ascontiguousarray(a, dtype=None, **kwargs):
    """``asarray``: memory layout has no meaning for a traced value."""
    return asarray(a, dtype)


@composite(np.asfortranarray)
def asfortranarray(a, dtype=None, **kwargs):
    """``asarray``: memory layout has no meaning for a traced value."""
    return asarray(a, dtype)


@composite(np.asarray_chkfinite)
def asarray_chkfinite(a, dtype=None, order=None):
    """``asarray``, raising ``ValueError`` if an entry is NaN or infinite."""
    a = asarray(a, dtype)
    if not np.all(np.isfinite(concrete(a))):
        raise ValueError("array must not contain infs or NaNs")
    return a


zeros = np.zeros
ones = np.ones
empty = np.empty
full = np.full
eye = np.eye
identity = np.identity
arange = np.arange
linspace = np.linspace
logspace = np.logspace
geomspace = np.geomspace
tri = np.tri
indices = np.indices
tril_indices = np.tril_indices
triu_indices = np.triu_indices
diag_indices = np.diag_indices
