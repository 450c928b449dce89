"""Joining and cutting arrays.

``concatenate`` is the primitive: it is linear, and its transpose cuts the cotangent back
into the pieces it was made from. Stacking, splitting and padding are built from it, from
reshapes, and from indexing (whose transpose scatters back, adding).
"""

from __future__ import annotations

import builtins

import numpy as np

from nabla.core import concrete, materialize, variadic
from nabla.numpy._api import composite, normalize_axis
from nabla.numpy._backend import array_like, data_like, first_array
from nabla.numpy.shape import atleast_1d, atleast_2d, atleast_3d, expand_dims, ravel, reshape

__all__ = [
    "concatenate",
    "concat",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "column_stack",
    "block",
    "append",
    "split",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "unstack",
    "pad",
    "delete",
    "insert",
]


def _concatenate_vjp(argnum, g, ans, *arrays, axis):
    start = builtins.sum(arrays[i].shape[axis] for i in range(argnum))
    return g[(slice(None),) * axis + (slice(start, start + arrays[argnum].shape[axis]),)]


def _concatenate_jvp(arrays, tangents, ans, axis):
    tangents = [np.zeros_like(a) if t is None else t for a, t in zip(arrays, tangents)]
    return _concatenate(*tangents, axis=axis)


_concatenate = variadic(
    "concatenate", lambda *arrays, axis: np.concatenate(arrays, axis=axis),
    _concatenate_vjp, _concatenate_jvp,
)


def _batch_concatenate(values, batched, axis):
    size = next(v.shape[0] for v, b in zip(values, batched) if b)
    return _concatenate(*(materialize(v, b, size) for v, b in zip(values, batched)),
                        axis=axis + 1)


_concatenate.batch = _batch_concatenate


def _arrays(arrays):
    """The pieces as arrays: numbers and lists join the backend of the array pieces."""
    like = first_array(arrays)
    return [array_like(a, like) for a in arrays]


@composite(np.concatenate)
def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """The arrays joined along an existing ``axis`` (flattened first when None)."""
    arrays = _arrays(arrays)
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    axis = normalize_axis(axis, arrays[0].ndim)[0]
    return _concatenate(*arrays, axis=axis)


concat = composite(np.concat)(concatenate)


@composite(np.stack)
def stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """The arrays joined along a new ``axis``."""
    arrays = _arrays(arrays)
    axis = normalize_axis(axis, arrays[0].ndim + 1)[0]
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


@composite(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    """Joined horizontally: along axis 1, or axis 0 for 1-D arrays."""
    arrays = [atleast_1d(a) for a in _arrays(tup)]
    return concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


@composite(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    """Joined vertically: 1-D arrays become rows."""
    return concatenate([atleast_2d(a) for a in _arrays(tup)], axis=0)


@composite(np.dstack)
def dstack(tup):
    """Joined along the third axis."""
    return concatenate([atleast_3d(a) for a in _arrays(tup)], axis=2)


@composite(np.column_stack)
def column_stack(tup):
    """1-D arrays as columns of a 2-D array; 2-D arrays joined along axis 1."""
    arrays = [reshape(a, (-1, 1)) if a.ndim < 2 else a for a in _arrays(tup)]
    return concatenate(arrays, axis=1)


@composite(np.block)
def block(arrays):
    """An array assembled from nested lists of blocks (the innermost joined last axis)."""
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) else 0

    levels = depth(arrays)
    like = first_array(arrays)

    def assemble(x, level):
        if not isinstance(x, list):
            x = array_like(x, like)
            return reshape(x, (1,) * (levels - x.ndim) + x.shape) if x.ndim < levels else x
        parts = [assemble(item, level + 1) for item in x]
        return concatenate(parts, axis=-(levels - level))

    return assemble(arrays, 0)


@composite(np.append)
def append(arr, values, axis=None):
    """``values`` added at the end of ``arr`` (both flattened when ``axis`` is None)."""
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


def _split_points(n, indices_or_sections, even):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        if even and n % sections:
            raise ValueError("array split does not result in an equal division")
        size, extra = divmod(n, sections)
        sizes = [size + 1] * extra + [size] * (sections - extra)
        return list(np.cumsum([0] + sizes))
    return [0, *indices_or_sections, n]


def _split(ary, indices_or_sections, axis, even):
    axis = normalize_axis(axis, ary.ndim)[0]
    points = _split_points(ary.shape[axis], indices_or_sections, even)
    return [ary[(slice(None),) * axis + (slice(start, stop),)]
            for start, stop in zip(points[:-1], points[1:])]


@composite(np.split)
def split(ary, indices_or_sections, axis=0):
    """Equal pieces (or pieces cut at the given indices) along ``axis``."""
    return _split(ary, indices_or_sections, axis, even=True)


@composite(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    """Like ``split``, allowing pieces of unequal size."""
    return _split(ary, indices_or_sections, axis, even=False)


@composite(np.hsplit)
def hsplit(ary, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-D arrays)."""
    return split(ary, indices_or_sections, axis=1 if ary.ndim > 1 else 0)


@composite(np.vsplit)
def vsplit(ary, indices_or_sections):
    """``split`` along axis 0."""
    return split(ary, indices_or_sections, axis=0)


@composite(np.dsplit)
def dsplit(ary, indices_or_sections):
    """``split`` along axis 2."""
    return split(ary, indices_or_sections, axis=2)


@composite(np.unstack)
def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple."""
    axis = normalize_axis(axis, x.ndim)[0]
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))


@composite(np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded along each axis.

    ``mode='constant'`` (with ``constant_values``) surrounds it with constants; the index
    modes (``'edge'``, ``'reflect'``, ``'symmetric'``, ``'wrap'``) pick existing entries,
    so their derivative adds up the cotangents of every copy of an entry.
    """
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (array.ndim, 2))
    if mode == "constant":
        value = kwargs.get("constant_values", 0)
        values = np.broadcast_to(np.asarray(value, dtype=concrete(array).dtype),
                                 (array.ndim, 2))
        for ax, ((before, after), (v_before, v_after)) in enumerate(zip(widths, values)):
            parts = []
            for width, v in ((before, v_before), (after, v_after)):
                shape = list(array.shape)
                shape[ax] = width
                parts.append(np.full_like(concrete(array), v, shape=shape))
            array = concatenate([parts[0], array, parts[1]], axis=ax)
        return array
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        raise ValueError(f"nabla.numpy.pad supports modes 'constant', 'edge', 'reflect', "
                         f"'symmetric' and 'wrap' on traced values, not {mode!r}")
    for ax, (before, after) in enumerate(widths):
        order = np.pad(np.arange(array.shape[ax]), (before, after), mode=mode, **kwargs)
        array = array[(slice(None),) * ax + (order,)]
    return array


@composite(np.delete)
def delete(arr, obj, axis=None):
    """``arr`` without the entries (or slices along ``axis``) named by ``obj``."""
    if axis is None:
        arr, axis = ravel(arr), 0
    axis = normalize_axis(axis, arr.ndim)[0]
    kept = np.delete(np.arange(arr.shape[axis]), obj)
    return arr[(slice(None),) * axis + (kept,)]


@composite(np.insert)
def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the index ``obj`` (an int) along ``axis``."""
    if axis is None:
        arr, axis = ravel(arr), 0
    axis = normalize_axis(axis, arr.ndim)[0]
    if not isinstance(obj, (int, np.integer)):
        raise TypeError("nabla.numpy.insert supports a single integer position on traced "
                        "values; insert pieces one at a time or use concatenate")
    position = int(obj) % (arr.shape[axis] + 1) if obj < 0 else int(obj)
    shape = list(arr.shape)
    shape[axis] = -1
    values = values if hasattr(values, "ndim") else data_like(values, arr, dtype=arr.dtype)
    if values.ndim < arr.ndim:
        target = list(arr.shape)
        target[axis] = 1
        values = np.broadcast_to(values, target) if values.ndim == 0 else reshape(
            values, tuple(1 if i == axis else n for i, n in enumerate(arr.shape)))
    before = arr[(slice(None),) * axis + (slice(None, position),)]
    after = arr[(slice(None),) * axis + (slice(position, None),)]
    return concatenate([before, values, after], axis=axis)
