"""The numba backend of ``jit``: fused elementwise kernels equal the NumPy code, kernels
are kept on disk for the next process, and ``NABLA_JIT_BACKEND`` chooses.

Compiling a kernel takes numba about half a second, so the tests use few kernels and
share one cache directory (``conftest.py``).
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla.core.primitive import Primitive
from nabla.core.staging import Equation, Program, Var
from nabla.jit import disk_cache, numba_backend
from nabla.jit import program as jit_program

numba = pytest.importorskip("numba")

RTOL = {numpy.dtype("float64"): 1e-12, numpy.dtype("float32"): 1e-5}


def _runner(jitted):
    """The compiled function of the (single) signature ``jitted`` has seen."""
    (entry,) = jitted._cache.values()
    return entry.run


def _kernel_count(runner):
    return sum(e.prim.name == "fused" for e in runner.fused.equations)


def _assert_same(got, want):
    got, want = nabla.tree.leaves(got), nabla.tree.leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert type(g) is type(w) and numpy.shape(g) == numpy.shape(w)
        assert numpy.result_type(g) == numpy.result_type(w)
        if numpy.result_type(w).kind == "f":
            numpy.testing.assert_allclose(g, w, rtol=RTOL[numpy.result_type(w)], atol=0)
        else:
            numpy.testing.assert_array_equal(g, w)


def _both(monkeypatch, fun, *args):
    """``jit(fun)(*args)`` on the NumPy backend and on the numba one, and the latter's
    compiled function."""
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numpy")
    want = nabla.jit(fun)(*args)
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numba")
    fused = nabla.jit(fun)
    got = fused(*args)
    return got, want, _runner(fused)


RNG = numpy.random.default_rng(0)
X = RNG.uniform(-2, 2, 50)
Y = RNG.uniform(0.5, 3, 50)


def chain_float64(x, y):
    z = np.tanh(x * y + 0.5) ** 2 - np.exp(-x) / y
    return np.log1p(np.abs(z)) + np.sqrt(y) * np.sin(x), z


def chain_scalars(x, s, t):  # a Python float (weak) and a 0-d array (strong) as inputs
    return np.maximum(x * s + t, 0.0) - 3 * np.cos(x) / s


def chain_python_numbers(x, i, b):  # a Python int and a Python bool as inputs
    return np.where(np.logical_and(x > 0, b), x * i, x - i) + i


def chain_float32(x, s):
    y = np.exp(x * s) - 1.5  # stays float32: s and 1.5 are Python floats
    return y * y + np.minimum(y, 0.25), x > 0.1  # 0.1 compared as a float32, as NumPy does


def chain_mixed(i, x):
    k = i * 3 - 7  # int64 stays int64
    return k * k + 1, k / 2 + x, (k % 4) * x  # remainder is not fused, the rest is


def chain_where(x, y, s):
    big = (x > s) & (y < 2.5)
    w = np.where(big, x * y, -x)
    return np.where(w > 0, w, 0.5 * w) + (x == s), big


def chain_2d(a, b):  # the transpose is not contiguous: raveled in C order
    return np.exp(a.T * 0.5) + b * b


CHAINS = [
    ("float64", chain_float64, (X, Y)),
    ("scalars", chain_scalars, (X, 2.5, numpy.array(-0.25))),
    ("python int and bool", chain_python_numbers, (X, 3, True)),
    ("float32", chain_float32, (numpy.float32([0.1, -1, 0.5, 2, 0.1000001]), 0.5)),
    ("mixed int/float", chain_mixed, (numpy.arange(-5, 45), X)),
    ("comparisons and where", chain_where, (X, Y, 0.25)),
    ("2-d", chain_2d, (X.reshape(5, 10), Y.reshape(10, 5))),
]


@pytest.mark.parametrize("fun, args", [c[1:] for c in CHAINS], ids=[c[0] for c in CHAINS])
def test_fused_chain_equals_numpy(monkeypatch, fun, args):
    got, want, runner = _both(monkeypatch, fun, *args)
    assert runner.backend == "numba" and _kernel_count(runner) >= 1
    _assert_same(got, want)
    _assert_same(got, fun(*args))  # and eager nabla


def test_float32_weak_scalars_stay_float32(monkeypatch):
    x = numpy.float32([0.1, 0.2, 3.0])
    got, want, _ = _both(monkeypatch, chain_float32, x, 0.1)
    assert got[0].dtype == numpy.float32
    # NumPy 2 compares float32 with a Python float in float32: 0.1 > 0.1 is False
    numpy.testing.assert_array_equal(got[1], [False, True, True])
    _assert_same(got, want)


def test_strong_zero_d_array_promotes(monkeypatch):
    x = numpy.float32([1.0, 2.0])
    got, want, runner = _both(monkeypatch, lambda x, s: np.sin(x * s) + 1, x, numpy.array(0.5))
    assert got.dtype == numpy.float64 and _kernel_count(runner) == 1
    _assert_same(got, want)


def test_non_fusible_primitive_in_the_middle(monkeypatch):
    a = RNG.normal(size=(50, 50))

    def f(x, y):
        u = np.sin(x) * 2 + y  # a group
        v = a @ y  # independent of it: the group stays open across it
        w = np.exp(u) - 1
        return np.cumsum(w) * v + np.sqrt(y)  # cumsum reads the group: a second one after it

    got, want, runner = _both(monkeypatch, f, X, Y)
    _assert_same(got, want)
    names = [e.prim.name for e in runner.fused.equations]
    assert names.count("fused") == 2 and "matmul" in names and "cumsum" in names
    assert names.index("fused") > names.index("matmul")


def test_broadcasting_is_left_to_numpy(monkeypatch):
    def outer(x, y):
        return (x[:, None] + 1.0) * (y[None, :] - 1.0)  # shapes (4, 1), (1, 3) -> (4, 3)

    got, want, runner = _both(monkeypatch, outer, X[:4], Y[:3])
    assert runner.backend == "numpy" and runner.fused is None  # nothing of one shape to fuse
    _assert_same(got, want)


def test_a_kernel_numba_cannot_compile_falls_back_to_numpy(monkeypatch):
    monkeypatch.setitem(numba_backend._OPS, numpy.sin, ("no_such_function({0})", "f"))
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numba")
    f = nabla.jit(chain_float64)
    with pytest.warns(RuntimeWarning, match="(?s)failed to compile.*runs as NumPy code"):
        got = f(X, Y)
    _assert_same(got, chain_float64(X, Y))
    assert _runner(f).backend == "numpy"


# --- every operation the backend fuses, in three kernels --------------------------------


def _program(inputs, ops):
    """A program of ``ops`` (``(ufunc, operand names or constants)``), every result an
    output, with the shapes and dtypes of running it on ``inputs`` (name -> array)."""
    values = dict(inputs)
    vars_ = {name: Var(v.shape, v.dtype) for name, v in inputs.items()}
    equations, outputs = [], []
    with numpy.errstate(all="ignore"):
        for k, (fn, operands) in enumerate(ops):
            result = fn(*[values.get(o, o) if isinstance(o, str) else o for o in operands])
            out = Var(result.shape, result.dtype)
            ins = [vars_[o] if isinstance(o, str) else o for o in operands]
            equations.append(Equation(Primitive(fn.__name__, fn), ins, {}, [out]))
            values[f"r{k}"], vars_[f"r{k}"] = result, out
            outputs.append(out)
    return Program([vars_[name] for name in inputs], equations, outputs), list(inputs.values())


SPECIAL = [-2.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 2.0, 7.5, numpy.inf, -numpy.inf,
           numpy.nan]


def _float_ops():
    ops = []
    for u, (_, kinds) in numba_backend._OPS.items():
        if "f" in kinds:
            ops.append((u, ("x",) if u.nin == 1 else ("x", "y")))
    return ops + [(numpy.where, ("p", "x", "y")), (numpy.multiply, ("x", 0.1)),
                  (numpy.greater, ("x", 0.3))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_float_operation(dtype):
    x = numpy.array(SPECIAL * 13, dtype)
    y = numpy.roll(x, 5)[::-1].copy()
    program, args = _program({"x": x, "y": y, "p": x > y}, _float_ops())
    fused, kernels = numba_backend.fuse(program)
    assert kernels == 1 and len(fused.equations) == 1
    with numpy.errstate(all="ignore"):
        want = program.evaluate(*args)
    got = fused.evaluate(*args)
    for (u, _), g, w in zip(_float_ops(), got, want):
        assert g.dtype == w.dtype, u
        if w.dtype.kind == "f":
            numpy.testing.assert_allclose(g, w, rtol=RTOL[w.dtype], atol=0, err_msg=str(u))
        else:
            numpy.testing.assert_array_equal(g, w, err_msg=str(u))


def test_every_integer_and_bool_operation():
    i = numpy.array([-128, -7, -1, 0, 1, 3, 100, 127] * 4, numpy.int8)
    j = numpy.roll(i, 3)
    ops = [(u, ("i",) if u.nin == 1 else ("i", "j"))
           for u, (_, kinds) in numba_backend._OPS.items() if "i" in kinds]
    ops += [(u, ("p",) if u.nin == 1 else ("p", "q"))
            for u, (_, kinds) in numba_backend._OPS.items() if kinds == "b"]
    ops += [(numpy.add, ("i", 100)), (numpy.multiply, ("i", "k")), (numpy.subtract, ("u", 7)),
            (numpy.where, ("p", "i", "u"))]  # wrap-around in int8; int8 with uint8 is int16
    inputs = {"i": i, "j": j, "p": i > 0, "q": j % 2 == 0, "k": numpy.arange(32),
              "u": numpy.arange(32, dtype=numpy.uint8)}
    program, args = _program(inputs, ops)
    fused, kernels = numba_backend.fuse(program)
    assert kernels == 1 and len(fused.equations) == 1
    for (u, _), g, w in zip(ops, fused.evaluate(*args), program.evaluate(*args)):
        assert g.dtype == w.dtype, u
        numpy.testing.assert_array_equal(g, w, err_msg=str(u))


def test_python_int_out_of_an_int8_loop_is_not_fused():
    program, _ = _program({"i": numpy.arange(4, dtype=numpy.int8)},
                          [(numpy.add, ("i", 1)), (numpy.add, ("r0", "i"))])
    weak = Var((), numpy.dtype("int64"))  # a Python int input: NumPy checks it fits int8
    program.inputs.append(weak)
    program.equations.append(Equation(Primitive("add", numpy.add), [program.outputs[1], weak],
                                      {}, [Var((4,), numpy.dtype("int8"))]))
    fused, kernels = numba_backend.fuse(program, weak={weak})
    assert kernels == 1
    assert [e.prim.name for e in fused.equations] == ["fused", "add"]


# --- threads, the backends and their choice ---------------------------------------------


def test_threads_get_their_own_results(monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numba")
    f = nabla.jit(lambda x, s: np.tanh(x * s) + np.exp(-x * x))
    inputs = [(RNG.normal(size=1000), float(k)) for k in range(8)]
    f(*inputs[0])
    results = [None] * 8
    barrier = threading.Barrier(8)

    def work(k):
        barrier.wait()
        results[k] = [f(*inputs[k]) for _ in range(50)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, (x, s) in enumerate(inputs):
        want = numpy.tanh(x * s) + numpy.exp(-x * x)
        for got in results[k]:  # buffers are fresh per call: no call overwrote another's
            numpy.testing.assert_allclose(got, want, rtol=1e-12)
        assert len({id(r) for r in results[k]}) == 50


@pytest.mark.parametrize("value", ["jax", "numbaa", "auto,numba"])
def test_invalid_backend(monkeypatch, value):
    monkeypatch.setenv("NABLA_JIT_BACKEND", value)
    with pytest.raises(ValueError, match="is not a jit backend; use one of auto"):
        nabla.jit(chain_float64)(X, Y)


def test_backend_names_are_case_insensitive(monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "NumPy")
    f = nabla.jit(chain_float64)
    f(X, Y)
    assert not isinstance(_runner(f), jit_program._Runner)  # plain NumPy code


def test_numba_backend_without_numba(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` raises ImportError
    monkeypatch.setenv("NABLA_JIT_BACKEND", "numba")
    with pytest.raises(ImportError, match=r"pip install nabla\[jit\]"):
        nabla.jit(chain_float64)(X, Y)
    monkeypatch.setenv("NABLA_JIT_BACKEND", "auto")
    monkeypatch.setattr(jit_program, "AUTO_AFTER_S", 0.0)
    f = nabla.jit(chain_float64)
    _assert_same(f(X, Y), chain_float64(X, Y))
    assert _runner(f).backend == "numpy"


def test_auto_runs_numpy_until_the_program_is_hot(monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "auto")
    monkeypatch.setattr(jit_program, "AUTO_AFTER_S", 3600.0)
    f = nabla.jit(chain_float64)
    for _ in range(3):
        _assert_same(f(X, Y), chain_float64(X, Y))
    assert _runner(f).backend is None and _runner(f).fused is None  # still renting

    monkeypatch.setattr(jit_program, "AUTO_AFTER_S", 0.0)  # hot at once: time both, choose
    g = nabla.jit(chain_float64)
    _assert_same(g(X, Y), chain_float64(X, Y))
    runner = _runner(g)
    assert runner.backend in ("numpy", "numba") and _kernel_count(runner) == 1
    assert (runner._call is runner.numpy_run) == (runner.backend == "numpy")
    _assert_same(g(X, Y), chain_float64(X, Y))


def test_auto_without_elementwise_chains_is_plain_numpy(monkeypatch):
    monkeypatch.setenv("NABLA_JIT_BACKEND", "auto")
    f = nabla.jit(lambda a: np.sum(np.exp(a)))
    f(X)
    assert not isinstance(_runner(f), jit_program._Runner)


# --- the disk cache ---------------------------------------------------------------------

SCRIPT = textwrap.dedent("""
    import json, numpy, nabla, nabla.numpy as np
    from nabla.jit import disk_cache
    f = nabla.jit(lambda x, s: np.log1p(np.exp(x * s)) - x / 3)
    x = numpy.linspace(-1, 1, 9)
    numpy.testing.assert_allclose(f(x, 2.0), numpy.log1p(numpy.exp(x * 2.0)) - x / 3)
    stats = [m.kernel.stats for m in disk_cache._modules.values()]
    print(json.dumps({"hits": sum(sum(s.cache_hits.values()) for s in stats),
                      "misses": sum(sum(s.cache_misses.values()) for s in stats),
                      "kernels": len(stats)}))
""")


def test_a_second_process_loads_the_compiled_kernel(tmp_path):
    env = dict(os.environ, NABLA_CACHE_DIR=str(tmp_path), NABLA_JIT_BACKEND="numba")

    def run():
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    first = run()
    assert first == {"hits": 0, "misses": 1, "kernels": 1}  # compiled, and saved
    (source,) = (tmp_path / "kernels").glob("nabla_kernel_*.py")
    machine_code = list((tmp_path / "kernels" / "__pycache__").glob("*.nb[ic]"))
    assert {p.suffix for p in machine_code} == {".nbi", ".nbc"}
    stamps = {p: p.stat().st_mtime_ns for p in [source, *machine_code]}
    second = run()
    assert second == {"hits": 1, "misses": 0, "kernels": 1}  # loaded, not compiled
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing written again


def test_cache_dir_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("NABLA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert disk_cache.cache_dir() == tmp_path / "nabla"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert disk_cache.cache_dir() == Path.home() / ".cache" / "nabla"
    monkeypatch.setenv("NABLA_CACHE_DIR", str(tmp_path / "mine"))
    assert disk_cache.cache_dir() == tmp_path / "mine"


def test_source_modules_are_written_once_and_atomically(monkeypatch, tmp_path):
    monkeypatch.setenv("NABLA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(disk_cache, "_modules", {})
    module = disk_cache.source_module("ANSWER = 42\n", prefix="nabla_test")
    assert module.ANSWER == 42
    assert disk_cache.source_module("ANSWER = 42\n", prefix="nabla_test") is module
    (path,) = (tmp_path / "kernels").glob("nabla_test_*.py")
    assert path.read_text() == "ANSWER = 42\n"
    stamp = path.stat().st_mtime_ns
    monkeypatch.setattr(disk_cache, "_modules", {})  # as in a new process
    assert disk_cache.source_module("ANSWER = 42\n", prefix="nabla_test").ANSWER == 42
    assert path.stat().st_mtime_ns == stamp  # found, not rewritten
    assert not list((tmp_path / "kernels").glob(".*.tmp"))  # no temporary file left


def test_unwritable_cache_dir_falls_back_to_a_temporary_one(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("NABLA_CACHE_DIR", str(blocker / "nabla"))  # cannot be created
    monkeypatch.setattr(disk_cache, "_fallback_dir", None)
    monkeypatch.setattr(disk_cache, "_modules", {})
    with pytest.warns(RuntimeWarning, match="cannot write compiled kernels"):
        module = disk_cache.source_module("ANSWER = 7\n", prefix="nabla_test")
    assert module.ANSWER == 7
    assert Path(module.__file__).parent == disk_cache._fallback_dir
