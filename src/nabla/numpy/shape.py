"""Shape functions: linear maps that move entries around.

Each primitive is linear, so its forward rule is itself and its reverse rule is its
transpose: ``reshape`` back to the old shape, ``transpose`` by the inverse permutation,
``broadcast_to`` summed back, ``concatenate`` cut back into pieces. The rest of the
family (``ravel``, ``expand_dims``, ``squeeze``, ``stack``) is built from these.
"""

from __future__ import annotations

import builtins

import numpy as np

from nabla.core import concrete, implements, linear, variadic
from nabla.core.fit import sum_to_shape
from nabla.numpy._api import composite, has_tracer, normalize_axis

__all__ = [
    "reshape",
    "transpose",
    "broadcast_to",
    "ravel",
    "expand_dims",
    "squeeze",
    "concatenate",
    "stack",
    "astype",
    "swapaxes",
    "moveaxis",
]

_reshape = linear(np.reshape, lambda g, ans, x, shape: _reshape(g, shape=x.shape))
_transpose = linear(
    np.transpose, lambda g, ans, x, axes: _transpose(g, axes=tuple(np.argsort(axes)))
)
_broadcast_to = linear(np.broadcast_to, lambda g, ans, x, shape: sum_to_shape(g, x.shape))


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


def _concatenate_vjp(argnum, g, ans, *arrays, axis):
    start = builtins.sum(arrays[i].shape[axis] for i in range(argnum))
    index = (slice(None),) * axis + (slice(start, start + arrays[argnum].shape[axis]),)
    return g[index]


def _concatenate_jvp(arrays, tangents, ans, axis):
    tangents = [np.zeros_like(a) if t is None else t for a, t in zip(arrays, tangents)]
    return _concatenate(*tangents, axis=axis)


_concatenate = variadic(
    "concatenate", lambda *arrays, axis: np.concatenate(arrays, axis=axis),
    _concatenate_vjp, _concatenate_jvp,
)


@composite(np.concatenate)
def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """The arrays joined along an existing ``axis``."""
    arrays = [a if hasattr(a, "ndim") else np.asarray(a) for a in arrays]
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    axis = normalize_axis(axis, arrays[0].ndim)[0]
    return _concatenate(*arrays, axis=axis)


@composite(np.stack)
def stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """The arrays joined along a new ``axis``."""
    arrays = [a if hasattr(a, "ndim") else np.asarray(a) for a in arrays]
    axis = normalize_axis(axis, arrays[0].ndim + 1)[0]
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


def _astype_vjp(g, ans, x, dtype):
    return _astype(g, dtype=x.dtype)


_astype = linear(lambda x, dtype: x.astype(dtype), _astype_vjp, name="astype")


@implements(np.astype)
def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``; a cast to an integer or boolean type has no derivative."""
    dtype = np.dtype(dtype)
    if not has_tracer((x,)):
        return x.astype(dtype)
    if not np.issubdtype(dtype, np.inexact):
        return concrete(x).astype(dtype)
    return _astype(x, dtype=dtype)



@composite(np.swapaxes)
def swapaxes(a, axis1, axis2):
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, axes)


@composite(np.moveaxis)
def moveaxis(a, source, destination):
    source = normalize_axis(source, a.ndim) if isinstance(source, int) else [
        s % a.ndim for s in source]
    destination = [destination] if isinstance(destination, int) else list(destination)
    source = list(source)
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip([d % a.ndim for d in destination], source)):
        order.insert(dest, src)
    return transpose(a, order)
