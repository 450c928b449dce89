"""Walk the verification table: every public function checked by machine.

See the package docstring for the format of the ``*_table.py`` modules.
"""

import numpy
import pytest

import nabla
from tests.verification import tables

TABLES = tables()


def _public(module):
    return set(getattr(module, "__all__", ()))


@pytest.mark.parametrize("table", TABLES, ids=[t.__name__.rsplit(".", 1)[-1] for t in TABLES])
def test_every_public_function_is_in_the_verification_table(table):
    covered = (set(table.CALLS) | set(getattr(table, "NONDIFFERENTIABLE", {}))
               | set(getattr(table, "CONSTRUCTORS", ())))
    public = _public(table.NAMESPACE)
    missing = sorted(public - covered)
    assert not missing, f"public {table.NAMESPACE.__name__} names with no entry: {missing}"
    stale = sorted(covered - public)
    assert not stale, f"entries for names {table.NAMESPACE.__name__} does not export: {stale}"
    unknown_plain = sorted(set(getattr(table, "PLAIN", ())) - set(table.CALLS))
    assert not unknown_plain, f"PLAIN names without CALLS cases: {unknown_plain}"


CASES = [(t, name, i, fn, a) for t in TABLES for name, cases in t.CALLS.items()
         for i, (fn, a) in enumerate(cases)]
CASE_IDS = [f"{t.NAMESPACE.__name__}.{name}-{i}" for t, name, i, _, _ in CASES]


@pytest.mark.parametrize("table,name,i,fn,args", CASES, ids=CASE_IDS)
def test_derivatives_match_finite_differences(table, name, i, fn, args):
    nabla.check_grads(fn, args, order=2, modes=("fwd", "rev"))


PLAIN = [(t, name, i, fn, a) for t, name, i, fn, a in CASES if name in getattr(t, "PLAIN", ())]


@pytest.mark.parametrize("table,name,i,fn,args", PLAIN,
                         ids=[f"{t.ORIGINAL.__name__}.{n}-{i}" for t, n, i, _, _ in PLAIN])
def test_same_derivatives_through_the_original_function(table, name, i, fn, args, monkeypatch):
    argnums = tuple(range(len(args)))
    expected = nabla.jacrev(fn, argnums=argnums)(*args)
    # The case calls NAMESPACE.name; make that the original NumPy/SciPy function, which
    # reaches nabla's rules through NEP 13/18 dispatch.
    original = getattr(table.ORIGINAL, name)
    calls = []

    def counted(*a, **k):
        calls.append(1)
        return original(*a, **k)

    monkeypatch.setattr(table.NAMESPACE, name, counted)
    nabla.check_grads(fn, args, order=2, modes=("fwd", "rev"))
    assert calls, f"the case for {name} does not call it through {table.NAMESPACE.__name__}"
    got = nabla.tree.leaves(nabla.jacrev(fn, argnums=argnums)(*args))
    for g, want in zip(got, nabla.tree.leaves(expected), strict=True):
        numpy.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-14)


NONDIFF = [(t, name, a) for t in TABLES
           for name, a in getattr(t, "NONDIFFERENTIABLE", {}).items()]


def _as_comparable(x):
    return numpy.asarray(x, dtype=object) if isinstance(x, tuple) else x


@pytest.mark.parametrize("table,name,args", NONDIFF,
                         ids=[f"{t.NAMESPACE.__name__}.{n}" for t, n, _ in NONDIFF])
def test_nondifferentiable_functions_return_plain_results(table, name, args):
    expected = getattr(table.ORIGINAL, name)(*args)
    seen = {}

    def f(x):
        seen["nabla"] = getattr(table.NAMESPACE, name)(x, *args[1:])
        seen["original"] = getattr(table.ORIGINAL, name)(x, *args[1:])
        return numpy.sum(x)

    nabla.grad(f)(args[0])
    for got in seen.values():
        assert not isinstance(got, nabla.core.Tracer)
        numpy.testing.assert_array_equal(_as_comparable(got), _as_comparable(expected))


CONSTRUCTORS = [(t, name) for t in TABLES for name in getattr(t, "CONSTRUCTORS", ())]


@pytest.mark.parametrize("table,name", CONSTRUCTORS,
                         ids=[f"{t.NAMESPACE.__name__}.{n}" for t, n in CONSTRUCTORS])
def test_constructors_are_the_originals(table, name):
    # the original itself, or the original behind a check that refuses traced sizes
    ours, original = getattr(table.NAMESPACE, name), getattr(table.ORIGINAL, name)
    assert ours is original or ours.__wrapped__ is original


def test_at_least_250_public_names_are_verified():
    verified = {(t.NAMESPACE.__name__, name) for t in TABLES
                for name in list(t.CALLS) + list(getattr(t, "NONDIFFERENTIABLE", {}))}
    differentiable = {(t.NAMESPACE.__name__, name) for t in TABLES for name in t.CALLS}
    assert len(verified) >= 250, f"only {len(verified)} verified names"
    assert len(differentiable) >= 200, f"only {len(differentiable)} differentiable names"
