"""Every function of the rule registry runs on a foreign array backend and stays on it.

The cases are those of the verification table (``tests/verification``): each is run on
duck arrays (:mod:`tests.backends.duck`, a stand-in for CuPy that refuses to become NumPy
implicitly) for its value, a reverse-mode pullback, a forward-mode push and both batched
Jacobians, and must give duck arrays equal to what the same calls give on plain NumPy.
"""

import contextlib
import operator

import numpy
import pytest

import nabla
from nabla.core.primitive import BackendError
from nabla.core.registry import registered
from tests.backends.duck import DuckArray, duck, host, host_constants_allowed
from tests.verification import tables

TABLES = tables()
rng = numpy.random.default_rng(1)

CASES = [(t, name, i, fn, a) for t in TABLES for name, cases in t.CALLS.items()
         for i, (fn, a) in enumerate(cases)]
# Indexing (x[...], the operator) is registered but has no name in a NumPy namespace.
INDEXING = [
    (lambda x: x[1:, ::2], (rng.normal(size=(3, 4)),)),
    (lambda x: x[numpy.array([2, 0, 2])], (rng.normal(size=(3, 4)),)),
    (lambda x: x[x > 0], (rng.normal(size=(3, 4)),)),
    (lambda x: x[..., None, 1], (rng.normal(size=(2, 3)),)),
]
CASES += [(None, "indexing", i, fn, a) for i, (fn, a) in enumerate(INDEXING)]
# (registry key, label, nabla function, arguments) of every function without a derivative
NONDIFF = [(getattr(t.ORIGINAL, name), f"{t.NAMESPACE.__name__}.{name}",
            getattr(t.NAMESPACE, name), a)
           for t in TABLES for name, a in getattr(t, "NONDIFFERENTIABLE", {}).items()]
# The bitwise operators of tracers (``mask & other``) are registered without a public name.
_MASKS = (numpy.array([True, False, True]), numpy.array([True, True, False]))
NONDIFF += [(f, f"operator.{f.__name__}", registered()[f], _MASKS[:arity])
            for f, arity in ((numpy.bitwise_and, 2), (numpy.bitwise_or, 2),
                             (numpy.bitwise_xor, 2), (numpy.invert, 1))]

# Functions that return host values by NumPy's own definition (Python ints, shapes, bools,
# dtypes), not arrays: what they give is the same on any backend and is not data.
HOST_RESULTS = {
    "shape": "the shape, a tuple of Python ints",
    "ndim": "a Python int",
    "size": "a Python int",
    "result_type": "a dtype",
    "allclose": "a Python bool (NumPy's own bool() of the comparison)",
    "array_equal": "a Python bool",
}

# Cases that bring host float arrays of their own into the computation (the table builds
# its inputs with numpy.eye and friends, or passes host data beside the differentiated
# argument); the duck array accepts those for them. The reason is the case's, not nabla's.
HOST_CONSTANTS = {
    **{f"nabla.numpy.linalg.{c}": "the case adds numpy.eye / numpy.diag to its input"
       for c in ("cholesky-0", "cholesky-1", "eigh-0", "eigh-1", "eigvalsh-0",
                 "eigvalsh-1", "svd-4", "pinv-2")},
    "nabla.numpy.interp-0": "xp is a host array",
    "nabla.numpy.where-0": "the condition is a host boolean array",
    "nabla.numpy.select-0": "the conditions are host boolean arrays",
    "nabla.numpy.ldexp-0": "the exponents are a host array (its rule takes exp2 of them)",
    "nabla.scipy.special.polygamma-2": "the orders n are a host array",
    **{f"nabla.scipy.stats.{d}-{i}": "the counts k are a host array"
       for d in ("poisson", "bernoulli") for i in range(4)},
}
# Cases that cannot run with the differentiated argument on another backend at all.
MIXED = {"nabla.numpy.interp-1": "fp is a host array indexed by positions computed from x"}
# Primitives whose only implementation is SciPy's, which converts to NumPy: on another
# backend they raise the backend error, naming the primitive and the array type.
NO_IMPLEMENTATION = {"expm": "scipy.linalg.expm (Padé with scaling and squaring, host only)"}


def _close(got, want):
    got_leaves, want_leaves = nabla.tree.leaves(got), nabla.tree.leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        assert type(g) is DuckArray, f"a result left the duck backend: {type(g).__name__}"
        numpy.testing.assert_allclose(host(g), w, rtol=1e-12, atol=1e-14)


def _like(values):
    """Random arrays shaped like ``values``' leaves (tangents or cotangents)."""
    return nabla.tree.map(lambda v: rng.normal(size=numpy.shape(v)), values)


def _case_id(table, name, i):
    return f"{table.NAMESPACE.__name__ if table else 'operator'}.{name}-{i}"


@pytest.mark.parametrize("table,name,i,fn,args", CASES,
                         ids=[_case_id(t, n, i) for t, n, i, _, _ in CASES])
def test_value_and_derivatives_stay_on_the_backend(table, name, i, fn, args):
    case = _case_id(table, name, i)
    if case in MIXED:
        pytest.skip(MIXED[case])
    if name in NO_IMPLEMENTATION:
        with pytest.raises(BackendError, match=rf"primitive {name} .* tests\.backends\.duck"
                                               r"\.DuckArray"):
            fn(*duck(args))
        return
    context = host_constants_allowed() if case in HOST_CONSTANTS else contextlib.nullcontext()
    with context:
        _check_case(fn, args)


def _check_case(fn, args):
    want = fn(*args)
    _close(fn(*duck(args)), want)

    cotangent = _like(want)
    out, pullback = nabla.vjp(fn, *args)
    d_out, d_pullback = nabla.vjp(fn, *duck(args))
    _close(d_out, out)
    _close(d_pullback(duck(cotangent)), pullback(cotangent))

    tangents = _like(args)
    _close(nabla.jvp(fn, duck(args), duck(tangents)), nabla.jvp(fn, args, tangents))

    argnums = tuple(range(len(args)))
    for jac in (nabla.jacfwd, nabla.jacrev):
        _close(jac(fn, argnums=argnums)(*duck(args)), jac(fn, argnums=argnums)(*args))


@pytest.mark.parametrize("function,args", [(f, a) for _, _, f, a in NONDIFF],
                         ids=[label for _, label, _, _ in NONDIFF])
def test_nondifferentiable_functions_stay_on_the_backend(function, args):
    name = function.__name__
    want = function(*args)
    seen = {}

    def f(x):
        seen["traced"] = function(x, *duck(args[1:]))
        return numpy.sum(x)

    results = [function(*duck(args))]
    if numpy.issubdtype(numpy.asarray(args[0]).dtype, numpy.floating):
        nabla.grad(f)(duck(args[0]))
        results.append(seen["traced"])
    for got in results:
        if name in HOST_RESULTS:
            assert type(got) is type(want) and got == want
            continue
        got_leaves, want_leaves = nabla.tree.leaves(got), nabla.tree.leaves(want)
        assert len(got_leaves) == len(want_leaves)
        for g, w in zip(got_leaves, want_leaves):
            assert type(g) is DuckArray, f"{name} left the duck backend"
            numpy.testing.assert_array_equal(host(g), w)


def _registry_key(table, name):
    return operator.getitem if table is None else getattr(table.ORIGINAL, name)


def test_every_registered_function_is_run_on_the_duck_backend():
    covered = ({_registry_key(t, name) for t, name, *_ in CASES}
               | {key for key, *_ in NONDIFF})
    missing = sorted(f"{getattr(f, '__module__', '')}.{getattr(f, '__name__', f)}"
                     for f in set(registered()) - covered)
    assert not missing, f"registered functions with no duck-backend case: {missing}"
