"""``nabla.jit`` against JAX's ``jit``, PyTorch eager and nabla's own eager mode.

Five workloads, the same computation in every framework (the first three are those of
``bench/overhead.py`` and ``bench/hessian.py``, imported from them):

W1 ``chain``: the gradient of the 50-operation elementwise chain on a float64[8] vector.
W2 ``mlp b128`` / ``mlp b1024``: one SGD step (forward, backward, update, lr 0.01) of the
   784-256-256-10 ReLU MLP with softmax cross-entropy, float32, batch 128 and 1,024; the
   step returns the loss and the new parameters.
W3 ``hessian``: the full 100×100 Hessian of Σ log1p(exp(A·x)) + ½‖x‖², A float64[200×100].
W4 ``gd``: gradient descent with the fixed step 1/L (L = ‖[X 1]‖₂² / 4m + 1/m, the
   gradient's Lipschitz constant) on the L2-regularized logistic loss of ``bench/optim.py``
   (``make_classification`` 20,000 × 50, C = 1) from zero until the loss is at most the
   loss of scikit-learn's ``LogisticRegression(C=1)`` (default tolerance): a whole solve,
   written as one ``while_loop`` (``nabla.control.while_loop``, ``jax.lax.while_loop``)
   whose body takes a step and evaluates the loss and gradient at the new point.
W7 ``advi step`` / ``advi scan``: mean-field ADVI for Bayesian logistic regression
   (X float64[5000×20], y ∈ {0, 1}, prior w ~ N(0, I)), q(w) = N(μ, diag(exp(ω))²): one
   Adam step (lr 0.05) on the negative ELBO estimated with one reparameterized draw
   w = μ + exp(ω)·ε; "step" times one compiled step called from Python, "scan" times a
   run of 200 steps as one compiled ``scan`` over the draws (reported per step). The
   draws ε are drawn once, in advance, so every framework takes the same steps.

Frameworks, each in its own process: ``nabla.jit`` (generated NumPy code,
``NABLA_JIT_BACKEND=numpy``; with the numba backend, when there is one, a second column),
nabla eager (the same functions without ``jit``: ``while_loop`` and ``scan`` are then
Python loops), ``jax.jit`` (x64 enabled; the MLP stays float32) and PyTorch eager. A peer
that is not installed is skipped with the reason. Each result is checked against nabla's:
the chain's gradient, the MLP's loss, the Hessian against its closed form, the solve's
final loss and iterations, and the ADVI parameters after the scan.

First calls: W1 and W2 (batch 128) are also run in fresh interpreters, timing the first
call (trace, optimize, compile, run) of the compiled function; for nabla once with an
empty ``NABLA_CACHE_DIR`` and once more with the folder the first run left (the on-disk
cache warm), for JAX with its defaults.

Threads, processes, timing and the load check are those of ``bench/overhead.py`` (see
``bench/_harness.py``): best and median of 7 loops of ~0.2 s (3 of ~0.05 s with
``--quick``). Ratios are peer time / ``nabla.jit`` time from the same run (>1: nabla's jit
is faster). The optimized program's number of equations is shown, since the generated
code makes one NumPy call per equation. Nothing is asserted: benchmarks are not tests.

    python bench/jit.py [--quick] [--threads N] [--only jit eager jax torch ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from types import SimpleNamespace

import hessian
import optim
import overhead
from _harness import (
    Parent,
    dist_version,
    one_line,
    parse_args,
    print_markdown_table,
    print_table,
    run_worker,
)

SEED = 0
MLP_BATCHES = (128, 1024)
ADVI_N, ADVI_D = 5000, 20
ADVI_STEPS = 200
ADVI_LR, ADVI_B1, ADVI_B2 = 0.05, 0.9, 0.999

# JAX's jit on the issue's 2-core machine (µs), and the targets (shown, never asserted).
ISSUE_JAX = {"chain": 12, "mlp128": 1780, "mlp1024": 8200, "hessian": 260, "gd": 18000,
             "advi_scan": 143}
ISSUE_JAX_FIRST = {"chain": 0.117, "mlp128": 0.373}  # s
TARGET_VS_JAX = 1.2  # nabla.jit time at most this × JAX's jit time

BENCHES = {
    "chain": "W1 chain",
    "mlp128": "W2 mlp b128",
    "mlp1024": "W2 mlp b1024",
    "hessian": "W3 hessian",
    "gd": "W4 gd",
    "advi_step": "W7 advi step",
    "advi_scan": "W7 advi scan",
}
BENCH_NOTES = {
    "chain": f"`grad` of {overhead.N_OPS} elementwise operations on float64[{overhead.CHAIN_LEN}]"
             " (bench/overhead.py)",
    "mlp128": "one SGD step of the 784-256-256-10 ReLU MLP, softmax cross-entropy, float32 "
              "batch 128, as one compiled function returning the loss and new parameters "
              "(nabla eager and torch: `value_and_grad` then the update, bench/overhead.py)",
    "mlp1024": "the same at batch 1,024",
    "hessian": "full Hessian of Σ log1p(exp(A·x)) + ½‖x‖², A float64[200×100] "
               "(bench/hessian.py; torch: `torch.func.hessian`)",
    "gd": "gradient descent, step 1/L, on L2 logistic regression (make_classification "
          "20,000 × 50, C = 1, bench/optim.py) until the loss reaches scikit-learn's; one "
          "`while_loop` (torch and nabla eager: a Python loop)",
    "advi_step": f"one Adam step of mean-field ADVI, Bayesian logistic regression "
                 f"{ADVI_N:,} × {ADVI_D}, one draw",
    "advi_scan": f"{ADVI_STEPS} such steps as one `scan` over the pre-drawn ε, time per step "
                 "(torch: a Python loop)",
}
# worker key -> (column, benchmarks it runs)
FRAMEWORKS = {
    "jit": ("nabla.jit", tuple(BENCHES)),
    "numba": ("nabla.jit numba", tuple(BENCHES)),
    "eager": ("nabla eager", tuple(BENCHES)),
    "jax": ("jax.jit", tuple(BENCHES)),
    "torch": ("torch eager", tuple(BENCHES)),
}
DISTS = {"jit": "nabla", "numba": "numba", "eager": "nabla", "jax": "jax", "torch": "torch"}
FIRST_BENCHES = ("chain", "mlp128")


# ----------------------------------------------------------------------------- data
# Made once by the parent and saved in the scratch folder: every worker gets the same.


def make_data(out: str) -> str:
    """Save every workload's data; return why W4 has none ("" when it has)."""
    import numpy as np

    x0, params, x, y = overhead.make_data(np)
    rng = np.random.default_rng(SEED)
    n = max(MLP_BATCHES)
    arrays = {"chain_x": x0,
              "mlp_x": np.concatenate([x, rng.standard_normal((n - len(x), x.shape[1]))
                                       .astype(np.float32)]),
              "mlp_y": np.concatenate([y, np.eye(y.shape[1], dtype=np.float32)[
                  rng.integers(0, y.shape[1], n - len(y))]])}
    for i, (W, b) in enumerate(params):
        arrays[f"mlp_W{i}"], arrays[f"mlp_b{i}"] = W, b
    arrays["hess_A"], arrays["hess_x"] = hessian.make_data(np)
    w_true = rng.standard_normal(ADVI_D)
    arrays["advi_X"] = Xa = rng.standard_normal((ADVI_N, ADVI_D))
    arrays["advi_y"] = (rng.random(ADVI_N) < 1.0 / (1.0 + np.exp(-Xa @ w_true))).astype(float)
    arrays["advi_eps"] = rng.standard_normal((ADVI_STEPS, ADVI_D))
    missing = ""
    try:
        from sklearn.datasets import make_classification
        from sklearn.linear_model import LogisticRegression
    except ModuleNotFoundError as e:
        missing = f"{e.name} is not installed (pip install 'nabla[ml]')"
    else:
        X, y = make_classification(n_samples=optim.M, n_features=optim.N_FEATURES,
                                   random_state=optim.SEED)
        X, y = X.astype(np.float64), y.astype(np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = LogisticRegression(C=optim.C).fit(X, y)
        theta = np.r_[clf.coef_[0], clf.intercept_]
        ones = np.hstack([X, np.ones((len(X), 1))])
        lipschitz = np.linalg.norm(ones, 2) ** 2 / (4 * len(X)) + 1 / (optim.C * len(X))
        arrays.update(gd_X=X, gd_y=y, gd_target=optim.logreg_loss(np, X, y, theta),
                      gd_eta=1.0 / lipschitz)
    np.savez(os.path.join(out, "data.npz"), **arrays)
    return missing


def load_data(out: str) -> dict:
    """The arrays :func:`make_data` saved, by name."""
    import numpy as np

    with np.load(os.path.join(out, "data.npz"), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def mlp_params(data: dict) -> list:
    """A fresh copy of the MLP's initial parameters, as [W, b] pairs."""
    return [[data[f"mlp_W{i}"].copy(), data[f"mlp_b{i}"].copy()]
            for i in range(len(overhead.SIZES) - 1)]


# ----------------------------------------------------------------------------- workloads
# Written once against a namespace of operations (``ops``) and the framework's gradient.


def sgd_step(value_and_grad, tree_map):
    """The W2 step: the loss and the parameters after one SGD step."""
    def step(params, x, y):
        loss, grads = value_and_grad(params, x, y)
        return loss, tree_map(lambda p, g: p - overhead.LR * g, params, grads)
    return step


def gd_solve(value_and_grad, while_loop, X, y, eta, target):
    """W4: ``solve(θ₀, 0)`` repeats ``θ ← θ − η ∇L(θ)`` while ``L(θ) > target``; it returns
    (θ, L(θ), ∇L(θ), steps)."""
    def body(state):
        theta, _, g, k = state
        theta = theta - eta * g
        loss, g = value_and_grad(theta, X, y)
        return theta, loss, g, k + 1

    def solve(theta, k0):
        loss, g = value_and_grad(theta, X, y)
        return while_loop(lambda state: state[1] > target, body, (theta, loss, g, k0))

    return solve


def advi_neg_elbo(ops, lam, X, y, eps):
    """−ELBO of mean-field ADVI at λ = (μ, ω), one draw: w = μ + exp(ω)·ε,
    −[Σᵢ (yᵢ zᵢ − log(1 + exp zᵢ)) − ½‖w‖² + Σ ω] with z = X w (constants dropped)."""
    mu, omega = lam[:ADVI_D], lam[ADVI_D:]
    w = mu + ops.exp(omega) * eps
    z = X @ w
    return -(ops.sum(y * z - ops.logaddexp(0.0, z)) - 0.5 * ops.sum(w * w) + ops.sum(omega))


def advi_step(ops, grad):
    """One Adam step on the state (λ, m, v, β₁ᵗ, β₂ᵗ); ``grad(λ, ε)`` is ∇(−ELBO)."""
    def step(state, eps):
        lam, m, v, c1, c2 = state
        g = grad(lam, eps)
        m = ADVI_B1 * m + (1 - ADVI_B1) * g
        v = ADVI_B2 * v + (1 - ADVI_B2) * g * g
        c1, c2 = c1 * ADVI_B1, c2 * ADVI_B2
        lam = lam - ADVI_LR * (m / (1 - c1)) / (ops.sqrt(v / (1 - c2)) + 1e-8)
        return lam, m, v, c1, c2
    return step


def advi_init(np):
    """The Adam state at the start: λ = (μ, ω) = 0 (q = N(0, I)), no moments yet."""
    zeros = np.zeros(2 * ADVI_D)
    return zeros, zeros.copy(), zeros.copy(), np.float64(1.0), np.float64(1.0)


# ----------------------------------------------------------------------------- frameworks
# Each returns {bench: run} (the peers also their version first); run() -> (fn, extra): fn
# is timed, extra holds what the parent checks ("value": a list of floats compared with
# nabla.jit's; "err": the Hessian's error) and shows ("steps", "eqns", "inner").


def nabla_benchmarks(data: dict, compiled: bool):
    """nabla's runs: under ``nabla.jit`` if ``compiled``, else the same functions eagerly."""
    import numpy

    import nabla
    import nabla.numpy as np
    from nabla.control import scan, while_loop
    from nabla.core import Program
    from nabla.jit.optimize import optimize

    ops = SimpleNamespace(sin=np.sin, cos=np.cos, tanh=np.tanh, exp=np.exp, log=np.log,
                          log1p=np.log1p, sum=np.sum, max=np.max, mean=np.mean,
                          sqrt=np.sqrt, logaddexp=np.logaddexp,
                          relu=lambda h: np.maximum(h, 0.0), stop_gradient=nabla.stop_gradient)
    jit = nabla.jit if compiled else (lambda f: f)

    def extra(f, *args):
        """The optimized program's length (equations, and those of its loop bodies,
        optimized as they are when compiled)."""
        if not compiled:
            return {}
        program = nabla.make_program(f)(*args).optimize()
        inner = sum(len(optimize(p)) for e in program.equations for p in e.params.values()
                    if isinstance(p, Program))
        return {"eqns": len(program), "inner": inner}

    def chain():
        x0 = data["chain_x"]
        f = nabla.grad(lambda x: overhead.chain(ops, x))
        g = jit(f)
        return (lambda: g(x0)), {"value": numpy.asarray(g(x0)).tolist(), **extra(f, x0)}

    def mlp(batch):
        def run():
            x, y = data["mlp_x"][:batch], data["mlp_y"][:batch]
            f = sgd_step(nabla.value_and_grad(
                lambda p, x, y: overhead.mlp_loss(ops, p, x, y)), nabla.tree.map)
            step = jit(f)
            st = [mlp_params(data)]
            loss0 = float(step(st[0], x, y)[0])

            def call():
                st[0] = step(st[0], x, y)[1]
            return call, {"value": [loss0], **extra(f, st[0], x, y)}
        return run

    def hess():
        A, x = data["hess_A"], data["hess_x"]
        f = nabla.hessian(lambda v: hessian.objective(ops, A, v, "log1p"))
        h = jit(f)
        err = float(numpy.max(numpy.abs(h(x) - hessian.closed_form(numpy, A, x))))
        return (lambda: h(x)), {"value": [], "err": err, **extra(f, x)}

    def gd():
        if "gd_X" not in data:
            raise RuntimeError("no data: scikit-learn is not installed")
        vg = nabla.value_and_grad(lambda th, X, y: optim.logreg_loss(np, X, y, th))
        f = gd_solve(vg, while_loop, data["gd_X"], data["gd_y"], float(data["gd_eta"]),
                     float(data["gd_target"]))
        solve = jit(f)
        theta0, k0 = numpy.zeros(optim.N_FEATURES + 1), numpy.int64(0)
        _, loss, _, k = solve(theta0, k0)
        return (lambda: solve(theta0, k0)), {"value": [float(loss)], "steps": int(k),
                                             **extra(f, theta0, k0)}

    X, y, eps = data["advi_X"], data["advi_y"], data["advi_eps"]
    step = advi_step(ops, nabla.grad(lambda lam, e: advi_neg_elbo(ops, lam, X, y, e)))

    def run_steps(state, eps):
        return scan(lambda s, e: (step(s, e), None), state, eps)[0]

    def advi_one():
        f, draws = jit(step), list(eps)
        st, k = [advi_init(numpy)], [0]

        def call():
            st[0] = f(st[0], draws[k[0] % ADVI_STEPS])
            k[0] += 1
        call()
        return call, {"value": [], **extra(step, advi_init(numpy), eps[0])}

    def advi_all():
        f = jit(run_steps)
        lam = f(advi_init(numpy), eps)[0]
        return (lambda: f(advi_init(numpy), eps)), {
            "value": numpy.asarray(lam).tolist(), "steps": ADVI_STEPS,
            **extra(run_steps, advi_init(numpy), eps)}

    return {"chain": chain, "mlp128": mlp(128), "mlp1024": mlp(1024), "hessian": hess,
            "gd": gd, "advi_step": advi_one, "advi_scan": advi_all}


def jax_benchmarks(data: dict):
    """JAX's version and runs, every function under ``jax.jit``."""
    import jax
    import jax.numpy as jnp
    import numpy

    jax.config.update("jax_enable_x64", True)  # float64 except the MLP, which stays float32
    ops = SimpleNamespace(sin=jnp.sin, cos=jnp.cos, tanh=jnp.tanh, exp=jnp.exp, log=jnp.log,
                          log1p=jnp.log1p, sum=jnp.sum, max=jnp.max, mean=jnp.mean,
                          sqrt=jnp.sqrt, logaddexp=jnp.logaddexp,
                          relu=lambda h: jnp.maximum(h, 0.0),
                          stop_gradient=jax.lax.stop_gradient)
    put = jax.device_put

    def chain():
        x0 = put(data["chain_x"])
        g = jax.jit(jax.grad(lambda x: overhead.chain(ops, x)))
        return (lambda: g(x0).block_until_ready()), {"value": numpy.asarray(g(x0)).tolist()}

    def mlp(batch):
        def run():
            x, y = put(data["mlp_x"][:batch]), put(data["mlp_y"][:batch])
            step = jax.jit(sgd_step(jax.value_and_grad(
                lambda p, x, y: overhead.mlp_loss(ops, p, x, y)), jax.tree.map))
            st = [put(mlp_params(data))]
            loss0 = float(step(st[0], x, y)[0])

            def call():
                st[0] = step(st[0], x, y)[1]
                jax.block_until_ready(st[0])
            return call, {"value": [loss0]}
        return run

    def hess():
        A, x = put(data["hess_A"]), put(data["hess_x"])
        h = jax.jit(jax.hessian(lambda v: hessian.objective(ops, A, v, "log1p")))
        err = float(numpy.max(numpy.abs(
            numpy.asarray(h(x)) - hessian.closed_form(numpy, data["hess_A"], data["hess_x"]))))
        return (lambda: h(x).block_until_ready()), {"value": [], "err": err}

    def gd():
        if "gd_X" not in data:
            raise RuntimeError("no data: scikit-learn is not installed")
        X, y = put(data["gd_X"]), put(data["gd_y"])
        vg = jax.value_and_grad(lambda th, X, y: optim.logreg_loss(jnp, X, y, th))
        solve = jax.jit(gd_solve(vg, jax.lax.while_loop, X, y, float(data["gd_eta"]),
                                 float(data["gd_target"])))
        theta0, k0 = jnp.zeros(optim.N_FEATURES + 1), jnp.int64(0)
        _, loss, _, k = solve(theta0, k0)
        return (lambda: jax.block_until_ready(solve(theta0, k0))), {
            "value": [float(loss)], "steps": int(k)}

    X, y, eps = put(data["advi_X"]), put(data["advi_y"]), put(data["advi_eps"])
    step = advi_step(ops, jax.grad(lambda lam, e: advi_neg_elbo(ops, lam, X, y, e)))

    def advi_one():
        f, draws = jax.jit(step), [put(e) for e in data["advi_eps"]]
        st, k = [put(advi_init(numpy))], [0]

        def call():
            st[0] = f(st[0], draws[k[0] % ADVI_STEPS])
            jax.block_until_ready(st[0])
            k[0] += 1
        call()
        return call, {"value": []}

    def advi_all():
        f = jax.jit(lambda state, eps: jax.lax.scan(
            lambda s, e: (step(s, e), None), state, eps)[0])
        init = put(advi_init(numpy))
        lam = f(init, eps)[0]
        return (lambda: jax.block_until_ready(f(init, eps))), {
            "value": numpy.asarray(lam).tolist(), "steps": ADVI_STEPS}

    return jax.__version__, {"chain": chain, "mlp128": mlp(128), "mlp1024": mlp(1024),
                             "hessian": hess, "gd": gd, "advi_step": advi_one,
                             "advi_scan": advi_all}


def torch_benchmarks(data: dict, threads: int):
    """PyTorch's version and runs, eager (the chain, MLP and Hessian as the other scripts
    run them)."""
    import numpy
    import torch

    tw = overhead.load_torch(threads)  # chain and MLP as bench/overhead.py runs them
    th = hessian.load_torch(threads)
    ops = SimpleNamespace(exp=torch.exp, sum=torch.sum, sqrt=torch.sqrt, mean=torch.mean,
                          logaddexp=lambda a, b: torch.logaddexp(b.new_tensor(a), b))

    def grad_of(f):
        """∇f at a tensor λ (a leaf for autograd each call)."""
        def grad(lam, *args):
            lam = lam.detach().requires_grad_()
            return torch.autograd.grad(f(lam, *args), lam)[0]
        return grad

    def chain():
        fn = tw.chain(data["chain_x"])
        return fn, {"value": fn().numpy().tolist()}

    def mlp(batch):
        def run():
            step, once = tw.mlp(mlp_params(data), data["mlp_x"][:batch], data["mlp_y"][:batch])
            return step, {"value": [float(once()[0])]}
        return run

    def hess():
        fn = th.hessian(data["hess_A"], data["hess_x"], "log1p")
        err = float(numpy.max(numpy.abs(fn().numpy() - hessian.closed_form(
            numpy, data["hess_A"], data["hess_x"]))))
        return fn, {"value": [], "err": err}

    def gd():
        if "gd_X" not in data:
            raise RuntimeError("no data: scikit-learn is not installed")
        X, y = torch.from_numpy(data["gd_X"]), torch.from_numpy(data["gd_y"])
        eta, target = float(data["gd_eta"]), float(data["gd_target"])
        loss_of = lambda theta: optim.logreg_loss(ops, X, y, theta)  # noqa: E731

        def solve():
            theta = torch.zeros(optim.N_FEATURES + 1, dtype=torch.float64, requires_grad=True)
            loss, k = loss_of(theta), 0
            while loss.item() > target:
                (g,) = torch.autograd.grad(loss, theta)
                theta = (theta.detach() - eta * g).requires_grad_()
                loss, k = loss_of(theta), k + 1
            return loss.item(), k

        loss, k = solve()
        return solve, {"value": [loss], "steps": k}

    X, y = torch.from_numpy(data["advi_X"]), torch.from_numpy(data["advi_y"])
    eps = torch.from_numpy(data["advi_eps"])
    step = advi_step(ops, grad_of(lambda lam, e: advi_neg_elbo(ops, lam, X, y, e)))

    def init():
        return tuple(torch.as_tensor(a) for a in advi_init(numpy))

    def advi_one():
        st, k, draws = [init()], [0], list(eps)

        def call():
            st[0] = step(st[0], draws[k[0] % ADVI_STEPS])
            k[0] += 1
        call()
        return call, {"value": []}

    def advi_all():
        def run():
            state = init()
            for e in eps:
                state = step(state, e)
            return state
        return run, {"value": run()[0].numpy().tolist(), "steps": ADVI_STEPS}

    return torch.__version__, {"chain": chain, "mlp128": mlp(128), "mlp1024": mlp(1024),
                               "hessian": hess, "gd": gd, "advi_step": advi_one,
                               "advi_scan": advi_all}


def numba_backend() -> str:
    """Why ``NABLA_JIT_BACKEND=numba`` cannot run here ("" when it can)."""
    if importlib.util.find_spec("numba") is None:
        return "numba is not installed (pip install 'nabla[jit]')"
    if importlib.util.find_spec("nabla.jit.numba_backend") is None:
        return "nabla has no numba backend (no nabla.jit.numba_backend)"
    return ""


def load_worker(key: str, threads: int, out: str):
    """(version, benchmarks) of one worker for :func:`_harness.run_worker`."""
    if key in ("jit", "numba", "eager"):
        if key == "numba" and numba_backend():
            raise RuntimeError(numba_backend())
        os.environ["NABLA_JIT_BACKEND"] = "numba" if key == "numba" else "numpy"
        version = dist_version(DISTS[key])
        runs = nabla_benchmarks(load_data(out), compiled=key != "eager")
    elif key == "jax":
        version, runs = jax_benchmarks(load_data(out))
    else:
        version, runs = torch_benchmarks(load_data(out), threads)
    return version, [(bench, runs[bench]) for bench in FRAMEWORKS[key][1]]


# ----------------------------------------------------------------------------- first calls


def first_call(framework: str, bench: str, out: str) -> float:
    """In this fresh process: the seconds of the first call of ``bench``'s compiled
    function (``framework`` "nabla" or "jax")."""
    data = load_data(out)
    if framework == "nabla":
        import nabla
        import nabla.numpy as xp
        ops = SimpleNamespace(sin=xp.sin, cos=xp.cos, tanh=xp.tanh, exp=xp.exp, log=xp.log,
                              sum=xp.sum, max=xp.max, relu=lambda h: xp.maximum(h, 0.0),
                              stop_gradient=nabla.stop_gradient)
        jit, grad, vg, tree_map, ready = (nabla.jit, nabla.grad, nabla.value_and_grad,
                                          nabla.tree.map, lambda r: r)
        args = (data["chain_x"],) if bench == "chain" else (mlp_params(data),)
    else:
        import jax
        import jax.numpy as xp
        jax.config.update("jax_enable_x64", True)
        ops = SimpleNamespace(sin=xp.sin, cos=xp.cos, tanh=xp.tanh, exp=xp.exp, log=xp.log,
                              sum=xp.sum, max=xp.max, relu=lambda h: xp.maximum(h, 0.0),
                              stop_gradient=jax.lax.stop_gradient)
        jit, grad, vg, tree_map, ready = (jax.jit, jax.grad, jax.value_and_grad,
                                          jax.tree.map, jax.block_until_ready)
        args = ((jax.device_put(data["chain_x"]),) if bench == "chain"
                else (jax.device_put(mlp_params(data)),))
    if bench == "chain":
        f = jit(grad(lambda x: overhead.chain(ops, x)))
    else:
        f = jit(sgd_step(vg(lambda p, x, y: overhead.mlp_loss(ops, p, x, y)), tree_map))
        args += (data["mlp_x"][:128], data["mlp_y"][:128])
    start = time.perf_counter()
    ready(f(*args))
    return time.perf_counter() - start


def run_first_call(args, out: str, framework: str, bench: str, env: dict):
    """:func:`first_call` in a fresh interpreter with ``env`` added: its seconds, or why
    there are none (a string)."""
    cmd = [sys.executable, os.path.abspath(__file__), "--first-call", f"{framework}:{bench}",
           "--out", out, "--threads", str(args.threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                              env={**os.environ, **env})
    except subprocess.TimeoutExpired:
        return "timed out after 300 s"
    if proc.returncode != 0:
        return one_line((proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def first_calls(args, out: str) -> tuple[list, list]:
    """(columns, rows) of the first-call table: W1 and W2 (batch 128), each call in a
    fresh process; the numba backend with an empty cache folder, then with the folder that
    run filled."""
    cache = os.path.join(out, "nabla-cache")
    runs = [("nabla numpy", "nabla", {"NABLA_JIT_BACKEND": "numpy"}, False)]
    if not numba_backend():
        env = {"NABLA_JIT_BACKEND": "numba", "NABLA_CACHE_DIR": cache}
        runs += [("nabla numba, empty cache", "nabla", env, True),
                 ("nabla numba, warm cache", "nabla", env, False)]
    else:
        print(f"first calls: no numba column: {numba_backend()}")
    if importlib.util.find_spec("jax") is not None:
        runs.append(("jax.jit", "jax", {}, False))
    else:
        print("first calls: jax is not installed; its column is skipped")
    columns = ["workload", *(r[0] for r in runs), "jax/nabla (warm, best)",
               "jax.jit on the issue's machine"]
    rows = []
    for bench in FIRST_BENCHES:
        cells, seconds = [BENCHES[bench]], {}
        for column, framework, env, empty in runs:
            if empty and os.path.isdir(cache):
                shutil.rmtree(cache)
            s = run_first_call(args, out, framework, bench, env)
            if isinstance(s, str):
                cells.append(s)
                continue
            seconds[column] = s
            cells.append(f"{s * 1e3:,.0f} ms")
        nabla_best = min((s for c, s in seconds.items()
                          if c.startswith("nabla") and "empty" not in c), default=None)
        jax_s = seconds.get("jax.jit")
        cells.append(f"{jax_s / nabla_best:.2f}×" if jax_s and nabla_best else "")
        cells.append(f"{ISSUE_JAX_FIRST[bench] * 1e3:.0f} ms")
        rows.append(cells)
    return columns, rows


# ----------------------------------------------------------------------------- report


def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms" if s < 0.1 else f"{s * 1e3:,.0f} ms"
    return f"{s * 1e6:.1f} µs" if s < 1e-4 else f"{s * 1e6:.0f} µs"


def per_call(res: dict, bench: str) -> float | None:
    """The best time per call, per step for the scan."""
    if "best" not in res:
        return None
    return res["best"] / res["steps"] if bench == "advi_scan" else res["best"]


def check(bench: str, res: dict, ref: dict | None) -> str:
    """What the result says: the Hessian's error, the solve's steps, agreement with nabla."""
    import numpy as np

    if "best" not in res:
        return ""
    parts = []
    if "err" in res:
        parts.append(f"err {res['err']:.0e}")
    if bench == "gd":
        parts.append(f"{res['steps']} steps")
    if ref is not None and res.get("value") and ref.get("value"):
        a, b = np.asarray(res["value"]), np.asarray(ref["value"])
        rel = float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-30))
        parts.append(("ok" if rel <= (1e-4 if bench.startswith("mlp") else 1e-6)
                      else "MISMATCH") + f" ({rel:.0e})")
    return ", ".join(parts)


def make_rows(reports: dict) -> list[dict]:
    rows = []
    for bench, shown in BENCHES.items():
        ref = reports.get("jit", {}).get("bench", {}).get(bench, {})
        base = per_call(ref, bench)
        row = {"bench": bench, "shown": shown, "times": {}, "checks": [], "ref": ref}
        for key, r in reports.items():
            res = r["bench"].get(bench, {})
            t = per_call(res, bench)
            row["times"][key] = t
            if t is None:
                if not r["status"]:  # a framework that did not run at all is noted once
                    row["checks"].append(f"{key}: {res.get('error', 'no result')}")
                continue
            c = check(bench, res, None if key == "jit" else ref)
            if c:
                row["checks"].append(f"{key}: {c}")
        row["ratios"] = {k: t / base for k, t in row["times"].items()
                         if t is not None and base and k != "jit"}
        rows.append(row)
    return rows


def _cells(row, keys):
    ref = row["ref"]
    eqns = ""
    if "eqns" in ref:
        eqns = str(ref["eqns"]) + (f" (+{ref['inner']} in loops)" if ref.get("inner") else "")
    base = row["times"].get("jit")
    per_eqn = (fmt_time(base / (ref["eqns"] + ref.get("inner", 0)))
               if base and ref.get("eqns") and row["bench"] not in ("gd", "advi_scan") else "")
    cells = [row["shown"], fmt_time(base), eqns, per_eqn]
    for key in keys:
        if key == "jit":
            continue
        t, ratio = row["times"].get(key), row["ratios"].get(key)
        cells.append(fmt_time(t) + (f" ({ratio:.2f}×)" if ratio else ""))
    cells.append(f"{ISSUE_JAX[row['bench']] / 1e3:g} ms" if ISSUE_JAX.get(row["bench"], 0) >= 1000
                 else f"{ISSUE_JAX[row['bench']]} µs" if row["bench"] in ISSUE_JAX else "")
    cells.append("; ".join(row["checks"]))
    return tuple(cells)


def print_targets(rows) -> None:
    """Each nabla backend's ratios to jax.jit and torch eager, against the targets."""
    print(f"targets (shown, not asserted): nabla.jit within {TARGET_VS_JAX:g}× of jax.jit "
          f"(jax/nabla ≥ {1 / TARGET_VS_JAX:.2f}), ahead of it on W2, ahead of torch eager")

    def mark(ok):
        return "—" if ok is None else ("met" if ok else "MISSED")

    for row in rows:
        if row["bench"] == "advi_step":
            continue
        want = 1.0 if row["bench"].startswith("mlp") else 1 / TARGET_VS_JAX
        for key in ("jit", "numba"):
            mine = row["times"].get(key)
            if mine is None:
                continue
            jax, torch = (row["times"].get(k) for k in ("jax", "torch"))
            jax, torch = (t / mine if t else None for t in (jax, torch))
            print(f"  {row['shown']:<14} {FRAMEWORKS[key][0]:<16} "
                  f"jax/nabla {_ratio(jax)} {mark(None if jax is None else jax >= want):<7} "
                  f"torch/nabla {_ratio(torch)} {mark(None if torch is None else torch > 1)}")


def _ratio(r: float | None) -> str:
    return f"{r:5.2f}×" if r is not None else "  n/a "


def main(argv=None) -> int:
    args = parse_args(__doc__, FRAMEWORKS, argv, lambda ap: ap.add_argument(
        "--first-call", help=argparse.SUPPRESS))
    if args.first_call:
        framework, bench = args.first_call.split(":")
        try:
            print(json.dumps(first_call(framework, bench, args.out)))
        except ModuleNotFoundError as e:
            print(json.dumps(f"not installed ({e.name})"))
        return 0
    if args.worker:
        run_worker(args.out, args.worker, args.quick,
                   lambda: load_worker(args.worker, args.threads, args.out))
        return 0

    parent = Parent(__file__, args, FRAMEWORKS)
    with parent.scratch() as out:
        missing = make_data(out)
        if missing:
            print(f"W4 skipped: {missing}")
        reports = parent.run_workers(out, timeout=300 if args.quick else 600,
                                     benches=lambda key: FRAMEWORKS[key][1])
        first_columns, first_rows = first_calls(args, out)
    rows = make_rows(reports)
    keys = [k for k in reports if k == "jit" or any(
        "best" in res for res in reports[k]["bench"].values())]
    columns = (["workload", "nabla.jit", "equations", "per eq."]
               + [f"{FRAMEWORKS[k][0]} (×)" for k in keys if k != "jit"]
               + ["jax.jit on the issue's machine", "checks"])
    right = set(range(1, len(columns) - 1))
    skipped = [f"{FRAMEWORKS[k][0]}: {reports[k]['status'] or 'no result'}"
               for k in reports if k not in keys]
    notes = [f"- `{BENCHES[b]}`: {text}" for b, text in BENCH_NOTES.items()]
    notes.append("- (×): peer time / nabla.jit time (>1: nabla.jit faster); equations: the "
                 "optimized program's (one NumPy call each; those inside loop bodies run per "
                 "step); per eq.: nabla.jit time / equations")
    if skipped:
        notes.append("- not run: " + "; ".join(skipped))
    parent.print_results(columns, [_cells(r, keys) for r in rows], right, reports=reports,
                         dists=DISTS, notes=notes, targets=lambda: print_targets(rows))
    print()
    print("First calls (trace, optimize, compile and run), each in a fresh process:")
    print()
    print_table(first_columns, first_rows, set(range(1, len(first_columns))))
    print()
    print("Markdown (for bench/RESULTS.md):")
    print()
    print_markdown_table(first_columns, first_rows, set(range(1, len(first_columns))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
