"""Full Hessian of a small logistic-type objective: nabla against the peers that are installed.

The workload, written once and run with every framework:

    f(x) = Σ log(1 + exp(A·x)) + ½‖x‖²

with A a fixed random 200×100 float64 matrix (standard normal entries scaled by 1/√100,
so that A·x is of order one) and x a random float64 100-vector, both from a seeded
generator. ``log(1 + exp(z))`` is written ``log1p(exp(z))`` in every framework
(``--formula logaddexp`` writes it ``logaddexp(0, z)`` instead). The full 100×100 Hessian
is computed by:

- nabla: ``nabla.hessian(f)(x)`` with ``import nabla.numpy as np``;
- HIPS autograd: ``autograd.hessian(f)(x)``;
- JAX without ``jit``: ``jax.hessian(f)(x)`` called eagerly, x64 enabled;
- PyTorch: ``torch.func.hessian(f)(x)``, float64;
- "numpy by hand", the floor: the closed form Aᵀ diag(σ(Ax)(1−σ(Ax))) A + I in NumPy.

Each Hessian function is built once, then called on the same x in the timing loop.
Every Hessian is checked against the closed form (computed in the parent process); the
table shows the largest absolute error, "ok" when it is below 1e-8.

Threads, processes, timing and the load check are those of ``bench/overhead.py`` (see
``bench/_harness.py``): every framework is limited to the same number of threads and runs
in its own process; best and median of 7 loops of ~0.2 s (3 of ~0.05 s with ``--quick``).
Ratios are peer time / nabla time from the same run (>1: nabla is faster). Nothing is
asserted.

    python bench/hessian.py [--quick] [--threads N] [--only nabla torch ...]
                            [--formula log1p|logaddexp]
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

from _harness import Parent, best_time, dist_version, parse_args, ratio_cell, run_worker, us_cells

M, N = 200, 100
SEED = 0
TOL = 1e-8  # largest absolute error against the closed form for "ok"
FORMULAS = ("log1p", "logaddexp")
BENCH = "hessian"

# Target from the issue, printed beside the results (never asserted).
TARGET_VS_TORCH = 1.0


# ----------------------------------------------------------------------------- workload


def objective(ops, A, x, formula: str):
    """Σ log(1 + exp(A·x)) + ½‖x‖², written once against a namespace of operations."""
    z = A @ x
    softplus = ops.log1p(ops.exp(z)) if formula == "log1p" else ops.logaddexp(0.0, z)
    return ops.sum(softplus) + 0.5 * ops.sum(x * x)


def make_data(np):
    rng = np.random.default_rng(SEED)
    A = rng.standard_normal((M, N)) / np.sqrt(N)
    x = rng.standard_normal(N)
    return A, x


def closed_form(np, A, x):
    """Aᵀ diag(σ(Ax)(1−σ(Ax))) A + I."""
    s = 0.5 * (1.0 + np.tanh(0.5 * (A @ x)))  # σ, without overflow
    return A.T @ (A * (s * (1.0 - s))[:, None]) + np.eye(A.shape[1])


# ----------------------------------------------------------------------------- frameworks
# Each loader returns a SimpleNamespace with name, version and hessian(A, x, formula) ->
# fn, where fn() computes the Hessian (native type; to_numpy(fn()), where given, converts
# it, else numpy.asarray). A loader raises ImportError when its framework is missing.


def load_nabla():
    import nabla as nb
    import nabla.numpy as np

    def hessian(A, x, formula):
        h = nb.hessian(lambda x: objective(np, A, x, formula))
        return lambda: h(x)

    version = getattr(nb, "__version__", None) or dist_version("nabla")
    return SimpleNamespace(version=version, hessian=hessian)


def load_autograd():
    import autograd
    import autograd.numpy as anp

    def hessian(A, x, formula):
        h = autograd.hessian(lambda x: objective(anp, A, x, formula))
        return lambda: h(x)

    return SimpleNamespace(version=dist_version("autograd"), hessian=hessian)


def load_jax():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def hessian(A, x, formula):
        Aj, xj = jnp.asarray(A), jnp.asarray(x)
        h = jax.hessian(lambda x: objective(jnp, Aj, x, formula))
        return lambda: h(xj).block_until_ready()

    return SimpleNamespace(version=jax.__version__, hessian=hessian)


def load_torch(threads: int):
    import torch

    torch.set_num_threads(threads)
    zero = torch.zeros((), dtype=torch.float64)
    ops = SimpleNamespace(
        log1p=torch.log1p, exp=torch.exp, sum=torch.sum,
        logaddexp=lambda a, b: torch.logaddexp(zero + a, b),
    )

    def hessian(A, x, formula):
        At, xt = torch.from_numpy(A), torch.from_numpy(x)
        h = torch.func.hessian(lambda x: objective(ops, At, x, formula))
        return lambda: h(xt)

    return SimpleNamespace(version=torch.__version__, hessian=hessian,
                           to_numpy=lambda t: t.detach().numpy())


def load_numpy_by_hand():
    """The floor: the closed form, in plain NumPy (no differentiation at all)."""
    import numpy as np

    def hessian(A, x, formula):
        return lambda: closed_form(np, A, x)

    return SimpleNamespace(version=np.__version__, hessian=hessian)


# key -> (name in the table, distribution, loader); nabla first, the floor last
FRAMEWORKS = {
    "nabla": ("nabla", "nabla", lambda threads: load_nabla()),
    "autograd": ("autograd", "autograd", lambda threads: load_autograd()),
    "jax": ("jax (eager)", "jax", lambda threads: load_jax()),
    "torch": ("torch.func", "torch", load_torch),
    "numpy": ("numpy by hand", "numpy", lambda threads: load_numpy_by_hand()),
}
PEER_CALLS = {
    "nabla": "nabla.hessian",
    "autograd": "autograd.hessian",
    "jax": "jax.hessian",
    "torch": "torch.func.hessian",
    "numpy": "closed form",
}


# ----------------------------------------------------------------------------- worker


def load_worker(key: str, threads: int, out: str, formula: str):
    """One framework's version and benchmark, for :func:`_harness.run_worker`; the run
    leaves ``{key}.npy`` (the Hessian) in ``out``."""
    import numpy as np

    fw = FRAMEWORKS[key][2](threads)

    def benchmarks():
        A, x = make_data(np)

        def run():
            fn = fw.hessian(A, x, formula)
            np.save(os.path.join(out, f"{key}.npy"), getattr(fw, "to_numpy", np.asarray)(fn()))
            return fn, {}

        yield BENCH, run

    return fw.version, benchmarks()


# ----------------------------------------------------------------------------- report


COLUMNS = ("framework", "call", "best µs/call", "median µs/call", "peer/nabla",
           "max abs err", "check", "notes")
RIGHT = {2, 3, 4, 5}  # right-aligned (numeric) columns


def check(H, ref) -> tuple[float | None, str, str]:
    """(max abs error, check, notes) of a Hessian against the closed form."""
    import numpy as np

    notes = "" if H.dtype == np.float64 else f"Hessian dtype {H.dtype}"
    if H.shape != ref.shape:
        return None, f"MISMATCH (shape {H.shape})", notes
    err = float(np.max(np.abs(H.astype(np.float64) - ref)))
    return err, ("ok" if err < TOL else "MISMATCH"), notes


def _cells(row):
    name, call, best, med, ratio, err, ok, notes = row
    return (name, call, *us_cells(best, med), ratio_cell(ratio),
            f"{err:.1e}" if err is not None else "", ok, notes)


def print_targets(rows) -> None:
    ratio = next((r[4] for r in rows if r[0] == FRAMEWORKS["torch"][0]), None)
    mark = "—" if ratio is None else ("met" if ratio > TARGET_VS_TORCH else "MISSED")
    value = f"torch.func/nabla = {ratio:.2f}×" if ratio is not None else "n/a"
    print("targets (shown, not asserted):")
    print(f"  {'hessian: faster than torch.func.hessian':<44} {value:<27} {mark}")


def main(argv=None) -> int:
    args = parse_args(__doc__, FRAMEWORKS, argv, lambda ap: ap.add_argument(
        "--formula", choices=FORMULAS, default="log1p",
        help="how log(1 + exp(z)) is written (default: log1p(exp(z)))"))
    if args.worker:
        run_worker(args.out, args.worker, args.quick,
                   lambda: load_worker(args.worker, args.threads, args.out, args.formula))
        return 0

    import numpy as np

    parent = Parent(__file__, args, FRAMEWORKS)
    softplus = "log1p(exp(z))" if args.formula == "log1p" else "logaddexp(0, z)"
    workload = (f"full Hessian of f(x) = Σ {softplus.replace('z', 'A·x')} + ½‖x‖², "
                f"A float64[{M}×{N}], x float64[{N}]")
    print(f"{'workload':<14} {workload}", flush=True)

    A, x = make_data(np)
    ref = closed_form(np, A, x)
    rows = []  # (name, call, best, median, ratio, max abs err, check, notes)
    with parent.scratch() as out:
        reports = parent.run_workers(out, timeout=60 if args.quick else 120,
                                     benches=lambda key: [BENCH],
                                     extra_args=["--formula", args.formula])
        nabla_best = best_time(reports, BENCH)
        for key, r in reports.items():
            name, call = FRAMEWORKS[key][0], PEER_CALLS[key]
            res = r["bench"].get(BENCH, {})
            if "best" not in res:
                rows.append((name, call, None, None, None, None, "",
                             r["status"] or res.get("error", "")))
                continue
            H = np.load(os.path.join(out, f"{key}.npy"), allow_pickle=False)
            err, ok, notes = check(H, ref)
            if key == "numpy":  # the same code as the reference: not a check
                err, ok = None, "reference"
            rows.append((name, call, res["best"], res["median"],
                         res["best"] / nabla_best if nabla_best and key != "nabla" else None,
                         err, ok, notes))

    parent.print_results(COLUMNS, [_cells(r) for r in rows], RIGHT, reports=reports,
                         dists={k: fw[1] for k, fw in FRAMEWORKS.items()},
                         notes=[f"- `{BENCH}`: {workload}; error against the closed form "
                                f"Aᵀ diag(σ(Ax)(1−σ(Ax))) A + I, ok below {TOL:g}"],
                         targets=lambda: print_targets(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
