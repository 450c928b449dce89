"""minimize(..., jit=True): the gradient and Hessian of f run compiled, with the same
iterates as jit=False; an f that cannot be compiled, or whose compiled result differs,
runs eagerly with a warning (silently with jit="auto", the default) and the results of
jit=False."""

import warnings

import numpy as onp
import pytest

import nabla.numpy as np
from nabla.optim.minimize import maximize, minimize

X0 = {"a": onp.array([-1.2, 1.0, -0.5]), "b": onp.float64(0.3)}
METHODS = {"lbfgs": {}, "bfgs": {}, "newton": {}, "cg": {}, "adam": {"lr": 0.05}}


def counted(f):
    """f and a list whose length is the number of Python calls of f."""
    calls = []

    def wrapper(x, *args):
        calls.append(None)
        return f(x, *args)

    return wrapper, calls


def banana(x, scale):
    """A Rosenbrock valley in (a, b) with a pytree argument and an extra argument."""
    v = np.concatenate([x["a"], np.reshape(x["b"], (1,))])
    return scale * np.sum(100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2)


def assert_same_run(compiled, eager):
    assert compiled.nit == eager.nit and compiled.message == eager.message
    assert (compiled.nfev, compiled.njev) == (eager.nfev, eager.njev)
    assert len(compiled.history["x"]) == len(eager.history["x"])
    for x_c, x_e in zip(compiled.history["x"], eager.history["x"]):
        onp.testing.assert_allclose(x_c["a"], x_e["a"], rtol=0, atol=1e-10)
        onp.testing.assert_allclose(x_c["b"], x_e["b"], rtol=0, atol=1e-10)
    onp.testing.assert_allclose(compiled.history["fun"], eager.history["fun"], rtol=0,
                                atol=1e-10)


@pytest.mark.parametrize("method", METHODS)
def test_the_iterates_are_those_of_the_eager_run(method):
    f, calls = counted(banana)
    kwargs = dict(method=method, args=(0.5,), maxiter=60, **METHODS[method])
    eager = minimize(f, X0, jit=False, **kwargs)
    eager_calls = len(calls)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager
        compiled = minimize(f, X0, jit=True, **kwargs)
    assert_same_run(compiled, eager)
    assert compiled.nit > 10
    # eagerly f runs in Python at every evaluation; compiled only to be traced and checked
    # (twice per derivative; forward-over-reverse runs f once per leaf of x for the Hessian)
    assert eager_calls >= eager.nfev
    assert len(calls) - eager_calls <= 6


def test_maximize_compiles_minus_f_alike():
    def f(x):
        return 3.0 - np.sum((x["a"] - 2.0) ** 2) - (x["b"] + 1.0) ** 2

    eager = maximize(f, X0, method="newton", jit=False)
    compiled = maximize(f, X0, method="newton", jit=True)
    assert compiled.success and compiled.fun == pytest.approx(3.0)
    assert_same_run(compiled, eager)


def branchy(x):
    """Python branches on a value of x: cannot be traced by jit."""
    if x["b"] > 0:
        return banana(x, 1.0)
    return banana(x, 2.0)


@pytest.mark.parametrize("method", ["lbfgs", "newton"])
def test_an_f_that_branches_on_a_value_runs_eagerly_with_a_warning(method):
    eager = minimize(branchy, X0, method=method, maxiter=30, jit=False)
    with pytest.warns(UserWarning, match=r"minimize: jit=True, but f runs eagerly .* "
                                         r"cannot be compiled: The truth value") as caught:
        fallback = minimize(branchy, X0, method=method, maxiter=30, jit=True)
    assert "nabla.numpy.where" in str(caught[0].message)
    assert_same_run(fallback, eager)


def test_by_default_f_is_compiled_where_it_can_be_and_nothing_warns():
    f, calls = counted(banana)
    compiled = minimize(f, X0, args=(1.0,), maxiter=40)
    assert len(calls) <= 2 and compiled.nit == 40
    eager = minimize(branchy, X0, maxiter=40, jit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fallback = minimize(branchy, X0, maxiter=40)  # jit="auto"
    assert_same_run(fallback, eager)


def test_an_f_that_draws_random_numbers_is_not_frozen_into_the_program():
    rng = onp.random.default_rng(0)

    def noisy(x):  # a new target every call: jit would trace one and keep it
        return np.sum((x["a"] - rng.normal(size=3)) ** 2) + x["b"] ** 2

    with pytest.warns(UserWarning, match="another result than run eagerly"):
        result = minimize(noisy, X0, method="adam", lr=0.1, maxiter=20, jit=True)
    assert len(result.history["fun"]) == 21
    assert len({float(v) for v in result.history["fun"][1:]}) > 1


@pytest.mark.parametrize("jit", ["yes", 1, None])
def test_jit_must_be_true_false_or_auto(jit):
    with pytest.raises(TypeError, match="minimize: jit must be True, False or 'auto'"):
        minimize(banana, X0, args=(1.0,), jit=jit)
