"""Where new arrays are made: on the backend of the data they join.

A constant written as a number or a list (a padding value, the integration constants of
``polyint``, the exponents of ``vander``) becomes an array of the same library as the data
it meets: a NumPy array beside NumPy data, a CuPy array beside CuPy data (made by CuPy's
own ``asarray``, reached through NEP 18's ``like=``). Nothing is copied through NumPy.
"""

from __future__ import annotations

import functools

import numpy as np

from nabla.core import concrete, example_value
from nabla.core.primitive import is_foreign


def data_like(value, like, dtype=None):
    """``value`` as an array on the backend of ``like`` (an array, a tracer, or ``None`` for
    NumPy), with ``dtype``."""
    ref = example_value(like)
    if is_foreign(ref):
        return np.asarray(value, dtype=dtype, like=ref)
    return np.asarray(value, dtype=dtype)


def first_array(obj):
    """The first array or tracer in ``obj``, searching nested lists and tuples; ``None``."""
    if hasattr(obj, "ndim"):
        return obj
    if isinstance(obj, (list, tuple)):
        for item in obj:
            found = first_array(item)
            if found is not None:
                return found
    return None


def array_like(value, like):
    """``value`` itself if it is an array or a tracer, else :func:`data_like` of it."""
    return value if hasattr(value, "ndim") else data_like(value, like)


def with_fallback(host_function, formula):
    """``host_function`` (a SciPy function, which converts its arguments to NumPy), except on
    arrays of another backend, which it refuses: there ``formula``, the same function written
    with calls that backend answers (NumPy functions and ufuncs, through NEP 13/18). The
    NumPy path costs nothing extra."""

    @functools.wraps(host_function)
    def call(*args, **kwargs):
        try:
            return host_function(*args, **kwargs)
        except TypeError:
            if not any(is_foreign(a) for a in args) and not any(
                    is_foreign(v) for v in kwargs.values()):
                raise
        return formula(*args, **kwargs)

    return call


def plain_array(x):
    """The plain value under any tracers, as an array: an array of any backend as it is (a
    CuPy array stays on its device), a number or a list as a NumPy array."""
    x = concrete(x)
    return x if hasattr(x, "dtype") and hasattr(x, "shape") else np.asarray(x)


def like_of(x):
    """The keyword arguments that make a NumPy constructor (``eye``, ``tri``, ``arange``)
    build on the backend of ``x``: ``{"like": ...}`` for another backend, ``{}`` for NumPy."""
    ref = example_value(x)
    return {"like": ref} if is_foreign(ref) else {}


def to_host(x):
    """``x`` as a NumPy array, copied explicitly from another backend (CuPy's ``x.get()``);
    for the few places that must have host data: a checkpoint file, a numeric check."""
    return x.get() if is_foreign(x) and hasattr(x, "get") else np.asarray(x)
