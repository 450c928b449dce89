"""Making arrays. Constructors from shapes are NumPy's own; ``array``/``asarray`` also
accept (nested) lists that contain traced values, which they stack. An array of another
backend (CuPy), or a list holding one, is converted by that library itself (NEP 18's
``like=``), so it stays on its device."""

from __future__ import annotations

import functools
import operator

import numpy as np

from nabla import tree
from nabla.core import Tracer, concrete, implements
from nabla.core.primitive import is_foreign
from nabla.numpy._api import composite
from nabla.numpy._backend import array_like, first_array
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


def _leading(a):
    """``a``'s leading entry: ``a`` itself, or the first leaf of a nested list. An array of
    another backend there (``[cupy_x, cupy_y]``) makes that library convert ``a``; only the
    leading entry is looked at, so a list of numbers costs nothing more to convert."""
    while isinstance(a, (list, tuple)) and a:
        a = a[0]
    return a


def _like_foreign(a, kwargs):
    """``kwargs`` with ``like=`` ``a``'s leading entry when that is of another backend."""
    lead = _leading(a)
    return {**kwargs, "like": lead} if is_foreign(lead) else kwargs


@implements(np.asarray)
def asarray(a, dtype=None, order=None, **kwargs):
    """``a`` as an array; a list holding traced values is stacked, keeping derivatives."""
    if isinstance(a, Tracer):
        return a if dtype is None else astype(a, dtype)
    if _contains_tracer(a):  # constants in the list join the backend of the traced values
        like = first_array(a)
        out = stack([asarray(item if _contains_tracer(item) else array_like(item, like))
                     for item in a])
        return out if dtype is None else astype(out, dtype)
    return np.asarray(a, dtype=dtype, order=order, **_like_foreign(a, kwargs))


@implements(np.array)
def array(object, dtype=None, *, copy=True, order="K", ndmin=0, **kwargs):
    """Like ``numpy.array``; a list holding traced values is stacked, keeping derivatives."""
    if isinstance(object, Tracer) or _contains_tracer(object):
        return asarray(object, dtype)
    return np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin,
                    **_like_foreign(object, kwargs))


@composite(np.copy)
def copy(a, order="K", subok=False):
    """A copy of ``a``; a traced value is never modified in place, so it is ``a`` itself."""
    return asarray(a)


def _as_array_kin(numpy_function, doc):
    """``numpy_function`` (``asanyarray`` and kin): NumPy's own for NumPy data, ``asarray``
    for traced values (nabla has no subclasses, and layout has no meaning for them) and for
    arrays of another backend (kept on their device)."""

    @implements(numpy_function)
    def convert(a, dtype=None, *args, **kwargs):
        if _contains_tracer(a) or is_foreign(_leading(a)):
            return asarray(a, dtype)
        return numpy_function(a, dtype, *args, **kwargs)

    convert.__name__ = convert.__qualname__ = numpy_function.__name__
    convert.__doc__ = doc
    return convert


asanyarray = _as_array_kin(np.asanyarray, "``asarray``: nabla has no array subclasses to keep.")
ascontiguousarray = _as_array_kin(
    np.ascontiguousarray, "``asarray``: memory layout has no meaning for a traced value.")
asfortranarray = _as_array_kin(
    np.asfortranarray, "``asarray``: memory layout has no meaning for a traced value.")


@implements(np.asarray_chkfinite)
def asarray_chkfinite(a, dtype=None, order=None):
    """``asarray``, raising ``ValueError`` if an entry is NaN or infinite."""
    a = asarray(a, dtype, order)
    # every entry's value is needed (inside jit: ConcretizationError, not a check skipped)
    if not np.all(np.isfinite(concrete(a))):
        raise ValueError("array must not contain infs or NaNs")
    return a


def _sized(constructor, sizes=slice(None)):
    """NumPy's ``constructor``, refusing a traced size with the error of its kind (inside
    ``jit``, a ConcretizationError: a program's shapes are fixed when it is traced).
    ``sizes`` picks the positional arguments that are sizes."""

    @functools.wraps(constructor)
    def make(*args, **kwargs):
        for a in tree.leaves(args[sizes]):
            if isinstance(a, Tracer):
                operator.index(a)  # raises, saying why
        return constructor(*args, **kwargs)

    return make


zeros = _sized(np.zeros)
ones = _sized(np.ones)
empty = _sized(np.empty)
full = _sized(np.full, slice(0, 1))  # the fill value may be traced (it is then refused
eye = _sized(np.eye)                  # by NumPy's conversion, with the tracer's message)
identity = _sized(np.identity)
arange = _sized(np.arange)
linspace = np.linspace
logspace = np.logspace
geomspace = np.geomspace
tri = _sized(np.tri)
indices = _sized(np.indices)
tril_indices = _sized(np.tril_indices)
triu_indices = _sized(np.triu_indices)
diag_indices = _sized(np.diag_indices)
