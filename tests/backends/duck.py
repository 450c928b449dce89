"""A stand-in for a foreign array library (CuPy, say), for testing without a GPU.

:class:`DuckArray` wraps an ``ndarray`` and answers NumPy's calls through NEP 13
(``__array_ufunc__``) and NEP 18 (``__array_function__``): it unwraps its own kind, lets
NumPy compute, and wraps every array result again (NumPy scalars become 0-d duck arrays,
as CuPy's reductions give 0-d device arrays). Like a device array it refuses to be turned
into NumPy behind the user's back:

* ``numpy.asarray(duck)`` (``__array__``), ``float(duck)``, ``complex(duck)`` raise
  ``TypeError``; only the explicit :meth:`DuckArray.get` (CuPy's name) gives the host array;
* a host array of one or more dimensions as an operand of its ufuncs (arithmetic,
  comparisons), or a floating-point one anywhere, raises ``TypeError``, as a CuPy array
  refuses a NumPy operand. Host integer and boolean arrays are accepted as indices
  (``x[idx]``, ``take``, ``ufunc.at``), as CuPy takes them, and host scalars everywhere;
  inside :func:`host_constants_allowed` (for test cases that bring host constants of
  their own) host arrays are accepted too.

So a computation that starts from duck arrays and ends in a plain ``ndarray``, or fails,
has made an array from a bare shape or converted the data somewhere on the way.
"""

from __future__ import annotations

import contextlib
import contextvars
import numbers

import numpy as np

_host_constants = contextvars.ContextVar("duck_host_constants", default=False)


@contextlib.contextmanager
def host_constants_allowed():
    """Within the block, host arrays mixed into duck computations are accepted."""
    token = _host_constants.set(True)
    try:
        yield
    finally:
        _host_constants.reset(token)


class HostConversionError(TypeError):
    """A duck array was asked to become host data implicitly."""


# What the library's own ``asarray(host_array)`` is: the explicit way onto the device.
_TRANSFERS = {np.asarray, np.array, np.asanyarray}


def _refuse_host(what):
    raise HostConversionError(
        f"a DuckArray cannot be converted to NumPy implicitly ({what}); call .get() to copy "
        "it to the host explicitly"
    )


def _unwrap(x):
    """``x`` with duck arrays replaced by their data, through lists, tuples and dicts."""
    if type(x) is DuckArray:
        return x.data
    if _is_host_array(x) and x.dtype.kind in "fc":
        _refuse_host_array(x, "mixed into a DuckArray computation")
    return _through_containers(_unwrap, x)


def _is_host_array(x):
    return type(x) is np.ndarray and x.ndim > 0 and not _host_constants.get()


def _refuse_host_array(x, role):
    raise TypeError(f"a host ndarray of shape {x.shape} and dtype {x.dtype} was {role}; a "
                    "foreign backend does not take host data implicitly")


def wrap(x):
    """NumPy results as duck arrays, through tuples and lists (Python numbers, dtypes and
    shapes stay as they are)."""
    if isinstance(x, np.ndarray):
        return DuckArray(x)
    if isinstance(x, np.generic):
        return DuckArray(np.asarray(x))
    return _through_containers(wrap, x)


def _through_containers(fn, x):
    """``fn`` applied to each member of a list, tuple, named tuple or dict ``x``; other
    values unchanged."""
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(fn(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(fn(v) for v in x)
    if isinstance(x, dict):
        return {k: fn(v) for k, v in x.items()}
    return x


def _binary(ufunc):
    def method(self, other):
        return ufunc(self, other)

    def reflected(self, other):
        return ufunc(other, self)

    def inplace(self, other):
        return ufunc(self, other, out=self)

    return method, reflected, inplace


def _method(name):
    def method(self, *args, **kwargs):
        return wrap(getattr(self.data, name)(*_unwrap(args), **_unwrap(kwargs)))

    method.__name__ = name
    return method


class DuckArray:
    """An array of a foreign backend, simulated over an ``ndarray`` (see the module)."""

    __slots__ = ("data",)
    __hash__ = None

    def __init__(self, data):
        if not isinstance(data, np.ndarray):
            raise TypeError(f"DuckArray wraps an ndarray, got {type(data).__name__}")
        self.data = data

    # --- what an array is ---------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    nbytes = property(lambda self: self.data.nbytes)
    T = property(lambda self: DuckArray(self.data.T))
    mT = property(lambda self: DuckArray(self.data.mT))
    real = property(lambda self: DuckArray(self.data.real))
    imag = property(lambda self: DuckArray(self.data.imag))

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return (DuckArray(np.asarray(v)) for v in self.data)

    def __repr__(self):
        return f"DuckArray({self.data!r})"

    def get(self):
        """The host copy, asked for explicitly (CuPy's ``ndarray.get``)."""
        return self.data.copy()

    # --- refused implicit conversions ---------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        _refuse_host("numpy.asarray / numpy.array, or storing it into an ndarray")

    def __float__(self):
        _refuse_host("float()")

    def __complex__(self):
        _refuse_host("complex()")

    def __bool__(self):  # a decision, as CuPy allows: `if x > 0:` synchronizes and reads
        return bool(self.data)

    def __int__(self):  # a size read from the data (bincount's), as CuPy allows
        return int(self.data)

    def __index__(self):  # an integer used as a size or an index, as CuPy allows
        return self.data.__index__()

    # --- NEP 13 / NEP 18 ----------------------------------------------------------------
    @staticmethod
    def _ours(values):
        return all(
            type(v) is DuckArray or isinstance(v, (np.ndarray, np.generic, numbers.Number))
            or v is None or isinstance(v, (list, tuple))
            for v in values
        )

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if not self._ours(inputs + tuple(kwargs.get("out", ()))):
            return NotImplemented  # e.g. a tracer: let it handle the call
        out = kwargs.get("out")
        # ufunc.at(a, indices, b): the indices may be host arrays, as in indexing
        operands = inputs[:1] + inputs[2:] if method == "at" else inputs
        for x in operands:  # as CuPy: host integer and boolean arrays pass only as indices
            if _is_host_array(x):
                _refuse_host_array(x, "an operand of a DuckArray ufunc")
        result = getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        if not all(t is DuckArray or issubclass(t, np.ndarray) for t in types):
            return NotImplemented
        if func in _TRANSFERS:  # asarray(host, like=duck): an explicit copy to the device
            with host_constants_allowed():
                return wrap(func(*_unwrap(args), **_unwrap(kwargs)))
        return wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # --- operators ----------------------------------------------------------------------
    __add__, __radd__, __iadd__ = _binary(np.add)
    __sub__, __rsub__, __isub__ = _binary(np.subtract)
    __mul__, __rmul__, __imul__ = _binary(np.multiply)
    __truediv__, __rtruediv__, __itruediv__ = _binary(np.divide)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary(np.floor_divide)
    __mod__, __rmod__, __imod__ = _binary(np.remainder)
    __pow__, __rpow__, __ipow__ = _binary(np.power)
    __matmul__, __rmatmul__, __imatmul__ = _binary(np.matmul)
    __and__, __rand__, __iand__ = _binary(np.bitwise_and)
    __or__, __ror__, __ior__ = _binary(np.bitwise_or)
    __xor__, __rxor__, __ixor__ = _binary(np.bitwise_xor)
    __lt__ = _binary(np.less)[0]
    __le__ = _binary(np.less_equal)[0]
    __gt__ = _binary(np.greater)[0]
    __ge__ = _binary(np.greater_equal)[0]
    __eq__ = _binary(np.equal)[0]
    __ne__ = _binary(np.not_equal)[0]

    def __neg__(self):
        return np.negative(self)

    def __pos__(self):
        return np.positive(self)

    def __abs__(self):
        return np.absolute(self)

    def __invert__(self):
        return np.invert(self)

    # --- indexing -----------------------------------------------------------------------
    def __getitem__(self, index):
        return wrap(self.data[_unwrap(index)])

    def __setitem__(self, index, value):
        self.data[_unwrap(index)] = _unwrap(value)

    # --- methods, as an array library has them ------------------------------------------
    for _name in ("astype", "reshape", "transpose", "sum", "prod", "mean", "std", "var",
                  "max", "min", "argmax", "argmin", "ravel", "flatten", "squeeze", "copy",
                  "dot", "cumsum", "cumprod", "clip", "conj", "conjugate", "diagonal",
                  "trace", "swapaxes", "repeat", "take", "round", "nonzero", "any", "all",
                  "sort", "argsort", "fill"):
        locals()[_name] = _method(_name)
    del _name


def duck(x):
    """``x`` (an array, or a pytree of arrays) on the duck backend."""
    if isinstance(x, (np.ndarray, np.generic)):
        return DuckArray(np.asarray(x))
    return _through_containers(duck, x)


def host(x):
    """``x`` back on the host, for comparing in tests only (through lists, tuples, dicts)."""
    if type(x) is DuckArray:
        return x.get()
    return _through_containers(host, x)
