"""Norms and what is measured with them: ``norm``, ``vector_norm``, ``matrix_norm``, ``cond``,
``matrix_rank``; composed of differentiable parts."""

from __future__ import annotations

import operator

import numpy
from numpy.linalg import LinAlgError

from nabla.core import concrete
from nabla.numpy._api import composite, nondifferentiable
from nabla.numpy.elementwise import absolute, sqrt
from nabla.numpy.linalg._algebra import (
    _as_array,
    _assert_stacked_2d,
    _assert_stacked_square,
)
from nabla.numpy.linalg.decompositions import svdvals
from nabla.numpy.linalg.inverses import inv
from nabla.numpy.reductions import max as _max
from nabla.numpy.reductions import min as _min
from nabla.numpy.reductions import sum as _sum
from nabla.numpy.shape import moveaxis, reshape


def _vector_norm(x, ord, axis, keepdims):
    if ord == numpy.inf:
        return _max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -numpy.inf:
        return _min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of nonzero entries: piecewise constant
        plain = concrete(x)
        return numpy.sum(plain != 0, axis=axis, keepdims=keepdims).astype(plain.dtype)
    if ord == 1:
        return _sum(absolute(x), axis=axis, keepdims=keepdims)
    if ord is None or ord == 2:
        return sqrt(_sum(x * x, axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    return _sum(absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, row, col):
    if ord in (2, -2, "nuc"):
        s = svdvals(moveaxis(x, (row, col), (-2, -1)))
        return s[..., 0] if ord == 2 else s[..., -1] if ord == -2 else _sum(s, axis=-1)
    if ord in (1, -1):
        best = _max if ord == 1 else _min
        return best(_sum(absolute(x), axis=row), axis=col - 1 if col > row else col)
    if ord in (numpy.inf, -numpy.inf):
        best = _max if ord == numpy.inf else _min
        return best(_sum(absolute(x), axis=col), axis=row - 1 if row > col else row)
    if ord in (None, "fro", "f"):
        return sqrt(_sum(x * x, axis=(row, col)))
    raise ValueError("Invalid norm order for matrices.")


@composite(numpy.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms, as ``numpy.linalg.norm``, composed of differentiable parts.

    Vectors (one axis): ``None``/2 ``√Σx²``, 1 ``Σ|x|``, ``inf`` ``max|x|``, ``-inf``
    ``min|x|``, 0 (the count of nonzeros, no derivative), other p ``(Σ|x|ᵖ)^(1/p)``.
    Matrices (two axes): ``'fro'`` ``√Σx²``, ``'nuc'`` ``Σ sᵢ``, 2 / −2 largest / smallest
    singular value, 1 / −1 max / min column sum of ``|x|``, ``inf`` / ``-inf`` max / min
    row sum. Conventions: ``|x|' = sign x`` (0 at 0), ties of max/min share the derivative,
    and the 2-norm at ``x = 0`` has a NaN gradient (``√`` at 0), as in JAX.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> x = numpy.array([3.0, 4.0])
    >>> float(linalg.norm(x))
    5.0
    >>> nabla.grad(linalg.norm)(x)  # x / ‖x‖
    array([0.6, 0.8])
    """
    x = _as_array(x)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            r = sqrt(_sum(x * x))
            return reshape(r, (1,) * nd) if keepdims else r
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) != 2:
        raise ValueError("Improper number of dimensions to norm.")
    row, col = (_normalize_axis(a, nd) for a in axis)
    if row == col:
        raise ValueError("Duplicate axes given.")
    r = _matrix_norm(x, ord, row, col)
    if keepdims:
        shape = list(x.shape)
        shape[row] = shape[col] = 1
        r = reshape(r, shape)
    return r


def _normalize_axis(a, nd):
    if not -nd <= a < nd:
        raise numpy.exceptions.AxisError(a, nd)
    return a % nd


@composite(numpy.linalg.vector_norm)
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The vector norm of ``x`` over ``axis`` (all axes, or a tuple of them, flattened);
    see :func:`norm` for the orders."""
    x = _as_array(x)
    shape = list(x.shape)
    if axis is None:
        y, along = reshape(x, (-1,)), 0
    elif isinstance(axis, tuple):
        axes = [_normalize_axis(a, x.ndim) for a in axis]
        rest = [i for i in range(x.ndim) if i not in axes]
        y = reshape(moveaxis(x, axes, list(range(len(axes)))),
                    (-1, *[x.shape[i] for i in rest]))
        along = 0
    else:
        y, along = x, axis
    r = norm(y, ord=ord, axis=along)
    if keepdims:
        axes = range(len(shape)) if axis is None else (
            axis if isinstance(axis, tuple) else (axis,))
        for i in axes:
            shape[_normalize_axis(i, len(shape))] = 1
        r = reshape(r, shape)
    return r


@composite(numpy.linalg.matrix_norm)
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """The matrix norm over the last two axes; see :func:`norm` for the orders."""
    return norm(x, axis=(-2, -1), keepdims=keepdims, ord=ord)


@composite(numpy.linalg.cond)
def cond(x, p=None):
    """The condition number: ``s_max/s_min`` (``p`` None or 2; −2 the reciprocal), else
    ``norm(x, p)·norm(inv(x), p)``. Traced, a singular ``x`` raises ``LinAlgError`` where
    NumPy would return ``inf``.

    >>> import numpy
    >>> from nabla.numpy import linalg
    >>> float(linalg.cond(numpy.diag([4.0, 2.0])))
    2.0
    """
    _assert_stacked_2d(x)
    if x.size == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in (2, -2):
        s = svdvals(x)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    _assert_stacked_square(x)
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


matrix_rank = nondifferentiable(numpy.linalg.matrix_rank)
