"""Indexing, ``x[index]``: a linear map whose transpose scatters back with addition.

Reading ``x[index]`` picks entries; its reverse rule puts each cotangent back where its
entry came from, in an array of zeros shaped like ``x``. With integer-array indices an
entry can be picked twice (``x[[0, 0]]``), so the scatter adds (``np.add.at``), and both
picks contribute to the derivative.
"""

from __future__ import annotations

import operator

import numpy as np

from nabla.core import Tracer, concrete, example_value, implements, is_staged, linear, variadic
from nabla.numpy._api import as_index, composite, normalize_axis, refuse_unsupported
from nabla.numpy.elementwise import maximum, minimum, where
from nabla.numpy.shape import broadcast_to, ravel

__all__ = ["take", "take_along_axis", "compress", "extract", "select", "bincount"]


def _is_basic(index) -> bool:
    """Whether ``index`` uses only ints, slices, ``...`` and ``None`` (no entry twice)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


def _normalize_index(index):
    """Plain, hashable-enough index: lists become arrays, tracers are refused (staged index
    arrays inside ``jit`` are taken at their staged level, see :func:`getitem`)."""
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for p in parts:
        if isinstance(p, Tracer) and is_staged(p):
            p = concrete(p)  # inside jit: an index array known when the program runs
        elif isinstance(p, Tracer):
            raise TypeError(
                "an index must be a plain integer, slice or integer/boolean array, not a "
                "traced value; compute indices without differentiating them (e.g. with "
                "np.argmax on nabla.stop_gradient(x))."
            )
        if isinstance(p, list):
            p = np.asarray(p)
        if isinstance(p, slice):  # its bounds fix the result's shape: they must be known
            for bound in (p.start, p.stop, p.step):
                if isinstance(bound, Tracer):
                    operator.index(bound)
        out.append(p)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _scatter_add_impl(g, index, shape):
    z = np.zeros_like(g, shape=shape)
    if _is_basic(index):
        z[index] = g
    else:
        np.add.at(z, index, g)
    return z


_getitem = linear(
    lambda x, index: x[index],
    lambda g, ans, x, index: _scatter_add(g, index=index, shape=x.shape),
    name="getitem",
)
_scatter_add = linear(
    _scatter_add_impl,
    lambda g, ans, v, index, shape: _getitem(g, index=index),
    name="scatter_add",
)


def _batched_index(index):
    """``index`` for the batched data (batch axis first), or None when NumPy would move the
    batch axis (advanced indices separated by a slice go to the front)."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = any(isinstance(p, np.ndarray) for p in parts)
    # with index arrays present, integers are advanced indices too
    advanced = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray)
                or (arrays and isinstance(p, (int, np.integer)))]
    if advanced and advanced[-1] - advanced[0] + 1 != len(advanced):
        return None
    return (slice(None),) + parts


def _batch_getitem(values, batched, index):
    index = _batched_index(index)
    return None if index is None else _getitem(values[0], index=index)


def _batch_scatter_add(values, batched, index, shape):
    index = _batched_index(index)
    if index is None:
        return None
    return _scatter_add(values[0], index=index, shape=values[0].shape[:1] + shape)


_getitem.batch = _batch_getitem
_scatter_add.batch = _batch_scatter_add


# x[index] where index arrays are staged by jit (known only when the program runs): the
# arrays are inputs of the primitive, and the index is a template with holes for them.
_HOLE = object()


def _fill(template, arrays):
    it = iter(arrays)
    return tuple(next(it) if p is _HOLE else p for p in template)


def _gather_vjp(argnum, g, ans, x, *arrays, template):
    return _scatter(g, *arrays, template=template, shape=x.shape)


def _scatter_impl(g, *arrays, template, shape):
    return _scatter_add_impl(g, _fill(template, arrays), shape)


_gather = variadic("gather", lambda x, *arrays, template: x[_fill(template, arrays)],
                   _gather_vjp, lambda args, tangents, ans, template:
                   _gather(tangents[0], *args[1:], template=template))
_scatter = variadic("scatter_add", _scatter_impl,
                    lambda argnum, g, ans, v, *arrays, template, shape:
                    _gather(g, *arrays, template=template),
                    lambda args, tangents, ans, template, shape:
                    _scatter(tangents[0], *args[1:], template=template, shape=shape))


def _staged_parts(index):
    """``(template, staged index arrays)`` of an index with staged parts, else ``None``."""
    parts = index if isinstance(index, tuple) else (index,)
    staged = [p for p in parts if isinstance(p, Tracer)]
    if not staged:
        return None
    return tuple(_HOLE if isinstance(p, Tracer) else p for p in parts), staged


def _scatter_at(values, index, shape):
    """``values`` added at ``index`` into zeros of ``shape``."""
    split = _staged_parts(index)
    if split is None:
        return _scatter_add(values, index=index, shape=shape)
    template, staged = split
    return _scatter(values, *staged, template=template, shape=shape)


@implements(operator.getitem)
def getitem(x, index):
    """``x[index]``, differentiable in ``x``."""
    index = _normalize_index(index)
    split = _staged_parts(index)
    if split is None:
        return _getitem(x, index=index)
    template, staged = split
    return _gather(x, *staged, template=template)


@composite(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """Entries of ``a`` at ``indices`` along ``axis`` (of the flattened array when None)."""
    refuse_unsupported("take", out=out)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, a.ndim)[0]
    indices = as_index(indices)
    n = a.shape[axis]
    if mode == "wrap":
        indices = indices % n
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    return a[(slice(None),) * axis + (indices,)]


@composite(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    """``arr`` picked at ``indices`` along ``axis``, the other axes matched one to one (the
    companion of ``argsort``/``argmax`` with ``keepdims``)."""
    if axis is None:
        return ravel(arr)[as_index(indices)]
    axis = normalize_axis(axis, arr.ndim)[0]
    indices = as_index(indices)
    grid = np.ogrid[tuple(slice(n) for n in indices.shape)]
    index = tuple(indices if i == axis else np.broadcast_to(grid[i], indices.shape)
                  for i in range(arr.ndim))
    return arr[index]


@composite(np.compress)
def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` holds."""
    return take(a, np.nonzero(as_index(condition))[0], axis=axis, out=out)


@composite(np.extract)
def extract(condition, arr):
    """The entries of ``arr`` where ``condition`` holds, flattened."""
    return ravel(arr)[np.ravel(as_index(condition)).astype(bool)]


@composite(np.select)
def select(condlist, choicelist, default=0):
    """From the first choice whose condition holds, entry by entry; ``default`` elsewhere."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    result = default
    for condition, choice in zip(reversed(condlist), reversed(choicelist)):
        result = where(concrete(condition), choice, result)
    return result


@composite(np.bincount)
def bincount(x, /, weights=None, minlength=0):
    """Σ of ``weights`` per value of the non-negative integers ``x``; differentiable in the
    weights (each weight's derivative is the cotangent of its bin)."""
    x = as_index(x)
    if weights is None:
        return np.bincount(x, minlength=minlength)
    n = max(int(x.max(initial=-1)) + 1, minlength)
    return _scatter_add(weights, index=x, shape=(n,))


class _IndexedUpdate:
    """``at(x)[index]``: the updates of ``x`` at ``index``, each returning a new array."""

    __slots__ = ("x", "index")

    def __init__(self, x, index):
        self.x, self.index = x, _normalize_index(index)

    def _scattered(self, values):
        """``values``, broadcast to the shape of ``x[index]``, put at ``index`` in zeros."""
        target = np.shape(getitem(concrete(self.x), self.index))
        if np.shape(concrete(values)) != target:
            values = broadcast_to(values, target)
        return _scatter_at(values, self.index, np.shape(concrete(self.x)))

    def _placed(self, values, fill, what):
        """``values`` at ``index`` in an array shaped like ``x``, ``fill`` elsewhere; and
        the mask of the updated entries. Refuses indices that name an entry twice (inside
        ``jit``, where the indices are not known, it cannot: repeated entries add up)."""
        if _staged_parts(self.index) is not None:
            hits = _scatter_at(np.ones_like(example_value(self.x), dtype=np.intp,
                                            shape=np.shape(getitem(concrete(self.x),
                                                                   self.index))),
                               self.index, np.shape(concrete(self.x)))
            placed = self._scattered(values)
            mask = hits > 0
            return (placed if fill == 0 else where(mask, placed, fill)), mask
        hits = np.zeros_like(example_value(self.x), dtype=np.intp)
        np.add.at(hits, self.index, 1)
        if hits.max(initial=0) > 1:
            raise ValueError(
                f"at[...].{what} with an index that names the same entry more than once is "
                "ambiguous; use at[...].add, or remove the repeated indices"
            )
        placed = self._scattered(values)
        mask = hits.astype(bool)
        return (placed if fill == 0 else where(mask, placed, fill)), mask

    def get(self):
        """``x[index]``."""
        return getitem(self.x, self.index)

    def set(self, values):
        """``x`` with ``x[index] = values``: derivative 0 for the replaced entries of ``x``."""
        placed, mask = self._placed(values, 0, "set")
        return where(mask, placed, self.x)

    def add(self, values):
        """``x`` with ``values`` added at ``index``; repeated indices add up (``np.add.at``)."""
        return self.x + self._scattered(values)

    def multiply(self, values):
        """``x`` with ``x[index]`` multiplied by ``values``."""
        return self.x * self._placed(values, 1.0, "multiply")[0]

    def divide(self, values):
        """``x`` with ``x[index]`` divided by ``values``."""
        return self.x / self._placed(values, 1.0, "divide")[0]

    def min(self, values):
        """``x`` with ``x[index]`` replaced by ``minimum(x[index], values)``."""
        placed, mask = self._placed(values, 0, "min")
        return where(mask, minimum(self.x, placed), self.x)

    def max(self, values):
        """``x`` with ``x[index]`` replaced by ``maximum(x[index], values)``."""
        placed, mask = self._placed(values, 0, "max")
        return where(mask, maximum(self.x, placed), self.x)


class at:  # noqa: N801 - named like JAX's ``x.at``
    """Functional updates: ``at(x)[index].set(v)``, ``.add(v)``, ``.multiply(v)``, ...

    Traced arrays cannot be changed in place (``x[i] = v`` would lose the derivative),
    so an update returns a new array, as in JAX's ``x.at[i].set(v)``. Plain arrays are
    not modified either.

    >>> import numpy
    >>> import nabla
    >>> x = numpy.zeros(4)
    >>> nabla.at(x)[1:3].set(5.0), x
    (array([0., 5., 5., 0.]), array([0., 0., 0., 0.]))
    >>> nabla.at(x)[[0, 0, 2]].add(1.0)
    array([2., 0., 1., 0.])
    >>> nabla.grad(lambda v: nabla.numpy.sum(nabla.at(x)[[0, 2]].set(v) ** 2))(3.0)
    np.float64(12.0)
    """

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, index):
        return _IndexedUpdate(self.x, index)
