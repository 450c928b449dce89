"""``jit`` and ``make_program``: trace once, then run the compiled program.

``jit(f)(*args)`` in four steps:

1. the array leaves of the arguments give a *signature*: the pytree structure, the shape
   and dtype of each array (only the type of a Python scalar, so that a new value does not
   force a new trace), and the values of the static arguments;
2. the first call with a signature *stages* ``f`` (:func:`nabla.core.stage`): ``f`` runs
   once on placeholders, and every primitive it applies becomes an equation;
3. the program is optimized (:mod:`nabla.jit.optimize`) and turned into Python source
   that calls NumPy once per equation (:mod:`nabla.jit.codegen`);
4. this and every later call with the same signature run that function on the leaves.

Called with the tracers of an outer transform (``grad(jit(f))``), the cached program is
evaluated primitive by primitive on them, so the outer transform differentiates it.
"""

from __future__ import annotations

import collections
import functools
import threading

import numpy as np

from nabla import tree
from nabla.core import Tracer, stage
from nabla.core.tracer import example_value
from nabla.jit.optimize import optimize
from nabla.jit.program import StagedProgram, compiled

CacheInfo = collections.namedtuple("CacheInfo", "hits misses maxsize currsize")

_SCALARS = (bool, int, float, complex)


def _leaf_signature(leaf, number):
    kind = type(leaf)
    if kind is np.ndarray:
        return leaf.shape, leaf.dtype
    if kind in _SCALARS:
        return kind  # weakly typed, as in NumPy: its value is an input, not a constant
    if isinstance(leaf, Tracer):
        return _leaf_signature(example_value(leaf), number)
    if hasattr(leaf, "shape") and hasattr(leaf, "dtype"):
        return kind, tuple(leaf.shape), np.dtype(leaf.dtype)
    raise TypeError(
        f"jit: argument leaf {number} holds a value of type {kind.__name__}, which is not an "
        f"array or a number. Mark that argument as static (static_argnums=... or "
        f"static_argnames=...) to pass it as a Python value."
    )


class _NotPlain(Exception):
    """An argument holds something other than arrays and numbers in tuples, lists and
    dicts with string keys: the general (slower) path takes it."""


def _plain_signature(value, leaves):
    """The signature of ``value`` built from arrays and numbers in tuples, lists and dicts
    with string keys, its leaves appended to ``leaves`` in :func:`nabla.tree.flatten`'s
    order; a quick walk instead of a :class:`~nabla.tree.TreeDef` for the usual calls."""
    kind = type(value)
    if kind is np.ndarray:
        leaves.append(value)
        return value.shape, value.dtype
    if kind in _SCALARS:
        leaves.append(value)
        return kind
    if kind is tuple or kind is list:
        return kind, tuple([_plain_signature(v, leaves) for v in value])
    if kind is dict and all(type(k) is str for k in value):
        keys = sorted(value)
        return kind, tuple(keys), tuple([_plain_signature(value[k], leaves) for k in keys])
    if value is None:
        return None
    raise _NotPlain


def _hashable(value, name):
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"jit: the static argument {name} must be hashable (it is part of the cache "
            f"key), got an unhashable {type(value).__name__}. Pass a tuple instead of a "
            f"list, or make the argument an array and not static."
        ) from None
    return value


class _Entry:
    """What the cache keeps for one signature."""

    __slots__ = ("program", "out_tree", "_run")

    def __init__(self, program, out_tree):
        self.program = program  # optimized, custom rules kept (for outer transforms)
        self.out_tree = out_tree
        self._run = None

    @property
    def run(self):
        if self._run is None:
            self._run = compiled(self.program)
        return self._run


class JittedFunction:
    """A function compiled on first use for each signature of its arguments (see
    :func:`jit`)."""

    # The cache lives in slots, not in __dict__, so that functools.wraps around a jitted
    # function (grad(jit(f))) does not copy it, and the wrapper pickles.
    __slots__ = ("fun", "static_argnums", "static_argnames", "maxsize", "_cache", "_lock",
                 "_hits", "_misses", "__dict__", "__weakref__")

    def __init__(self, fun, static_argnums=(), static_argnames=(), maxsize=128):
        if not callable(fun):
            raise TypeError(f"jit needs a function, got {type(fun).__name__}")
        if maxsize is not None and (not isinstance(maxsize, int) or maxsize < 1):
            raise ValueError(f"jit: maxsize must be a positive int or None, got {maxsize!r}")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.static_argnums = ((static_argnums,) if isinstance(static_argnums, int)
                               else tuple(static_argnums))
        self.static_argnames = ((static_argnames,) if isinstance(static_argnames, str)
                                else tuple(static_argnames))
        self.maxsize = maxsize
        self._start_cache()

    def _start_cache(self):
        self._cache = collections.OrderedDict()
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    # cloudpickle (Dask's way of sending functions to workers) takes the function, not
    # the cache: compiled code and locks stay in the process that made them.
    def __getstate__(self):
        return {"fun": self.fun, "static_argnums": self.static_argnums,
                "static_argnames": self.static_argnames, "maxsize": self.maxsize}

    def __setstate__(self, state):
        self.__init__(**state)

    def __get__(self, instance, owner=None):
        return self if instance is None else functools.partial(self, instance)

    def cache_info(self):
        """Hits, misses, maximum and current number of compiled signatures."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, self.maxsize, len(self._cache))

    def clear_cache(self):
        """Forget every compiled program (the next call traces again)."""
        with self._lock:
            self._cache.clear()

    def _split(self, args, kwargs):
        """Dynamic arguments (a pytree), the static ones (for the key) and a function of
        the dynamic ones that calls ``fun`` with everything in place."""
        nargs = len(args)
        static_pos = {i % nargs if -nargs <= i < nargs else None for i in self.static_argnums}
        static_pos.discard(None)
        static = tuple((i, _hashable(args[i], f"at position {i}")) for i in sorted(static_pos))
        static += tuple((k, _hashable(kwargs[k], repr(k)))
                        for k in sorted(kwargs) if k in self.static_argnames)
        dyn_args = tuple(a for i, a in enumerate(args) if i not in static_pos)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self.static_argnames}

        def call(dyn):
            d_args, d_kwargs = dyn
            it = iter(d_args)
            full = [args[i] if i in static_pos else next(it) for i in range(nargs)]
            return self.fun(*full, **d_kwargs, **{k: kwargs[k] for k in kwargs
                                                  if k in self.static_argnames})

        return (dyn_args, dyn_kwargs), static, call

    def trace(self, *args, **kwargs):
        """The program of ``fun`` for these arguments, as traced (not optimized)."""
        dyn, _, call = self._split(args, kwargs)
        leaves, in_tree = tree.flatten(dyn)
        program, captured, out_tree = stage(
            lambda *xs: call(tree.unflatten(in_tree, xs)),
            [example_value(x) if isinstance(x, Tracer) else x for x in leaves])
        staged = StagedProgram(program.inputs, program.equations, program.outputs,
                               in_tree, out_tree)
        return staged, captured, leaves

    def _key(self, args, kwargs):
        """The cache key of a call, and the leaves of its dynamic arguments."""
        if not kwargs and not self.static_argnums:  # the common call: arrays, in containers
            leaves = []
            try:
                return ("plain", _plain_signature(args, leaves)), leaves
            except _NotPlain:
                pass
        dyn, static, _ = self._split(args, kwargs)
        leaves, in_tree = tree.flatten(dyn)
        return (in_tree, tuple(_leaf_signature(x, i) for i, x in enumerate(leaves)),
                static), leaves

    def __call__(self, *args, **kwargs):
        key, leaves = self._key(args, kwargs)
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None:
                self._hits += 1
                self._cache.move_to_end(key)
            else:
                self._misses += 1
        if entry is None:
            program, captured, leaves = self.trace(*args, **kwargs)
            if captured:  # it closes over values of an outer transform: valid once only
                outs = program.evaluate(*leaves, *captured)
                return tree.unflatten(program.out_tree, outs)
            entry = _Entry(optimize(program, inline=False), program.out_tree)
            with self._lock:
                self._cache[key] = entry
                if self.maxsize is not None and len(self._cache) > self.maxsize:
                    self._cache.popitem(last=False)
        if any(isinstance(x, Tracer) for x in leaves):
            outs = entry.program.evaluate(*leaves)
        else:
            outs = entry.run(*leaves)
        return tree.unflatten(entry.out_tree, outs)

    def __repr__(self):
        return f"<jitted {getattr(self.fun, '__qualname__', self.fun)!r}>"


def jit(fun=None, static_argnums=(), static_argnames=(), maxsize=128):
    """``fun`` compiled: traced once per signature into a program of primitives, then run
    as generated NumPy code without tracing.

    A *signature* is the pytree structure of the arguments, the shape and dtype of each
    array (the type only, for a Python number) and the values of the static arguments
    (``static_argnums``/``static_argnames``: Python values such as sizes, flags or
    functions, which must be hashable). The compiled programs are kept in a cache of at
    most ``maxsize`` signatures, least recently used out; ``f.cache_info()`` and
    ``f.clear_cache()`` inspect and empty it.

    As in JAX, arrays that ``fun`` closes over are captured as constants when it is
    traced: changing them later is not seen until ``f.clear_cache()``. Inside ``fun``,
    Python cannot look at the values of array arguments (``if x > 0``, ``float(x)``,
    ``range(n)``): use ``nabla.numpy.where``, ``nabla.control`` or static arguments.

    ``jit`` composes with every transform in both orders: ``jit(grad(f))`` compiles the
    backward pass too; ``grad(jit(f))`` differentiates the compiled program.

    ``NABLA_JIT_BACKEND`` chooses how programs run: ``numpy`` (generated NumPy code),
    ``numba`` (chains of elementwise operations fused into numba kernels, kept on disk in
    ``NABLA_CACHE_DIR``, by default ``~/.cache/nabla``) or ``auto`` (the default: NumPy
    first, numba where it is measured faster; see :mod:`nabla.jit.program`).

    >>> import nabla, nabla.numpy as np
    >>> @nabla.jit
    ... def loss(w, x):
    ...     return np.sum(np.tanh(x @ w) ** 2)
    >>> g = nabla.jit(nabla.grad(loss))
    >>> g(np.ones(3), np.eye(3)).round(4)
    array([0.6397, 0.6397, 0.6397])
    >>> g.cache_info()
    CacheInfo(hits=0, misses=1, maxsize=128, currsize=1)
    """
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, maxsize=maxsize)
    return JittedFunction(fun, static_argnums, static_argnames, maxsize)


def make_program(fun, static_argnums=(), static_argnames=()):
    """A function that returns the program ``fun`` is traced into for given arguments.

    ``print(make_program(f)(x))`` shows one equation per line with the shape and dtype of
    each value (``jax.make_jaxpr``'s view); ``.optimize()`` gives the optimized program
    and ``.source`` the Python that runs it.

    >>> import nabla, nabla.numpy as np
    >>> print(nabla.make_program(nabla.grad(lambda x: np.sum(x ** 2)))(np.ones(2)).optimize())
    { lambda a:float64[2] . let
        b:float64[2] = multiply 2 a
      in (b) }
    """
    jitted = JittedFunction(fun, static_argnums, static_argnames)

    @functools.wraps(fun)
    def make(*args, **kwargs):
        program, captured, _ = jitted.trace(*args, **kwargs)
        if captured:
            raise ValueError("make_program: the function closes over values traced by an "
                             "outer transform; call make_program outside of it")
        return program

    return make

