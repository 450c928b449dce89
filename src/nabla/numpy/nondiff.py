"""Functions with no derivative to follow: their results are constants to every transform.

Comparisons, tests and rounding are piecewise constant (their derivative is zero almost
everywhere), index-valued functions return integers, and ``*_like`` constructors read
only the shape and dtype of their argument. Each is NumPy's own function applied to the
plain values under any tracers, so it returns a plain array.
"""

from __future__ import annotations

import functools

import numpy as np

from nabla.core import example_value, implements
from nabla.numpy._api import nondifferentiable

__all__ = [
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "equal",
    "not_equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
    "isfinite",
    "isnan",
    "isinf",
    "signbit",
    "allclose",
    "isclose",
    "array_equal",
    "any",
    "all",
    "count_nonzero",
    "sign",
    "floor",
    "ceil",
    "trunc",
    "rint",
    "round",
    "around",
    "argmax",
    "argmin",
    "argsort",
    "nonzero",
    "flatnonzero",
    "nanargmax",
    "nanargmin",
    "argpartition",
    "argwhere",
    "lexsort",
    "searchsorted",
    "digitize",
    "isin",
    "isneginf",
    "isposinf",
    "isreal",
    "iscomplex",
    "heaviside",
    "floor_divide",
    "fix",
    "spacing",
    "nextafter",
    "result_type",
    "shape",
    "ndim",
    "size",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
]

# comparisons and tests
less = nondifferentiable(np.less)
less_equal = nondifferentiable(np.less_equal)
greater = nondifferentiable(np.greater)
greater_equal = nondifferentiable(np.greater_equal)
equal = nondifferentiable(np.equal)
not_equal = nondifferentiable(np.not_equal)
logical_and = nondifferentiable(np.logical_and)
logical_or = nondifferentiable(np.logical_or)
logical_not = nondifferentiable(np.logical_not)
logical_xor = nondifferentiable(np.logical_xor)
# x & y, x | y, x ^ y, ~x on the boolean masks that comparisons give (not exported: they
# exist for the operators and for NumPy's dispatch; an integer array has no derivative)
bitwise_and = nondifferentiable(np.bitwise_and)
bitwise_or = nondifferentiable(np.bitwise_or)
bitwise_xor = nondifferentiable(np.bitwise_xor)
invert = nondifferentiable(np.invert)
isfinite = nondifferentiable(np.isfinite)
isnan = nondifferentiable(np.isnan)
isinf = nondifferentiable(np.isinf)
signbit = nondifferentiable(np.signbit)
allclose = nondifferentiable(np.allclose)
isclose = nondifferentiable(np.isclose)
array_equal = nondifferentiable(np.array_equal)
any = nondifferentiable(np.any)
all = nondifferentiable(np.all)
count_nonzero = nondifferentiable(np.count_nonzero)

# piecewise constant: derivative zero
sign = nondifferentiable(np.sign)
floor = nondifferentiable(np.floor)
ceil = nondifferentiable(np.ceil)
trunc = nondifferentiable(np.trunc)
rint = nondifferentiable(np.rint)
round = nondifferentiable(np.round)
around = nondifferentiable(np.around)

# integer-valued
argmax = nondifferentiable(np.argmax)
argmin = nondifferentiable(np.argmin)
argsort = nondifferentiable(np.argsort)
nonzero = nondifferentiable(np.nonzero)
flatnonzero = nondifferentiable(np.flatnonzero)

nanargmax = nondifferentiable(np.nanargmax)
nanargmin = nondifferentiable(np.nanargmin)
argpartition = nondifferentiable(np.argpartition)
argwhere = nondifferentiable(np.argwhere)
lexsort = nondifferentiable(np.lexsort)
searchsorted = nondifferentiable(np.searchsorted)
digitize = nondifferentiable(np.digitize)
isin = nondifferentiable(np.isin)
isneginf = nondifferentiable(np.isneginf)
isposinf = nondifferentiable(np.isposinf)
isreal = nondifferentiable(np.isreal)
iscomplex = nondifferentiable(np.iscomplex)
heaviside = nondifferentiable(np.heaviside)
floor_divide = nondifferentiable(np.floor_divide)
fix = nondifferentiable(np.fix)
spacing = nondifferentiable(np.spacing)
nextafter = nondifferentiable(np.nextafter)
result_type = nondifferentiable(np.result_type)

# shape and dtype only
def _of_example(numpy_function):
    """``numpy_function`` reading only the shape and dtype of its first argument."""

    @functools.wraps(numpy_function)
    def wrapper(a, *args, **kwargs):
        return numpy_function(example_value(a), *args, **kwargs)

    wrapper.nondifferentiable = True  # for the coverage report
    return implements(numpy_function)(wrapper)


shape = _of_example(np.shape)
ndim = _of_example(np.ndim)
size = _of_example(np.size)
zeros_like = _of_example(np.zeros_like)
ones_like = _of_example(np.ones_like)
empty_like = _of_example(np.empty_like)
full_like = _of_example(np.full_like)
