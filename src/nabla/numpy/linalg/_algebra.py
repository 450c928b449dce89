"""Private helpers of ``nabla.numpy.linalg``: matrix algebra written with differentiable
functions, and NumPy's argument checks."""

from __future__ import annotations

import numpy
from numpy.linalg import LinAlgError

from nabla.core import concrete, example_value
from nabla.numpy import diagonals as _diagonals
from nabla.numpy.creation import asarray
from nabla.numpy.elementwise import where
from nabla.numpy.reductions import sum as _sum
from nabla.numpy.shape import swapaxes


# --- helpers: matrix algebra written with differentiable functions ----------------------
def _T(x):
    """Transpose of the last two axes."""
    return swapaxes(x, -1, -2)


def _sym(x):
    return (x + _T(x)) * 0.5


def _eye(n, like):
    """The identity, made like ``like`` (its dtype and array library)."""
    return numpy.eye(n, dtype=like.dtype, like=example_value(like))


def _diag(x):
    """The diagonals of a stack of square matrices, shape ``(..., n)``."""
    return _diagonals.diagonal(x, 0, -2, -1)


def _diagflat(v):
    """Diagonal matrices with the entries of ``v`` (``(..., n)`` to ``(..., n, n)``)."""
    return v[..., None, :] * _eye(v.shape[-1], v)


def _tr(x, y):
    """``tr(x @ y)`` over the last two axes, without forming the product."""
    return _sum(_T(x) * y, axis=(-2, -1))


def _inverse_gaps(w):
    """``F[i, j] = 1/(w[j] − w[i])``, and 0 where ``w[i] == w[j]`` (the diagonal)."""
    gaps = w[..., None, :] - w[..., :, None]
    same = concrete(gaps) == 0
    return where(same, 0.0, 1.0 / where(same, 1.0, gaps))


def _tril_mask(n, like, k=0):
    """1 on and below diagonal ``k``, 0 above."""
    return numpy.tri(n, n, k, dtype=like.dtype, like=example_value(like))


def _assert_stacked_2d(*arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(
                f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")


def _assert_stacked_square(*arrays):
    _assert_stacked_2d(*arrays)
    for a in arrays:
        if a.shape[-1] != a.shape[-2]:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def _assert_2d(*arrays):
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError(
                f"{a.ndim}-dimensional array given. Array must be two-dimensional")


def _as_array(a):
    return a if hasattr(a, "ndim") else asarray(a)
