"""Shape functions: linear maps that move entries around.

Each primitive is linear, so its forward rule is itself and its reverse rule is its
transpose: ``reshape`` back to the old shape, ``transpose`` by the inverse permutation,
``broadcast_to`` summed back. The rest of the family (``ravel``, ``expand_dims``,
``squeeze``, ``moveaxis``, ``flip``, ``tile``, ...) is built from these and indexing.
"""

from __future__ import annotations

import numpy as np

from nabla.core import concrete, implements, linear
from nabla.core.fit import sum_to_shape
from nabla.numpy._api import composite, constant, has_tracer, normalize_axis

__all__ = [
    "reshape",
    "transpose",
    "broadcast_to",
    "ravel",
    "expand_dims",
    "squeeze",
    "astype",
    "swapaxes",
    "moveaxis",
    "permute_dims",
    "matrix_transpose",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_arrays",
    "meshgrid",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "tile",
    "repeat",
    "rollaxis",
]

_reshape = linear(np.reshape, lambda g, ans, x, shape: _reshape(g, shape=x.shape))
_transpose = linear(
    np.transpose, lambda g, ans, x, axes: _transpose(g, axes=tuple(np.argsort(axes)))
)
_broadcast_to = linear(np.broadcast_to, lambda g, ans, x, shape: sum_to_shape(g, x.shape))


def _after_batch(axes):
    """Axes of a logical array, as axes of its batched data (the batch axis comes first)."""
    return tuple(a + 1 for a in axes)


def _batch_broadcast_to(values, batched, shape):
    (x,) = values
    size, logical = x.shape[0], x.shape[1:]
    x = _reshape(x, shape=(size,) + (1,) * (len(shape) - len(logical)) + logical)
    return _broadcast_to(x, shape=(size,) + shape)


_reshape.batch = lambda values, batched, shape: _reshape(
    values[0], shape=values[0].shape[:1] + shape)
_transpose.batch = lambda values, batched, axes: _transpose(
    values[0], axes=(0,) + _after_batch(axes))
_broadcast_to.batch = _batch_broadcast_to


@implements(np.reshape)
def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """``a`` with a new shape (``-1`` infers one axis). Only C order is supported."""
    shape = newshape if shape is None else shape
    if order != "C":
        raise ValueError(f"nabla.numpy.reshape supports order='C' only, got {order!r}")
    if not has_tracer((a,)):
        return np.reshape(a, shape)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if -1 in shape:
        known = -int(np.prod(shape))
        shape = tuple(a.size // known if n == -1 else n for n in shape)
    return _reshape(a, shape=shape)


@implements(np.transpose)
def transpose(a, axes=None):
    """Axes of ``a`` permuted (reversed when ``axes`` is None)."""
    if not has_tracer((a,)):
        return np.transpose(a, axes)
    axes = tuple(reversed(range(a.ndim))) if axes is None else tuple(x % a.ndim for x in axes)
    return _transpose(a, axes=axes)


@implements(np.broadcast_to)
def broadcast_to(array, shape, subok=False):
    """``array`` broadcast to ``shape`` (a read-only view in NumPy)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _broadcast_to(array, shape=shape)


@composite(np.ravel)
def ravel(a, order="C"):
    return reshape(a, (-1,), order)


@composite(np.expand_dims)
def expand_dims(a, axis):
    axes = normalize_axis(axis, a.ndim + (1 if isinstance(axis, int) else len(axis)))
    shape = list(a.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return reshape(a, shape)


@composite(np.squeeze)
def squeeze(a, axis=None):
    if axis is None:
        axes = tuple(i for i, n in enumerate(a.shape) if n == 1)
    else:
        axes = normalize_axis(axis, a.ndim)
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not "
                                 "equal to one")
    return reshape(a, [n for i, n in enumerate(a.shape) if i not in axes])


def _astype_vjp(g, ans, x, dtype):
    return _astype(g, dtype=x.dtype)


_astype = linear(lambda x, dtype: x.astype(dtype), _astype_vjp, name="astype")
_astype.batch = lambda values, batched, dtype: _astype(values[0], dtype=dtype)


@implements(np.astype)
def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``; a cast to an integer or boolean type has no derivative."""
    dtype = np.dtype(dtype)
    if not has_tracer((x,)):
        return x.astype(dtype)
    if not np.issubdtype(dtype, np.inexact):
        return constant(np.astype, x, dtype)
    return _astype(x, dtype=dtype)



@composite(np.swapaxes)
def swapaxes(a, axis1, axis2):
    """``a`` with two axes interchanged."""
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, axes)


@composite(np.moveaxis)
def moveaxis(a, source, destination):
    """``a`` with axes moved to new positions, the others keeping their order."""
    source = normalize_axis(source, a.ndim) if isinstance(source, int) else [
        s % a.ndim for s in source]
    destination = [destination] if isinstance(destination, int) else list(destination)
    source = list(source)
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip([d % a.ndim for d in destination], source)):
        order.insert(dest, src)
    return transpose(a, order)


permute_dims = implements(np.permute_dims)(transpose)


@composite(np.matrix_transpose)
def matrix_transpose(x, /):
    """The last two axes swapped: the transpose of each matrix in a stack."""
    return swapaxes(x, -1, -2)


def _at_least(ndim, where):
    def promote(*arys):
        out = []
        for a in arys:
            a = a if hasattr(a, "ndim") else np.asarray(a)
            if a.ndim < ndim:
                shape = {1: (1,), 2: (1, 1), 3: (1, 1, 1)}[ndim] if a.ndim == 0 else where(a.shape)
                a = reshape(a, shape)
            out.append(a)
        return out[0] if len(out) == 1 else tuple(out)

    return promote


atleast_1d = composite(np.atleast_1d)(_at_least(1, lambda s: s))
atleast_2d = composite(np.atleast_2d)(_at_least(2, lambda s: (1,) + s))
# NumPy's rule: (N,) becomes (1, N, 1), (M, N) becomes (M, N, 1)
atleast_3d = composite(np.atleast_3d)(_at_least(3, lambda s: (1,) + s + (1,) if len(s) == 1
                                                else s + (1,)))


@composite(np.broadcast_arrays)
def broadcast_arrays(*args, subok=False):
    """The arguments broadcast against each other (views in NumPy)."""
    shape = np.broadcast_shapes(*(np.shape(concrete(a)) for a in args))
    return tuple(broadcast_to(a, shape) for a in args)


@composite(np.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors (``indexing='xy'`` or ``'ij'``)."""
    n = len(xi)
    out = []
    for i, x in enumerate(xi):
        shape = [1] * n
        shape[i] = -1
        if indexing == "xy" and n > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(reshape(x, shape))
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


@composite(np.flip)
def flip(m, axis=None):
    """The order of entries reversed along ``axis`` (all axes when None)."""
    axes = normalize_axis(axis, m.ndim)
    return m[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))]


@composite(np.fliplr)
def fliplr(m):
    """Columns in reverse order."""
    return flip(m, 1)


@composite(np.flipud)
def flipud(m):
    """Rows in reverse order."""
    return flip(m, 0)


@composite(np.roll)
def roll(a, shift, axis=None):
    """Entries shifted cyclically along ``axis`` (of the flattened array when None)."""
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    shifts = (shift,) * (1 if isinstance(axis, int) else len(axis)) if isinstance(
        shift, int) else tuple(shift)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for s, ax in zip(shifts, axes):
        ax = normalize_axis(ax, a.ndim)[0]
        order = np.roll(np.arange(a.shape[ax]), s)
        a = a[(slice(None),) * ax + (order,)]
    return a


@composite(np.rot90)
def rot90(m, k=1, axes=(0, 1)):
    """``m`` rotated by 90° ``k`` times in the plane of ``axes``."""
    k %= 4
    a0, a1 = axes
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    order = list(range(m.ndim))
    order[a0], order[a1] = order[a1], order[a0]
    return transpose(flip(m, a1), order) if k == 1 else flip(transpose(m, order), a1)


@composite(np.tile)
def tile(A, reps):
    """``A`` repeated ``reps`` times along each axis: a broadcast, then a reshape."""
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    ndim = max(A.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    A = reshape(A, (1,) * (ndim - A.ndim) + A.shape)
    spread = broadcast_to(reshape(A, tuple(x for n in A.shape for x in (1, n))),
                          tuple(x for r, n in zip(reps, A.shape) for x in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, A.shape)))


@composite(np.repeat)
def repeat(a, repeats, axis=None):
    """Each entry repeated ``repeats`` times along ``axis`` (flattened when None)."""
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, a.ndim)[0]
    order = np.repeat(np.arange(a.shape[axis]), repeats)
    return a[(slice(None),) * axis + (order,)]


@composite(np.rollaxis)
def rollaxis(a, axis, start=0):
    """``axis`` moved to the position before ``start`` (``moveaxis`` is the clearer name)."""
    axis = normalize_axis(axis, a.ndim)[0]
    start = start % (a.ndim + 1) if start < 0 else start
    return moveaxis(a, axis, start - 1 if start > axis else start)
