"""Tracer values: arrays that remember which transform is watching them.

A :class:`Tracer` stands in for an array inside a transform. It behaves like an
``ndarray`` (operators, ``.shape``, ``.T``, indexing, methods such as ``.sum()``), and it
speaks NumPy's dispatch protocols, NEP 13 (``__array_ufunc__``) and NEP 18
(``__array_function__``), so ordinary ``import numpy as np`` code runs on it unchanged.
Every operation is routed through :mod:`nabla.core.registry` to a primitive, which hands
it to the tracer's trace.

Comparisons give plain boolean arrays (a comparison has no derivative, and plain
booleans keep ``if x > 0:`` working). Converting a tracer to a Python number or an
``ndarray`` is refused, because the derivative would be silently lost.
"""

from __future__ import annotations

import operator

import numpy as np

from nabla.core.registry import _table, lookup


def concrete(x):
    """The plain array under any number of tracer levels; inside ``jit``, the staged
    value under them (whose data is not known until the program runs)."""
    while isinstance(x, Tracer) and not x.staged:
        x = x.value
    return x


def example_value(x):
    """A plain array with the shape, dtype and backend of ``x``, whatever traces it is under
    (for a batch, its first member): what ``zeros_like``-style constructors need."""
    while isinstance(x, Tracer):
        if x.staged:
            return x.example
        x = x.batched[0] if hasattr(x, "batched") else x.value
    return x


def top_trace(args):
    """The trace of highest level among the tracers in ``args`` (``None`` if there are none)."""
    top = None
    for a in args:
        if isinstance(a, Tracer):
            t = a._trace
            if top is None or t.level > top.level:
                top = t
    return top


def _call(numpy_function):
    """A method that applies the nabla version of ``numpy_function`` to ``(self, *args)``."""

    def method(self, *args, **kwargs):
        return lookup(numpy_function)(self, *args, **kwargs)

    method.__name__ = getattr(numpy_function, "__name__", "method")
    return method


def _operator(numpy_function, reflected=False):
    """A binary operator method; the hottest path of all, so the table is read directly."""

    def method(self, other):
        try:
            f = _table[numpy_function]
        except KeyError:
            f = lookup(numpy_function)  # raises, naming the function
        return f(other, self) if reflected else f(self, other)

    return method


def _shape_args(args):
    # x.reshape(2, 3) and x.reshape((2, 3)) mean the same, as in NumPy.
    return args[0] if len(args) == 1 and not isinstance(args[0], int) else args


class Tracer:
    """Base class of the values traced by a transform. ``value`` is the primal value,
    itself an array or a tracer of a lower level."""

    __slots__ = ("_trace", "value")
    staged = False  # True for the placeholders of jit (nabla.core.staging)
    __array_priority__ = 100.0
    __hash__ = None  # like ndarray: mutable-looking, so not hashable

    # --- what an array is -------------------------------------------------------------
    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    def __len__(self):
        return len(self.value)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"{type(self).__name__}(level={self._trace.level}, value={concrete(self)!r})"

    # --- refused conversions ------------------------------------------------------------
    def _refuse(self, what):
        raise TypeError(
            f"cannot convert a traced value to {what}: its derivative would be lost. "
            "Keep it as an array (use nabla.numpy functions), or, if you only need the "
            "number, use nabla.stop_gradient(x) first."
        )

    def __array__(self, dtype=None, copy=None):
        self._refuse("a NumPy array (np.asarray, or storing it into an ndarray with a[i] = x)")

    def __float__(self):
        self._refuse("a Python float")

    def __int__(self):
        self._refuse("a Python int")

    def __complex__(self):
        self._refuse("a Python complex")

    def __index__(self):
        self._refuse("an index")

    def __bool__(self):
        # Truth of a value is a decision, not a quantity: it has no derivative to lose.
        return bool(concrete(self))

    def __setitem__(self, index, value):
        raise TypeError(
            "a traced array cannot be changed in place (x[i] = v). Build a new array "
            "instead: nabla.at(x)[i].set(v), np.where(mask, v, x) or np.concatenate."
        )

    # --- NumPy dispatch (NEP 13 and NEP 18) ----------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            raise TypeError(
                f"nabla has no derivative rule for numpy.{ufunc.__name__}.{method}; "
                f"use the corresponding function (e.g. np.sum for np.add.reduce)."
            )
        if kwargs:
            raise TypeError(
                f"numpy.{ufunc.__name__} on a traced value does not support the keyword "
                f"arguments {sorted(kwargs)}; write y = np.{ufunc.__name__}(x) instead."
            )
        return lookup(ufunc)(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        return lookup(func)(*args, **kwargs)

    # --- arithmetic --------------------------------------------------------------------
    __add__ = _operator(np.add)
    __radd__ = _operator(np.add, reflected=True)
    __sub__ = _operator(np.subtract)
    __rsub__ = _operator(np.subtract, reflected=True)
    __mul__ = _operator(np.multiply)
    __rmul__ = _operator(np.multiply, reflected=True)
    __truediv__ = _operator(np.divide)
    __rtruediv__ = _operator(np.divide, reflected=True)
    __pow__ = _operator(np.power)
    __rpow__ = _operator(np.power, reflected=True)
    __matmul__ = _operator(np.matmul)
    __rmatmul__ = _operator(np.matmul, reflected=True)
    __mod__ = _operator(np.remainder)
    __rmod__ = _operator(np.remainder, reflected=True)
    __neg__ = _call(np.negative)
    __pos__ = _call(np.positive)
    __abs__ = _call(np.absolute)

    # --- masks: &, |, ^, ~ on the boolean results of comparisons -------------------------
    __and__ = _operator(np.bitwise_and)
    __rand__ = _operator(np.bitwise_and, reflected=True)
    __or__ = _operator(np.bitwise_or)
    __ror__ = _operator(np.bitwise_or, reflected=True)
    __xor__ = _operator(np.bitwise_xor)
    __rxor__ = _operator(np.bitwise_xor, reflected=True)
    __invert__ = _call(np.invert)

    # --- comparisons: plain boolean arrays ---------------------------------------------
    __lt__ = _operator(np.less)
    __le__ = _operator(np.less_equal)
    __gt__ = _operator(np.greater)
    __ge__ = _operator(np.greater_equal)
    __eq__ = _operator(np.equal)
    __ne__ = _operator(np.not_equal)

    # --- indexing and array methods ----------------------------------------------------
    __getitem__ = _call(operator.getitem)

    @property
    def T(self):
        return lookup(np.transpose)(self)

    def reshape(self, *shape, order="C"):
        return lookup(np.reshape)(self, _shape_args(shape), order=order)

    def transpose(self, *axes):
        return lookup(np.transpose)(self, _shape_args(axes) if axes else None)

    astype = _call(np.astype)
    sum = _call(np.sum)
    mean = _call(np.mean)
    max = _call(np.max)
    min = _call(np.min)
    dot = _call(np.dot)
    ravel = _call(np.ravel)
    squeeze = _call(np.squeeze)
    flatten = _call(np.ravel)  # a copy in NumPy; values here are never mutated
