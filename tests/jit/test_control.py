"""``nabla.control``: loops and branches equal their Python counterparts, in value and in
first and second derivatives, eagerly and under ``jit``."""

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla.control import cond, fori_loop, scan, while_loop

XS = numpy.linspace(-1.0, 1.0, 7)


# Each case: a function written with nabla.control, and the same with Python's for / if.
def fori_control(a):
    return fori_loop(0, 6, lambda i, v: np.sin(v) * a + 0.1 * i, a)


def fori_python(a):
    v = a
    for i in range(6):
        v = np.sin(v) * a + 0.1 * i
    return v


def _step(c, x, a):
    return c * a + np.tanh(x * c), np.sin(c) * x


def scan_control(a, reverse):
    c, ys = scan(lambda c, x: _step(c, x, a), 0.5, XS, reverse=reverse)
    return c + np.sum(ys ** 2)


def scan_python(a, reverse):
    c, ys = 0.5, [None] * len(XS)
    for i in (reversed(range(len(XS))) if reverse else range(len(XS))):
        c, ys[i] = _step(c, XS[i], a)
    return c + np.sum(np.stack(ys) ** 2)


def cond_control(a):
    return cond(a > 0.2, lambda x: np.exp(x) * x, lambda x: np.cos(x) ** 3, a)


def cond_python(a):
    return np.exp(a) * a if a > 0.2 else np.cos(a) ** 3


CASES = {
    "fori_loop": (fori_control, fori_python, ()),
    "scan": (scan_control, scan_python, (False,)),
    "scan-reverse": (scan_control, scan_python, (True,)),
    "cond": (cond_control, cond_python, ()),
}


def _derivatives(f, a, static):
    g = lambda x: f(x, *static)  # noqa: E731
    return [g(a), nabla.grad(g)(a), nabla.grad(nabla.grad(g))(a)]


def _compiled_derivatives(f, a, static):
    g = lambda x: f(x, *static)  # noqa: E731
    return [nabla.jit(g)(a), nabla.jit(nabla.grad(g))(a), nabla.jit(nabla.grad(nabla.grad(g)))(a),
            nabla.grad(nabla.jit(g))(a), nabla.grad(nabla.grad(nabla.jit(g)))(a)]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("a", [0.7, -0.4])
def test_value_gradient_and_second_derivative_equal_the_python_version(name, a):
    control, python, static = CASES[name]
    want = _derivatives(python, a, static)
    eager = _derivatives(control, a, static)
    compiled = _compiled_derivatives(control, a, static)
    for got in (eager, compiled[:3], [compiled[0], *compiled[3:]]):
        numpy.testing.assert_allclose(numpy.array(got, dtype=float), want, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_mode_equals_the_python_version(name):
    control, python, static = CASES[name]
    want = nabla.jvp(lambda x: python(x, *static), (0.7,), (1.0,))
    got = nabla.jit(lambda x: nabla.jvp(lambda y: control(y, *static), (x,), (1.0,)))(0.7)
    numpy.testing.assert_allclose(got, want, rtol=1e-12)


def test_a_long_loop_is_one_equation():
    def f(steps):
        return nabla.make_program(
            lambda x: fori_loop(0, steps, lambda i, v: v * 0.999 + x, x))(1.0)

    short, long = f(10), f(10_000)
    assert len(short) == len(long) == 1
    assert long.equations[0].name == "scan"
    assert "length=10000" in str(long)
    value = nabla.jit(lambda x: fori_loop(0, 10_000, lambda i, v: v * 0.999 + x, x))(1.0)
    expected = 1.0
    for _ in range(10_000):
        expected = expected * 0.999 + 1.0
    assert value == pytest.approx(expected, rel=1e-12)


def test_scan_carries_and_stacks_pytrees():
    def f(w):
        def step(carry, x):
            total, count = carry["total"], carry["count"]
            return {"total": total + w * x["a"], "count": count + 1}, (total, x["b"] * w)

        init = {"total": 0.0, "count": numpy.int64(0)}
        xs = {"a": XS, "b": XS ** 2}
        carry, (totals, scaled) = scan(step, init, xs)
        return carry["total"] + np.sum(totals) + np.sum(scaled) + carry["count"]

    for fn in (f, nabla.jit(f)):
        assert fn(0.3) == pytest.approx(f(0.3), rel=1e-12)
    numpy.testing.assert_allclose(nabla.jit(nabla.grad(f))(0.3), nabla.grad(f)(0.3),
                                  rtol=1e-12)


def test_gradient_with_respect_to_the_scanned_sequence_and_an_array_carry():
    def f(xs, c0):
        c, ys = scan(lambda c, x: (np.tanh(c + x), c * x), c0, xs)
        return np.sum(c) + np.sum(ys)

    xs, c0 = numpy.linspace(0, 1, 12).reshape(4, 3), numpy.array([0.1, -0.2, 0.3])
    want = nabla.grad(f, argnums=(0, 1))(xs, c0)
    got = nabla.jit(nabla.grad(f, argnums=(0, 1)))(xs, c0)
    for g, w in zip(got, want):
        numpy.testing.assert_allclose(g, w, rtol=1e-12)


def test_fori_loop_with_traced_bounds_is_a_while_loop():
    f = nabla.jit(lambda n, x: fori_loop(0, n, lambda i, v: v * x, 1.0))
    assert f(numpy.int64(3), 2.0) == 8.0
    assert f(numpy.int64(5), 2.0) == 32.0
    assert f.cache_info().misses == 1


def test_while_loop_forward_mode_and_the_refusal_of_reverse_mode():
    def f(x):
        return while_loop(lambda v: v < 100.0, lambda v: 3.0 * v, x)

    assert nabla.jit(f)(2.0) == 162.0
    assert nabla.grad(f)(2.0) == 81.0  # eagerly a Python loop: differentiable
    assert nabla.jvp(nabla.jit(f), (2.0,), (1.0,))[1] == 81.0
    assert nabla.jacfwd(nabla.jit(f))(2.0) == 81.0
    with pytest.raises(TypeError, match="while_loop inside jit is not supported"):
        nabla.grad(nabla.jit(f))(2.0)
    with pytest.raises(TypeError, match="fori_loop with Python int bounds"):
        nabla.jit(nabla.grad(f))(2.0)


def test_cond_runs_only_the_branch_taken():
    def f(x):
        return cond(x > 0, lambda v: np.sqrt(v), lambda v: v * 0.0, x)

    with numpy.errstate(invalid="raise"):  # sqrt of a negative number would warn
        assert nabla.jit(f)(-4.0) == 0.0
        assert nabla.jit(f)(4.0) == 2.0


def test_cond_with_a_known_predicate_is_a_python_if():
    program = nabla.make_program(lambda x: cond(True, np.sin, np.cos, x))(1.0)
    assert [e.name for e in program.equations] == ["sin"]


@pytest.mark.parametrize("body,phrase", [
    (lambda x: scan(lambda c, v: (c + v, None), 0, XS), "keep its shape and dtype"),
    (lambda x: scan(lambda c, v: c + v, 0.0, XS), "pair"),
    (lambda x: cond(x > 0, lambda v: v, lambda v: (v, v), x), "same structure"),
    (lambda x: while_loop(lambda v: v < 1, lambda v: v + 0.5, 0), "keep its shape and dtype"),
    (lambda x: scan(lambda c, v: (c, v), 0.0, (XS, XS[:3])), "disagree"),
    (lambda x: cond(XS > x, np.sin, np.cos, x), "scalar"),
])
def test_mistakes_in_loop_bodies_are_explained(body, phrase):
    with pytest.raises((TypeError, ValueError), match=phrase):
        nabla.jit(body)(1.0)
