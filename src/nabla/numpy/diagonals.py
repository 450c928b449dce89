"""Diagonals and triangles of matrices: picks and masks, so linear and built on indexing.

``diagonal`` picks entries with integer indices (its transpose puts the cotangent back on
the diagonal of zeros); ``diag`` of a vector scatters it onto a diagonal; ``tril``/``triu``
multiply by a fixed 0/1 mask, so their derivative is the same mask.
"""

from __future__ import annotations

import numpy as np

from nabla.numpy._api import composite, normalize_axis
from nabla.numpy._backend import like_of
from nabla.numpy.elementwise import where
from nabla.numpy.indexing import _scatter_add
from nabla.numpy.reductions import sum
from nabla.numpy.shape import moveaxis, ravel

__all__ = ["diagonal", "diag", "diagflat", "trace", "tril", "triu"]


def _diagonal_indices(n_rows, n_cols, offset):
    rows = np.arange(max(0, -offset), min(n_rows, n_cols - offset))
    return rows, rows + offset


@composite(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The entries a[..., i, i + offset], as the last axis (NumPy's layout)."""
    axis1, axis2 = (normalize_axis(ax, a.ndim)[0] for ax in (axis1, axis2))
    moved = moveaxis(a, (axis1, axis2), (-2, -1))
    rows, cols = _diagonal_indices(moved.shape[-2], moved.shape[-1], offset)
    return moved[..., rows, cols]


@composite(np.diag)
def diag(v, k=0):
    """The ``k``-th diagonal of a matrix, or a square matrix with ``v`` on that diagonal."""
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = v.shape[0] + abs(k)
    rows, cols = _diagonal_indices(n, n, k)
    return _scatter_add(v, index=(rows, cols), shape=(n, n))


@composite(np.diagflat)
def diagflat(v, k=0):
    """A square matrix with the flattened ``v`` on its ``k``-th diagonal."""
    return diag(ravel(v), k)


@composite(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Σᵢ a[i, i + offset]: the sum of a diagonal; its derivative is the identity pattern."""
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype, out=out)


def _triangle(m, k, lower):
    n, p = m.shape[-2:]
    like = like_of(m)  # the mask is made on the data's backend
    mask = np.tri(n, p, k, dtype=bool, **like) if lower else ~np.tri(n, p, k - 1, dtype=bool,
                                                                     **like)
    return where(mask, m, 0.0)


@composite(np.tril)
def tril(m, k=0):
    """The lower triangle of (each matrix in) ``m``: entries above diagonal ``k`` set to 0."""
    return _triangle(m, k, lower=True)


@composite(np.triu)
def triu(m, k=0):
    """The upper triangle of (each matrix in) ``m``: entries below diagonal ``k`` set to 0."""
    return _triangle(m, k, lower=False)
