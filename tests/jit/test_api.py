"""``nabla.jit`` and ``nabla.make_program``: caching, composition, errors, threads,
memory, pickling."""

import gc
import pickle
import subprocess
import sys
import threading
import tracemalloc

import cloudpickle
import numpy
import pytest

import nabla
import nabla.numpy as np


def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


W = numpy.linspace(-1.0, 1.0, 3)
X = numpy.arange(12.0).reshape(4, 3) / 10


# --- composition --------------------------------------------------------------------------
COMPOSITIONS = {
    "jit": (lambda f: nabla.jit(f), lambda f: f),
    "jit-grad": (lambda f: nabla.jit(nabla.grad(f)), nabla.grad),
    "grad-jit": (lambda f: nabla.grad(nabla.jit(f)), nabla.grad),
    "jit-value_and_grad": (lambda f: nabla.jit(nabla.value_and_grad(f)), nabla.value_and_grad),
    "jacfwd-jit": (lambda f: nabla.jacfwd(nabla.jit(f)), nabla.jacfwd),
    "jit-hessian": (lambda f: nabla.jit(nabla.hessian(f)), nabla.hessian),
    "hessian-jit": (lambda f: nabla.hessian(nabla.jit(f)), nabla.hessian),
    "nested": (lambda f: nabla.jit(nabla.jit(nabla.grad(nabla.jit(f)))), nabla.grad),
}


@pytest.mark.parametrize("name", sorted(COMPOSITIONS))
def test_jit_composes_with_transforms_both_ways(name):
    compiled, eager = COMPOSITIONS[name]
    got, want = compiled(loss)(W, X), eager(loss)(W, X)
    assert nabla.tree.structure(got) == nabla.tree.structure(want)
    for g, w in zip(nabla.tree.leaves(got), nabla.tree.leaves(want)):
        assert numpy.shape(g) == numpy.shape(w)
        numpy.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


def test_jit_inside_a_function_closing_over_an_outer_tracer():
    def outer(a):
        return nabla.jit(lambda x: np.sum(np.sin(x * a)))(X)

    numpy.testing.assert_allclose(nabla.grad(outer)(0.3),
                                  numpy.sum(numpy.cos(X * 0.3) * X), rtol=1e-12)


def test_a_training_step_as_one_compiled_function():
    step = nabla.jit(nabla.value_and_grad(loss))
    w = W.copy()
    for _ in range(3):
        value, g = step(w, X)
        w = w - 0.1 * g
    w_eager = W.copy()
    for _ in range(3):
        value_eager, g = nabla.value_and_grad(loss)(w_eager, X)
        w_eager = w_eager - 0.1 * g
    numpy.testing.assert_allclose(w, w_eager, rtol=1e-12)
    assert step.cache_info().hits == 2


# --- caching ------------------------------------------------------------------------------
def test_a_second_call_does_not_retrace():
    traced = []

    @nabla.jit
    def f(x):
        traced.append(1)  # a side effect: runs only while tracing
        return np.exp(x) * 2

    f(numpy.ones(3))
    f(numpy.zeros(3))
    f(numpy.full(3, 5.0))
    assert len(traced) == 1
    info = f.cache_info()
    assert (info.hits, info.misses, info.currsize) == (2, 1, 1)
    numpy.testing.assert_allclose(f(numpy.full(3, 2.0)), 2 * numpy.exp(2.0))


@pytest.mark.parametrize("other", [
    numpy.ones(4),                        # a new shape
    numpy.ones(3, dtype=numpy.float32),   # a new dtype
    [numpy.ones(3)],                      # a new pytree structure
])
def test_a_new_signature_retraces(other):
    traced = []

    @nabla.jit
    def f(x):
        traced.append(1)
        return nabla.tree.map(lambda a: a * 2, x)

    f(numpy.ones(3))
    f(other)
    assert len(traced) == 2
    assert f.cache_info().misses == 2


def test_a_new_static_value_retraces_and_python_scalars_do_not():
    traced = []

    def f(x, power, scale):
        traced.append(power)
        return np.sum(x ** power) * scale

    expected = {scale: f(X, 2, scale) for scale in (1.0, 2.0, 3.5)}
    traced.clear()
    g = nabla.jit(f, static_argnums=1)
    for scale in (1.0, 2.0, 3.5):  # a Python float's value is an input, not part of the key
        assert g(X, 2, scale) == pytest.approx(expected[scale], rel=1e-14)
    assert traced == [2]
    g(X, 3, 1.0)
    assert traced == [2, 3]
    assert g.cache_info().misses == 2
    h = nabla.jit(f, static_argnames="power")
    assert h(X, power=2, scale=1.5) == pytest.approx(f(X, 2, 1.5))
    h(X, power=2, scale=4.0)
    assert h.cache_info().hits == 1


def test_python_scalars_keep_numpy_weak_typing():
    f = nabla.jit(lambda x, s: x * s)
    out = f(numpy.ones(2, dtype=numpy.float32), 3.0)
    assert out.dtype == numpy.float32
    numpy.testing.assert_array_equal(out, [3.0, 3.0])


def test_the_cache_holds_at_most_maxsize_entries_least_recently_used_out():
    f = nabla.jit(lambda x: x + 1, maxsize=2)
    a, b, c = numpy.ones(1), numpy.ones(2), numpy.ones(3)
    f(a)
    f(b)
    f(a)       # a is now the most recent
    f(c)       # evicts b
    assert f.cache_info().currsize == 2
    f(a)
    assert f.cache_info().hits == 2
    f(b)
    assert f.cache_info().misses == 4
    f.clear_cache()
    assert f.cache_info().currsize == 0


def test_closed_over_arrays_are_constants_until_the_cache_is_cleared():
    data = numpy.ones(3)
    f = nabla.jit(lambda x: np.sum(x * data))
    assert f(numpy.ones(3)) == 3.0
    data[:] = 2.0
    assert f(numpy.ones(3)) == 3.0  # captured when traced, as in JAX
    f.clear_cache()
    assert f(numpy.ones(3)) == 6.0


def test_outputs_are_fresh_arrays_the_caller_may_change():
    f = nabla.jit(lambda x: (x * 0 + numpy.arange(3.0), numpy.arange(3.0)))
    first = f(numpy.ones(3))
    first[1][:] = -1
    numpy.testing.assert_array_equal(f(numpy.ones(3))[1], [0.0, 1.0, 2.0])


# --- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("body,phrase", [
    (lambda x: x if x > 0 else -x, "truth value"),
    (lambda x: bool(x), "truth value"),
    (lambda x: float(x), "float"),
    (lambda x: int(x), "int"),
    (lambda x: x.item(), "item"),
    (lambda x: np.zeros(np.sum(x > 0)), "integer"),
    (lambda x: np.ones((2, np.sum(x > 0))), "integer"),
    (lambda x: np.sum(x[: np.sum(x > 0)]), "integer"),
    (lambda x: np.sum(x[np.sum(x > 0):]), "integer"),
    (lambda x: [x for _ in range(np.sum(x > 0))], "integer"),
])
def test_python_control_flow_on_a_traced_value_is_a_concretization_error(body, phrase):
    with pytest.raises(nabla.ConcretizationError, match=phrase) as info:
        nabla.jit(body)(numpy.asarray([2.0, -1.0, 3.0]) if "integer" in phrase
                        else numpy.asarray(2.0))
    assert isinstance(info.value, TypeError)
    assert "static_argnums" in str(info.value)


def test_a_branch_error_suggests_where_and_cond():
    with pytest.raises(nabla.ConcretizationError, match="nabla.numpy.where") as info:
        nabla.jit(lambda x: x if x > 0 else -x)(1.0)
    assert "nabla.control.cond" in str(info.value)


def test_an_unhashable_static_argument_is_named():
    f = nabla.jit(lambda x, options: x * len(options), static_argnums=1)
    with pytest.raises(TypeError, match="static argument at position 1 must be hashable"):
        f(1.0, [1, 2])


def test_a_non_array_argument_must_be_static():
    with pytest.raises(TypeError, match="static_argnums"):
        nabla.jit(lambda x, name: x)(1.0, "name")


def test_a_tracer_escaping_a_jitted_function_raises_the_escaped_tracer_error():
    leaked = []

    @nabla.jit
    def f(x):
        leaked.append(x)
        return x * 2

    f(numpy.ones(2))
    with pytest.raises(nabla.UnexpectedTracerError, match="after its transform returned"):
        np.sin(leaked[0])


# --- make_program -------------------------------------------------------------------------
def test_make_program_prints_the_program_of_a_gradient():
    def f(x):
        return np.sum(np.sin(x) ** 2)

    program = nabla.make_program(nabla.grad(f))(numpy.ones(3))
    text = str(program)
    lines = text.splitlines()
    assert lines[0].startswith("{ lambda a:float64[3]")
    for name in ("sin", "cos", "power", "multiply", "sum"):
        assert f" = {name}" in text, name
    assert "b:float64[3] = sin a" in text
    assert lines[-1].strip().startswith("in (")
    assert len(program.equations) == len(lines) - 2
    optimized = program.optimize()
    assert len(optimized) < len(program)
    assert "def program(x0):" in optimized.source
    assert "sin(x0)" in optimized.source
    # the optimized program computes the same gradient
    numpy.testing.assert_allclose(optimized.evaluate(numpy.arange(3.0))[0],
                                  nabla.grad(f)(numpy.arange(3.0)), rtol=1e-14)


def test_optimization_removes_dead_code_repeats_and_the_ones_of_derivative_rules():
    def f(x):
        unused = np.exp(x) * 3  # noqa: F841 - dead code
        return np.sin(x) * 1.0 + np.sin(x) + 0.0

    program = nabla.make_program(f)(numpy.ones(2))
    optimized = program.optimize()
    names = [e.name for e in optimized.equations]
    assert names == ["sin", "add"], str(optimized)


# --- threads, memory, processes -----------------------------------------------------------
def test_eight_threads_get_their_serial_results():
    f = nabla.jit(nabla.grad(loss))
    inputs = [numpy.linspace(-1, 1, 3) * k for k in range(8)]
    expected = [nabla.grad(loss)(w, X) for w in inputs]
    results = [None] * 8
    barrier = threading.Barrier(8)

    def work(k):
        barrier.wait()
        for _ in range(200):
            results[k] = f(inputs[k], X)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-12)


def test_many_calls_leave_memory_flat(monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numpy")  # no kernel compiled midway
    f = nabla.jit(nabla.grad(loss))
    x = numpy.ones(3)
    for _ in range(1000):
        f(x, X)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(100_000):
        f(x, X)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    # what nabla's code and its compiled programs hold (not other threads of the test run)
    ours = [tracemalloc.Filter(True, "*nabla*"), tracemalloc.Filter(True, "<nabla.jit*")]
    after, before = after.filter_traces(ours), before.filter_traces(ours)
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 100_000, f"{grown} bytes more after 100,000 calls"


def _jitted_for_pickling():
    return nabla.jit(lambda x, k: np.sum(x ** k), static_argnums=1)


def test_a_jitted_function_travels_to_another_process_without_its_cache():
    f = _jitted_for_pickling()
    assert f(numpy.arange(3.0), 2) == 5.0
    data = cloudpickle.dumps(f)
    copy = pickle.loads(data)
    assert copy.cache_info().currsize == 0
    script = ("import pickle, sys, numpy\n"
              "f = pickle.loads(sys.stdin.buffer.read())\n"
              "assert f.cache_info().currsize == 0\n"
              "print(float(f(numpy.arange(4.0), 3)), f.cache_info().misses)\n")
    out = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True,
                         check=True, timeout=120)
    assert out.stdout.split() == [b"36.0", b"1"]


def test_transforms_of_a_jitted_function_pickle_too():
    f = nabla.value_and_grad(nabla.jit(lambda x: np.sum(np.sin(x) ** 2)))
    x = numpy.arange(3.0)
    value, g = pickle.loads(cloudpickle.dumps(f))(x)
    want_value, want_g = f(x)
    assert value == pytest.approx(want_value, rel=1e-14)
    numpy.testing.assert_allclose(g, want_g, rtol=1e-14)
    # and so do pytree structures (Dask ships them to its workers)
    td = nabla.tree.structure({"w": [1.0, (2.0, None)], "b": 3.0})
    assert pickle.loads(pickle.dumps(td)) == td


def test_pytree_arguments_keep_their_order_on_cache_hits():
    def f(params, x, extra):
        return params["w"] @ x + params["b"][0] - 2 * params["b"][1] + extra[0] * extra[1]

    g = nabla.jit(f)
    rng = numpy.random.default_rng(0)
    for _ in range(3):
        params = {"w": rng.normal(size=(2, 3)), "b": [rng.normal(size=2), rng.normal()]}
        args = (params, rng.normal(size=3), (rng.normal(), numpy.float64(rng.normal())))
        numpy.testing.assert_allclose(g(*args), f(*args), rtol=1e-14)
    assert g.cache_info().hits == 2


def test_custom_rules_are_kept_by_jit():
    @nabla.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (np.clip(g, -1.0, 1.0),))

    @nabla.custom_jvp
    def softplus(x):
        return np.log1p(np.exp(x))

    @softplus.defjvp
    def softplus_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return softplus(x), t * 2.0  # deliberately not the true derivative: the rule is used

    def f(x):
        return 5.0 * clip_gradient(x) + softplus(x)

    want = nabla.grad(f)(0.3)
    assert want == pytest.approx(1.0 + 2.0)
    assert nabla.jit(nabla.grad(f))(0.3) == pytest.approx(want)
    assert nabla.grad(nabla.jit(f))(0.3) == pytest.approx(want)
    assert nabla.jit(f)(0.3) == pytest.approx(f(0.3))
    assert "custom_call" in str(nabla.make_program(f)(0.3))
    assert "custom_call" not in str(nabla.make_program(f)(0.3).optimize())  # inlined


def test_optimization_shares_slices_and_reads_uniform_constants_as_numbers():
    def f(x):
        return np.mean(np.exp(x[:-1])) + np.sum(x[:-1] ** 2)

    program = nabla.make_program(nabla.grad(f))(numpy.ones(5)).optimize()
    slices = [e for e in program.equations if e.name == "getitem"]
    assert len(slices) == 1, str(program)
    # the mean's 1/n reaches the exp's derivative as the number 0.25, not an array of them
    assert not any(isinstance(a, numpy.ndarray) and a.size > 1
                   for e in program.equations for a in e.inputs), str(program)
    numpy.testing.assert_allclose(program.evaluate(numpy.arange(5.0))[0],
                                  nabla.grad(f)(numpy.arange(5.0)), rtol=1e-14)
