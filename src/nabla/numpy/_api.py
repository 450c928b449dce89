"""How nabla.numpy functions are declared: primitives, composites and constants."""

from __future__ import annotations

import functools

import numpy as np

from nabla.core import Tracer, concrete, implements, lookup
from nabla.core.staging import apply_nondifferentiable


def has_tracer(args) -> bool:
    """Whether any argument, or anything in (nested) list/tuple arguments, is a tracer."""
    for a in args:
        if isinstance(a, Tracer):
            return True
        if isinstance(a, (list, tuple)) and has_tracer(a):
            return True
    return False


def as_array(a):
    """``a`` as an array or tracer: a (nested) list holding traced values is stacked."""
    if isinstance(a, (list, tuple)):
        return lookup(np.asarray)(a)
    return a


def composite(numpy_function, arrays=()):
    """Declare a function built from nabla primitives as the version of ``numpy_function``.

    With no tracer among the arguments the call goes straight to NumPy (same result,
    NumPy's speed); with tracers it runs the decorated composition, which the transforms
    differentiate through its primitives. The positional arguments numbered in ``arrays``
    are array-likes: a list of traced values there is stacked first, as NumPy would.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if has_tracer(args) or has_tracer(kwargs.values()):
                if arrays:
                    args = [as_array(a) if i in arrays else a for i, a in enumerate(args)]
                return fn(*args, **kwargs)
            return numpy_function(*args, **kwargs)

        implements(numpy_function)(wrapper)
        return wrapper

    return decorate


def nondifferentiable(numpy_function):
    """``numpy_function`` applied to the plain values of its arguments.

    For functions whose result has no derivative (comparisons, ``sign``, ``argmax``,
    ``zeros_like``): the result is a plain array, a constant to every transform. Inside
    ``jit`` the values are staged, and the call becomes one equation of the program.
    """

    @functools.wraps(numpy_function)
    def wrapper(*args, **kwargs):
        return constant(numpy_function, *args, **kwargs)

    wrapper.nondifferentiable = True  # for the coverage report
    implements(numpy_function)(wrapper)
    return wrapper


def constant(numpy_function, *args, **kwargs):
    """``numpy_function`` applied to the plain values under any tracers: a result that
    every transform sees as a constant (a mask, a permutation, a replacement value).
    Inside ``jit`` those values are staged, and the call is one equation of the program.
    """
    args = [[concrete(b) for b in a] if isinstance(a, (list, tuple)) else concrete(a)
            for a in args]
    kwargs = {k: concrete(v) for k, v in kwargs.items()}
    if has_tracer(args) or has_tracer(kwargs.values()):
        return apply_nondifferentiable(numpy_function, args, kwargs)
    return numpy_function(*args, **kwargs)


def as_index(indices):
    """Integer indices as an array: the values under any tracers (staged inside ``jit``,
    where they are known only when the program runs), on their own backend."""
    indices = concrete(indices)
    return indices if hasattr(indices, "ndim") else np.asarray(indices)


def normalize_axis(axis, ndim):
    """``axis`` (None, int or tuple, negative allowed) as a sorted tuple of axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(out))


def refuse_unsupported(name, **kwargs):
    """Raise for NumPy keyword arguments that have no meaning on traced values."""
    given = sorted(k for k, v in kwargs.items() if v is not None)
    if given:
        raise TypeError(
            f"nabla.numpy.{name} does not support {', '.join(given)} on traced values; "
            f"call it without {'it' if len(given) == 1 else 'them'} and use the result."
        )
