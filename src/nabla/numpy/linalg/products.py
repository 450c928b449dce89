"""``numpy.linalg``'s products and array-API functions (``multi_dot``, ``matmul``,
``matrix_transpose``, ``outer``, ``vecdot``, ``tensordot``, ``cross``, ``diagonal``,
``trace``): NumPy's checks around ``nabla.numpy``'s own rules."""

from __future__ import annotations

import numpy

from nabla.core import implements
from nabla.numpy import diagonals as _diagonals
from nabla.numpy import products as _products
from nabla.numpy._api import composite, refuse_unsupported
from nabla.numpy.linalg._algebra import _T, _as_array, _assert_2d
from nabla.numpy.products import matmul


@composite(numpy.linalg.multi_dot)
def multi_dot(arrays, *, out=None):
    """The product of a chain of matrices, multiplied in the cheapest order (the first
    may be a row vector and the last a column vector, as in NumPy); ``matmul`` rules."""
    refuse_unsupported("multi_dot", out=out)
    arrays = [_as_array(a) for a in arrays]
    k = len(arrays)
    if k < 2:
        raise ValueError("Expecting at least two arrays.")
    first, last = arrays[0].ndim, arrays[-1].ndim
    if first == 1:
        arrays[0] = arrays[0][None, :]
    if last == 1:
        arrays[-1] = arrays[-1][:, None]
    _assert_2d(*arrays)
    dims = [arrays[0].shape[0]] + [a.shape[1] for a in arrays]
    # cost[i][j]: fewest multiplications for arrays i..j; split[i][j]: where to split
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1], s)
                for s in range(i, j))

    def product(i, j):
        if i == j:
            return arrays[i]
        s = split[i][j]
        return matmul(product(i, s), product(s + 1, j))

    result = product(0, k - 1)
    if first == 1 and last == 1:
        return result[0, 0]
    if first == 1:
        return result[0]
    if last == 1:
        return result[:, 0]
    return result


implements(numpy.linalg.matmul)(matmul)


@composite(numpy.linalg.matrix_transpose)
def matrix_transpose(x, /):
    """The transpose of the last two axes (a linear map: its own rules)."""
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return _T(x)


@composite(numpy.linalg.outer)
def outer(x1, x2, /):
    """The outer product ``x1 x2ᵀ`` of two vectors."""
    x1, x2 = _as_array(x1), _as_array(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={x1.ndim} and x2.ndim={x2.ndim}.")
    return _products.outer(x1, x2)


@composite(numpy.linalg.vecdot)
def vecdot(x1, x2, /, *, axis=-1):
    """``Σ x1·x2`` along ``axis`` (broadcasting the other axes)."""
    return _products.vecdot(x1, x2, axis=axis)


@composite(numpy.linalg.tensordot)
def tensordot(x1, x2, /, *, axes=2):
    """``Σ`` over the paired ``axes`` of ``x1`` and ``x2`` (``numpy.tensordot``)."""
    return _products.tensordot(x1, x2, axes)


@composite(numpy.linalg.cross)
def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along ``axis``."""
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(
            "Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
            f"{x1.shape[axis]} and {x2.shape[axis]} dimensional instead.")
    return _products.cross(x1, x2, axis=axis)


def _assert_matrices(x):
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")


@composite(numpy.linalg.diagonal)
def diagonal(x, /, *, offset=0):
    """The ``offset`` diagonal of each matrix (last two axes), picked by indexing."""
    _assert_matrices(x)
    return _diagonals.diagonal(x, offset, -2, -1)


@composite(numpy.linalg.trace)
def trace(x, /, *, offset=0, dtype=None):
    """The sum of the ``offset`` diagonal of each matrix (last two axes)."""
    _assert_matrices(x)
    return _diagonals.trace(x, offset, -2, -1, dtype)
