"""Per-operation overhead of nabla's reverse mode, against the peers that are installed.

Two workloads, written once and run with every framework:

(a) ``chain``: the gradient of a chain of 50 operations on a length-8 float64 vector
    (seven rounds of sin, *1.5, tanh, +0.25, cos, *0.75, exp = 49 elementwise
    operations, then a sum). The arrays are tiny, so the time is almost all
    framework overhead: recording the operations, dispatching, running the VJP rules.
(b) ``mlp``: one training step (forward, backward, SGD update) of a 784-256-256-10
    ReLU network with softmax cross-entropy on a float32 batch of 128 (one-hot
    labels, log-softmax stabilised with ``stop_gradient(max)``). Here the matrix
    products dominate, so this measures whether overhead matters at a realistic size.

Peers: HIPS autograd (``autograd.grad``), JAX without ``jit`` (``jax.grad`` /
``jax.value_and_grad`` called eagerly, x64 enabled; the MLP stays float32), and
PyTorch eager (``torch.autograd``); a peer that is not installed is listed as such.
"numpy by hand" is the floor: the same gradients written out in plain NumPy, no tape.
Every framework is limited to the same number of threads (``--threads``, default: the
cores this process may use), set before any of them is imported, and runs in its own
process, so that none changes another's times (imports, thread pools, heap state).

Timing follows ``timeit``: warm up, calibrate a loop to last about 0.2 s (0.05 s with
``--quick``; the garbage collector off inside the loop, as timeit does), repeat it 7
times (3), report the best and the median time per call. Ratios are peer time / nabla
time from the same run (>1: nabla is faster). Each peer's gradient (and the MLP's loss)
is checked against nabla's in the same run. Nothing is asserted: benchmarks are not
tests. The run reports how busy other processes kept the CPUs, which spoils the times.

    python bench/overhead.py [--quick] [--threads N] [--only nabla torch ...]

numpy's OpenBLAS honours OPENBLAS_CORETYPE; the header prints the kernel in use.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

from _harness import Parent, best_time, dist_version, parse_args, ratio_cell, run_worker, us_cells

N_OPS = 50  # 49 elementwise operations + the final sum
CHAIN_LEN = 8
BATCH, SIZES = 128, (784, 256, 256, 10)
LR = 0.01
SEED = 0

# Targets from the issue, printed beside the results (never asserted).
TARGET_CHAIN_PER_OP_US = 2.0
TARGET_VS_AUTOGRAD = 5.0


# ----------------------------------------------------------------------------- workloads
# Written once against a small namespace of operations, so every framework runs the
# same computation.


def chain(ops, x):
    """49 cheap elementwise operations, then a sum: 50 operations."""
    return ops.sum(elementwise_chain(ops, x))


def elementwise_chain(ops, x):
    """The 49 elementwise operations of :func:`chain`: seven rounds of sin, ×1.5, tanh,
    +0.25, cos, ×0.75, exp."""
    for _ in range(7):
        x = ops.sin(x)
        x = x * 1.5
        x = ops.tanh(x)
        x = x + 0.25
        x = ops.cos(x)
        x = x * 0.75
        x = ops.exp(x)
    return x


def mlp_loss(ops, params, x, y):
    """Mean softmax cross-entropy of a ReLU MLP; ``params`` is a list of [W, b] pairs."""
    h = x
    for W, b in params[:-1]:
        h = ops.relu(h @ W + b)
    W, b = params[-1]
    z = h @ W + b
    z = z - ops.stop_gradient(ops.max(z, axis=1, keepdims=True))
    logp = z - ops.log(ops.sum(ops.exp(z), axis=1, keepdims=True))
    return -ops.sum(logp * y) / x.shape[0]


def make_data(np):
    rng = np.random.default_rng(SEED)
    x0 = rng.uniform(-1.0, 1.0, CHAIN_LEN)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        W = (rng.standard_normal((fan_in, fan_out)) * (2.0 / fan_in) ** 0.5).astype(np.float32)
        params.append([W, np.zeros(fan_out, np.float32)])
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)]
    return x0, params, x, y


def flat(params):
    return [a for pair in params for a in pair]


def sgd_mlp(value_and_grad, params0, x, y):
    """(step, once) of the MLP for a framework whose ``value_and_grad(params, x, y)`` gives
    the loss and the gradients as [W, b] pairs: an SGD step on a copy of the parameters."""
    state = [[[a.copy() for a in pair] for pair in params0]]

    def step():
        loss, grads = value_and_grad(state[0], x, y)
        state[0] = [[p - LR * g for p, g in zip(pp, gg, strict=True)]
                    for pp, gg in zip(state[0], grads, strict=True)]
        return loss

    def once():
        loss, grads = value_and_grad(params0, x, y)
        return loss, flat(grads)

    return step, once


def grad_workloads(module, ops):
    """``chain`` and ``mlp`` (below) for a framework whose ``module.grad`` and
    ``module.value_and_grad`` work as autograd's do."""

    def chain_fn(x0):
        g = module.grad(lambda x: chain(ops, x))
        return lambda: g(x0)

    def mlp(params0, x, y):
        return sgd_mlp(module.value_and_grad(lambda p, x, y: mlp_loss(ops, p, x, y)),
                       params0, x, y)

    return {"chain": chain_fn, "mlp": mlp}


# ----------------------------------------------------------------------------- frameworks
# Each loader returns a SimpleNamespace with:
#   name, version
#   chain(x0) -> fn; fn() computes the gradient (native type; to_numpy(fn()), where given,
#     converts it, else numpy.asarray)
#   mlp(params, x, y) -> (step, once); step() is one training step on the framework's own
#     copy of the parameters; once() -> (loss, [grads...]) at the initial params
# A loader raises ImportError when its framework is not installed.


def load_nabla():
    import nabla as nb
    import nabla.numpy as nnp

    def need(module, name):
        """The function, or one that says it is missing (so only the workload using it fails)."""
        f = getattr(module, name, None)
        if f is None:
            def f(*args, **kwargs):
                raise AttributeError(f"{module.__name__}.{name} is not implemented yet")
        return f

    ops = SimpleNamespace(**{k: need(nnp, k) for k in ("sin", "cos", "tanh", "exp", "log",
                                                        "sum", "max", "maximum")})
    ops.relu = lambda h: ops.maximum(h, 0.0)
    ops.stop_gradient = need(nb, "stop_gradient")

    version = getattr(nb, "__version__", None) or dist_version("nabla")
    return SimpleNamespace(name="nabla", version=version, **grad_workloads(nb, ops))


def load_autograd():
    import autograd
    import autograd.numpy as anp
    from autograd.tracer import getval

    ops = SimpleNamespace(
        sin=anp.sin, cos=anp.cos, tanh=anp.tanh, exp=anp.exp, log=anp.log, sum=anp.sum,
        max=anp.max, relu=lambda h: anp.maximum(h, 0.0), stop_gradient=getval,
    )

    return SimpleNamespace(name="autograd", version=dist_version("autograd"),
                           **grad_workloads(autograd, ops))


def load_jax():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # float64 chain; the MLP's arrays are float32
    ops = SimpleNamespace(
        sin=jnp.sin, cos=jnp.cos, tanh=jnp.tanh, exp=jnp.exp, log=jnp.log, sum=jnp.sum,
        max=jnp.max, relu=lambda h: jnp.maximum(h, 0.0), stop_gradient=jax.lax.stop_gradient,
    )

    def chain_fn(x0):
        g = jax.grad(lambda x: chain(ops, x))
        xj = jnp.asarray(x0)
        return lambda: g(xj).block_until_ready()

    def mlp(params0, x, y):
        vg = jax.value_and_grad(lambda p, x, y: mlp_loss(ops, p, x, y))
        to_j = lambda ps: [[jnp.asarray(a) for a in pair] for pair in ps]
        p_init, xj, yj = to_j(params0), jnp.asarray(x), jnp.asarray(y)
        state = [to_j(params0)]

        def step():
            loss, grads = vg(state[0], xj, yj)
            state[0] = jax.tree.map(lambda p, g: p - LR * g, state[0], grads)
            jax.block_until_ready(state[0])
            return loss

        def once():
            loss, grads = vg(p_init, xj, yj)
            return loss, flat(grads)

        return step, once

    return SimpleNamespace(name="jax (eager)", version=jax.__version__,
                           chain=chain_fn, mlp=mlp)


def load_torch(threads: int):
    import torch

    torch.set_num_threads(threads)

    def tsum(x, axis=None, keepdims=False):
        return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)

    ops = SimpleNamespace(
        sin=torch.sin, cos=torch.cos, tanh=torch.tanh, exp=torch.exp, log=torch.log,
        sum=tsum, max=lambda z, axis, keepdims: torch.amax(z, dim=axis, keepdim=keepdims),
        relu=torch.relu, stop_gradient=lambda t: t.detach(),
    )

    def chain_fn(x0):
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        return lambda: torch.autograd.grad(chain(ops, x), x)[0]

    def mlp(params0, x, y):
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def leaves():
            return [[torch.tensor(a, requires_grad=True) for a in pair] for pair in params0]

        state, p_init = leaves(), leaves()
        state_flat = flat(state)

        def step():
            loss = mlp_loss(ops, state, xt, yt)
            grads = torch.autograd.grad(loss, state_flat)
            with torch.no_grad():
                for p, g in zip(state_flat, grads, strict=True):
                    p.sub_(g, alpha=LR)
            return loss

        def once():
            loss = mlp_loss(ops, p_init, xt, yt)
            grads = torch.autograd.grad(loss, flat(p_init))
            return loss.item(), [g.numpy() for g in grads]

        return step, once

    return SimpleNamespace(name="torch (eager)", version=torch.__version__,
                           chain=chain_fn, to_numpy=lambda t: t.detach().numpy(), mlp=mlp)


def load_numpy_by_hand():
    """The floor: the same gradients written out by hand in plain NumPy (no tape)."""
    import numpy as np

    # (forward, backward(g, x, y) -> g) for the chain's operations, in order
    rules = [
        (np.sin, lambda g, x, y: g * np.cos(x)),
        (lambda x: x * 1.5, lambda g, x, y: g * 1.5),
        (np.tanh, lambda g, x, y: g * (1.0 - y * y)),
        (lambda x: x + 0.25, lambda g, x, y: g),
        (np.cos, lambda g, x, y: -g * np.sin(x)),
        (lambda x: x * 0.75, lambda g, x, y: g * 0.75),
        (np.exp, lambda g, x, y: g * y),
    ] * 7

    def chain_grad(x):
        tape = []
        for f, b in rules:
            y = f(x)
            tape.append((b, x, y))
            x = y
        g = np.ones_like(x)  # d sum / dx
        for b, x, y in reversed(tape):
            g = b(g, x, y)
        return g

    def value_and_grad(params, x, y):
        (W1, b1), (W2, b2), (W3, b3) = params
        a1 = x @ W1 + b1
        h1 = np.maximum(a1, 0.0)
        a2 = h1 @ W2 + b2
        h2 = np.maximum(a2, 0.0)
        z = h2 @ W3 + b3
        z = z - np.max(z, axis=1, keepdims=True)
        e = np.exp(z)
        s = np.sum(e, axis=1, keepdims=True)
        loss = -np.sum((z - np.log(s)) * y) / x.shape[0]
        dz = (e / s - y) / x.shape[0]  # rows of y sum to 1
        da2 = (dz @ W3.T) * (a2 > 0)
        da1 = (da2 @ W2.T) * (a1 > 0)
        grads = [[x.T @ da1, np.sum(da1, axis=0)],
                 [h1.T @ da2, np.sum(da2, axis=0)],
                 [h2.T @ dz, np.sum(dz, axis=0)]]
        return loss, grads

    return SimpleNamespace(name="numpy by hand", version=np.__version__,
                           chain=lambda x0: lambda: chain_grad(x0),
                           mlp=lambda params0, x, y: sgd_mlp(value_and_grad, params0, x, y))


# key -> (name in the table, loader); nabla first, the hand-written floor last
FRAMEWORKS = {
    "nabla": ("nabla", lambda threads: load_nabla()),
    "autograd": ("autograd", lambda threads: load_autograd()),
    "jax": ("jax (eager)", lambda threads: load_jax()),
    "torch": ("torch (eager)", load_torch),
    "numpy": ("numpy by hand", lambda threads: load_numpy_by_hand()),
}


# ----------------------------------------------------------------------------- checks


def close(a, ref, rtol) -> tuple[bool, float]:
    import numpy as np

    a, ref = np.asarray(a, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if a.shape != ref.shape:
        return False, float("inf")
    scale = max(float(np.max(np.abs(ref), initial=0.0)), 1e-30)
    err = float(np.max(np.abs(a - ref), initial=0.0)) / scale
    return bool(np.allclose(a, ref, rtol=rtol, atol=rtol * scale)), err


# ----------------------------------------------------------------------------- worker


def load_worker(key: str, threads: int, out: str):
    """One framework's version and benchmarks, for :func:`_harness.run_worker`; each run
    leaves ``{key}-{bench}.npz`` (the gradient and, for the MLP, the loss) in ``out`` for
    the parent to compare."""
    import numpy as np

    fw = FRAMEWORKS[key][1](threads)

    def run(bench, x0, params0, x, y):
        if bench == "chain":
            fn = fw.chain(x0)
            result = [getattr(fw, "to_numpy", np.asarray)(fn())]
        else:
            fn, once = fw.mlp(params0, x, y)
            loss, grads = once()
            result = [np.asarray(loss)] + [np.asarray(g) for g in grads]
        np.savez(os.path.join(out, f"{key}-{bench}.npz"), *result)
        return fn, {}

    def benchmarks():
        data = make_data(np)
        for bench in BENCH_TITLES:
            yield bench, lambda bench=bench: run(bench, *data)

    return fw.version, benchmarks()


# ----------------------------------------------------------------------------- report


def main(argv=None) -> int:
    args = parse_args(__doc__, FRAMEWORKS, argv)
    if args.worker:
        run_worker(args.out, args.worker, args.quick,
                   lambda: load_worker(args.worker, args.threads, args.out))
        return 0

    import numpy as np

    parent = Parent(__file__, args, FRAMEWORKS)
    rows = []  # (bench, name, best, median, per_op, ratio, check, notes)
    with parent.scratch() as out:
        reports = parent.run_workers(out, timeout=60 if args.quick else 120,
                                     benches=lambda key: BENCH_TITLES)
        for bench in BENCH_TITLES:
            ref = None  # nabla's gradient, or the first framework's when nabla has none
            nabla_best = best_time(reports, bench)
            for key, r in reports.items():
                name = FRAMEWORKS[key][0]
                res = r["bench"].get(bench, {})
                if "best" not in res:
                    rows.append((bench, name, None, None, None, None, "",
                                 r["status"] or res.get("error", "")))
                    continue
                with np.load(os.path.join(out, f"{key}-{bench}.npz"),
                             allow_pickle=False) as z:
                    result = [z[f"arr_{i}"] for i in range(len(z.files))]
                rows.append((bench, name, res["best"], res["median"],
                             res["best"] / N_OPS if bench == "chain" else None,
                             res["best"] / nabla_best if nabla_best and key != "nabla" else None,
                             *check(bench, result, ref)))
                ref = ref or result

    parent.print_results(COLUMNS, [_cells(r) for r in rows], RIGHT, reports=reports,
                         dists={k: fw[0].split()[0] for k, fw in FRAMEWORKS.items()},
                         notes=[f"- `{bench}`: {title.split(': ', 1)[1]}"
                                for bench, title in BENCH_TITLES.items()],
                         targets=lambda: print_targets(rows))
    return 0


def check(bench: str, result, ref) -> tuple[str, str]:
    """(gradient check, notes): compare with the reference; note a dtype that changed."""
    import numpy as np

    want = np.float64 if bench == "chain" else np.float32
    grads = result if bench == "chain" else result[1:]
    notes = "" if all(g.dtype == want for g in grads) else f"gradient dtype {grads[0].dtype}"
    if ref is None:
        return "reference", notes
    # float32 MLP: a ReLU input within rounding of 0 may flip, changing a few entries by
    # ~1e-3 of the largest; hence the tolerance relative to the largest entry.
    rtol = 1e-9 if bench == "chain" else 2e-3
    if len(result) != len(ref):
        return "MISMATCH (structure)", notes
    errs = [close(a, b, rtol) for a, b in zip(result, ref, strict=True)]
    if all(ok for ok, _ in errs):
        return "ok", notes
    return f"MISMATCH (rel err {max(e for _, e in errs):.1e})", notes


BENCH_TITLES = {
    "chain": f"chain: grad of {N_OPS} ops, float64[{CHAIN_LEN}]",
    "mlp": f"mlp: train step {'-'.join(map(str, SIZES))}, float32 batch {BATCH}",
}
COLUMNS = ("benchmark", "framework", "best µs/call", "median µs/call", "µs/op",
           "peer/nabla", "grad check", "notes")
RIGHT = {2, 3, 4, 5}  # right-aligned (numeric) columns


def _cells(row):
    bench, name, best, med, per_op, ratio, check, notes = row
    return (bench, name, *us_cells(best, med),
            f"{per_op * 1e6:.2f}" if per_op is not None else "", ratio_cell(ratio), check, notes)


def print_targets(rows) -> None:
    get = {(r[0], r[1]): r for r in rows}

    def line(text, value, ok):
        mark = "—" if ok is None else ("met" if ok else "MISSED")
        print(f"  {text:<44} {value:<22} {mark}")

    print("targets (shown, not asserted):")
    nab = get.get(("chain", "nabla"))
    per_op = nab[4] if nab and nab[4] is not None else None
    line(f"chain: nabla µs/op ≤ {TARGET_CHAIN_PER_OP_US:g}",
         f"{per_op * 1e6:.2f} µs/op" if per_op else "n/a",
         None if per_op is None else per_op * 1e6 <= TARGET_CHAIN_PER_OP_US)
    for bench, peer, want, text in (
        ("chain", "autograd", TARGET_VS_AUTOGRAD,
         f"chain: ≥{TARGET_VS_AUTOGRAD:g}× faster than autograd"),
        ("chain", "torch (eager)", 1.0, "chain: no slower than torch eager"),
        ("mlp", "torch (eager)", 1.0, "mlp step: no slower than torch eager"),
    ):
        r = get.get((bench, peer))
        ratio = r[5] if r else None
        line(text, f"{peer}/nabla = {ratio:.2f}×" if ratio else "n/a",
             None if ratio is None else ratio >= want)


if __name__ == "__main__":
    sys.exit(main())
