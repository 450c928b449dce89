"""Programs as a learner sees them, and as the computer runs them.

A program runs as generated Python that calls NumPy once per equation
(:mod:`nabla.jit.codegen`), or with its chains of elementwise equations fused into numba
kernels (:mod:`nabla.jit.numba_backend`). ``NABLA_JIT_BACKEND``, read when a program is
compiled, chooses:

* ``numpy``: never compile kernels;
* ``numba``: always fuse (for tests and benchmarks); an error if numba is not installed;
* ``auto`` (the default): fuse where it is measured to pay. Importing numba and compiling
  a kernel take about half a second (``bench/RESULTS.md``; less when numba's disk cache
  has the kernel), which a program called a few times never earns back; and for large
  arrays of sin, exp, ... NumPy's SIMD code beats a numba loop. So a program first runs
  as NumPy code; once it has spent :data:`AUTO_AFTER_S` seconds there (about the price of
  compiling: the rent-or-buy rule, which then costs at most about twice the better choice
  made in hindsight), its kernels are compiled and timed on the arguments of that call,
  and the faster version runs from then on. Without numba, ``auto`` is ``numpy``.
"""

from __future__ import annotations

import math
import os
import threading
import time
import warnings

from nabla.core.primitive import is_foreign
from nabla.core.staging import Program
from nabla.jit.codegen import compile_source, generate
from nabla.jit.numba_backend import can_fuse, fuse, load_numba
from nabla.jit.optimize import optimize

BACKENDS = ("auto", "numba", "numpy")
AUTO_AFTER_S = 0.5  # seconds of NumPy running after which ``auto`` tries kernels


class StagedProgram(Program):
    """A :class:`~nabla.core.Program` that can also be optimized and compiled.

    >>> import nabla, nabla.numpy as np
    >>> program = nabla.make_program(lambda x: np.sum(np.sin(x) * 1.0))(np.ones(3))
    >>> print(program.optimize())
    { lambda a:float64[3] . let
        b:float64[3] = sin a
        c:float64[] = sum[axis=(0,)][keepdims=False] b
      in (c) }
    """

    def optimize(self):
        """The same computation with dead code, repeated work, constant expressions and
        the zeros and ones of derivative rules removed (see :mod:`nabla.jit.optimize`)."""
        return optimize(self)

    @property
    def source(self):
        """The Python source that runs this program (one NumPy call per equation)."""
        return generate(self)[0]


def jit_backend():
    """The backend named by ``NABLA_JIT_BACKEND``: ``auto`` (the default), ``numba`` or
    ``numpy``."""
    value = os.environ.get("NABLA_JIT_BACKEND", "").strip().lower() or "auto"
    if value not in BACKENDS:
        raise ValueError(
            f"NABLA_JIT_BACKEND={os.environ['NABLA_JIT_BACKEND']!r} is not a jit backend; "
            f"use one of auto (the default: numba kernels where they are measured faster), "
            f"numba (always fuse elementwise chains) or numpy (never compile kernels)")
    return value


def _seconds(run, args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


class _Runner:
    """A program's function under the ``numba`` and ``auto`` backends: the NumPy code
    until the fused version is chosen (at the first call with ``numba``, after
    :data:`AUTO_AFTER_S` seconds with ``auto``), then whichever was chosen.

    Choosing needs a call's arguments: which inputs are Python numbers (weakly typed, so
    ``float32 * 2.0`` stays float32) and which arrays are NumPy's (a CuPy array never
    reaches a kernel). ``backend`` says what runs (``None`` until chosen); ``fused`` is
    the program with its kernels, once built.
    """

    __slots__ = ("program", "numpy_run", "backend", "fused", "_call", "_lock", "_spent",
                 "_best")

    def __init__(self, program, numpy_run, backend):
        self.program = program
        self.numpy_run = numpy_run
        self.backend = None
        self.fused = None
        self._lock = threading.Lock()
        self._spent, self._best = 0.0, math.inf  # NumPy time in all, and its fastest call
        self._call = self._first_call if backend == "numba" else self._rent

    def __call__(self, *args):
        return self._call(*args)

    def _use(self, run):
        self.backend = "numpy" if run is None else "numba"
        self._call = self.numpy_run if run is None else run

    def _compile_fused(self, args):
        """The function of the fused program and its results for ``args`` (numba compiles
        the kernels at this first call, or loads them from its disk cache); ``(None,
        None)`` if there is nothing to fuse or compiling failed (with a warning: the NumPy
        code still runs)."""
        if any(is_foreign(a) for a in args):
            return None, None
        weak = {v for v, a in zip(self.program.inputs, args) if type(a) in (bool, int, float)}
        try:
            fused, kernels = fuse(self.program, weak)
            if not kernels:
                return None, None
            run = compile_source(*generate(fused))
            out = run(*args)
        except Exception as error:  # a case numba does not compile: NumPy computes it
            warnings.warn(f"nabla.jit: the fused kernels of a program failed to compile "
                          f"({type(error).__name__}: {error}); it runs as NumPy code.",
                          RuntimeWarning, stacklevel=4)
            return None, None
        self.fused = fused
        return run, out

    def _first_call(self, *args):
        with self._lock:
            if self.backend is None:
                run, out = self._compile_fused(args)
                self._use(run)
                if run is not None:
                    return out
        return self._call(*args)

    def _rent(self, *args):
        start = time.perf_counter()
        out = self.numpy_run(*args)
        took = time.perf_counter() - start
        self._spent += took
        self._best = min(self._best, took)
        if self._spent >= AUTO_AFTER_S and self._lock.acquire(blocking=False):
            try:
                if self.backend is None:
                    self._choose(args)
            finally:
                self._lock.release()
        return out

    def _choose(self, args):
        """Compile the kernels and keep them if their fastest of three calls beats the
        fastest NumPy call so far."""
        try:
            load_numba()
        except ImportError:
            self._use(None)
            return
        run, _ = self._compile_fused(args)
        if run is not None and min(_seconds(run, args) for _ in range(3)) >= self._best:
            run = None
        self._use(run)


def compiled(program):
    """A Python function computing ``program`` (optimized first), for the backend that
    ``NABLA_JIT_BACKEND`` names (see the module docstring); made once per program."""
    run = getattr(program, "_compiled", None)
    if run is None:
        backend = jit_backend()
        if backend == "numba":
            load_numba()
        best = optimize(program)
        run = compile_source(*generate(best))
        if backend == "numba" or (backend == "auto" and can_fuse(best)):
            run = _Runner(best, run, backend)
        program._compiled = run
    return run
