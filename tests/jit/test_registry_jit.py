"""Every case of the verification table, compiled: ``jit(f)``, ``jit(grad(f))``,
``grad(jit(f))`` and ``jit(jvp)`` equal their eager values.

The cases come from ``tests/verification`` (which fails if a public function has no
case), so a new primitive is covered here as soon as it is verified there. The float64
cases are also run in float32 (where the function is defined for it) to check that
compiled programs keep float32 and agree to 1e-5.
"""

import importlib.util

import numpy
import pytest

import nabla
import nabla.numpy as np
from tests.verification import tables

# Functions whose *value* decides the shape of their result or needs Python to see the
# data, which a program (made once for every array of a shape) cannot do; inside jit they
# raise ConcretizationError, checked below. JAX refuses the same functions under its jit.
NEEDS_VALUES = {
    # checks every entry is finite and raises otherwise: a decision on the data
    "nabla.numpy.asarray_chkfinite": "raises on inf/NaN: decides on the data",
    # returns the numerical rank, and residuals only when the rank is full
    "nabla.numpy.linalg.lstsq": "its rank and the shape of its residuals depend on the data",
}

CASES = [(f"{t.NAMESPACE.__name__}.{name}", i, fn, a) for t in tables()
         for name, cases in t.CALLS.items() for i, (fn, a) in enumerate(cases)]
COMPILED = [c for c in CASES if c[0] not in NEEDS_VALUES]


def _close(got, want, rtol):
    got, want = nabla.tree.leaves(got), nabla.tree.leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert numpy.shape(g) == numpy.shape(w)
        assert numpy.result_type(g) == numpy.result_type(w), (numpy.result_type(g),
                                                              numpy.result_type(w))
        numpy.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * 0.1)


def _total(fn):
    """A scalar function of the case's arguments: the sum of every output entry."""
    def total(*a):
        return sum(np.sum(leaf) for leaf in nabla.tree.leaves(fn(*a))
                   if numpy.issubdtype(leaf.dtype, numpy.floating))
    return total


def _check_all(fn, args, rtol):
    argnums = tuple(range(len(args)))
    _close(nabla.jit(fn)(*args), fn(*args), rtol)
    loss = _total(fn)
    want = nabla.grad(loss, argnums=argnums)(*args)
    _close(nabla.jit(nabla.grad(loss, argnums=argnums))(*args), want, rtol)
    _close(nabla.grad(nabla.jit(loss), argnums=argnums)(*args), want, rtol)
    tangents = tuple(numpy.cos(numpy.arange(numpy.size(a))).reshape(numpy.shape(a))
                     .astype(a.dtype) for a in args)

    def forward(*a):
        return nabla.jvp(fn, a, tangents)

    _close(nabla.jit(forward)(*args), forward(*args), rtol)


@pytest.mark.parametrize("name,i,fn,args", COMPILED, ids=[f"{n}-{i}" for n, i, _, _ in COMPILED])
def test_compiled_equals_eager_float64(name, i, fn, args):
    _check_all(fn, args, 1e-12)


def _as_float32(args):
    return tuple(a.astype(numpy.float32) for a in args)


def _supports_float32(fn, args):
    try:
        out = fn(*_as_float32(args))
    except Exception:  # noqa: BLE001 - e.g. SciPy's routines that only take float64
        return False
    return all(leaf.dtype == numpy.float32 for leaf in nabla.tree.leaves(out)
               if numpy.issubdtype(leaf.dtype, numpy.floating))


FLOAT32 = [c for c in COMPILED if _supports_float32(c[2], c[3])]


@pytest.mark.parametrize("name,i,fn,args", FLOAT32, ids=[f"{n}-{i}" for n, i, _, _ in FLOAT32])
def test_compiled_equals_eager_float32(name, i, fn, args):
    _check_all(fn, _as_float32(args), 1e-5)


def test_float32_is_checked_for_most_functions():
    assert len(FLOAT32) > len(COMPILED) // 2, (len(FLOAT32), len(COMPILED))


@pytest.mark.parametrize("name", sorted(NEEDS_VALUES))
def test_functions_that_need_values_refuse_with_a_concretization_error(name):
    (fn, args), = [(fn, a) for n, _, fn, a in CASES if n == name][:1]
    with pytest.raises(nabla.ConcretizationError, match="static_argnums"):
        nabla.jit(fn)(*args)


# --- the numba backend --------------------------------------------------------------------
# It changes only the equations it fuses (chains of elementwise primitives); a program with
# nothing to fuse runs the same NumPy code on both backends. So the first case of each
# function whose compiled programs have something to fuse is run with every fusion
# compiled (one case per function keeps numba's compile time, ~0.3 s a kernel, bounded).
def _fusible(fn, args):
    from nabla.jit.numba_backend import can_fuse

    argnums = tuple(range(len(args)))
    programs = [nabla.make_program(fn)(*args),
                nabla.make_program(nabla.grad(_total(fn), argnums=argnums))(*args)]
    return any(can_fuse(p.optimize()) for p in programs)


def _first_fusible_cases():
    if importlib.util.find_spec("numba") is None:
        return []
    chosen = {}
    for name, i, fn, args in COMPILED:
        if name not in chosen and _fusible(fn, args):
            chosen[name] = (name, i, fn, args)
    return list(chosen.values())


FUSIBLE = _first_fusible_cases()


@pytest.mark.parametrize("name,i,fn,args", FUSIBLE, ids=[f"{n}-{i}" for n, i, _, _ in FUSIBLE])
def test_numba_backend_equals_eager(name, i, fn, args, monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numba")
    argnums = tuple(range(len(args)))
    loss = _total(fn)
    # results equal NumPy's up to the rounding of the math library (exp, sin, ...)
    _close(nabla.jit(fn)(*args), fn(*args), 1e-12)
    _close(nabla.jit(nabla.grad(loss, argnums=argnums))(*args),
           nabla.grad(loss, argnums=argnums)(*args), 1e-12)


def test_most_functions_have_something_to_fuse():
    if importlib.util.find_spec("numba") is None:
        pytest.skip("numba is not installed (the jit extra): the numba backend is not tested")
    assert len(FUSIBLE) > 100, len(FUSIBLE)
