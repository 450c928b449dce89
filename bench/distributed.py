"""Data-parallel fits on Dask: nabla against dask-ml and scikit-learn; the per-step
overhead of data-parallel MLP training (an experiment, not a test).

**Part 1: L2 logistic regression.** ``ROWS × 20`` float64 rows (5,000,000: 800 MB; fewer
with ``--rows`` or ``--quick``) generated as a Dask array by ``dask.array.random`` (seeded;
labels drawn from a logistic model, so the classes overlap), in blocks of 250,000 rows.
For each LocalCluster size (1 and 2 worker processes, one thread each) the data are
persisted on the workers first (not timed); then timed, each fit once:

- nabla: ``nabla.models.LogisticRegression(C=1, tol=1e-6)`` on the Dask arrays (L-BFGS,
  each loss and gradient summed over the blocks by ``nabla.distributed``);
- dask-ml: ``dask_ml.linear_model.LogisticRegression(C=1, solver="lbfgs")`` on the same
  arrays, when dask-ml is installed (``make bench`` tries to install it);
- scikit-learn: ``sklearn.linear_model.LogisticRegression(C=1, tol=1e-6)`` on the data in
  memory, in this process (2 BLAS threads available).

"Time to the same loss": each fit's coefficients are scored by scikit-learn's objective
``F = (1/n)[Σ ℓᵢ + ‖w‖²/(2C)]`` in NumPy here, against ``F*``, the lowest F of all fits;
a fit counts as reaching the loss when ``F ≤ F*·(1 + 1e-6)`` (the table says if not).
Targets (shown, not asserted): nabla faster than dask-ml on the same cluster, and within
1.5× of scikit-learn's in-memory time with 2 workers.

**Part 2: per-step overhead of data-parallel training.** A 784-256-256-10 ReLU MLP in
float32 (``nabla.nn.MLP``, softmax cross-entropy, Adam) trained for one epoch by
``nabla.nn.fit`` on 16,384 rows: in memory (one process) and on Dask arrays of 2 blocks
persisted on 1 and 2 workers, where each step's gradient is summed over the workers' slices
of the mini-batch. The table gives milliseconds per step and the difference. No target.

``--figure PATH`` draws ``nabla.plot.fit_time_by_workers`` of part 1 (needs matplotlib).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/distributed.py \\
        [--quick] [--rows N] [--figure PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
import warnings

import numpy as np

# This file's name is the package's: keep bench/ off the path, so `import distributed` is Dask's.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]

D, BLOCK, C, SEED = 20, 250_000, 1.0, 0
MLP_SIZES, MLP_ROWS = (784, 256, 256, 10), 16_384
WORKERS = (1, 2)


def objective(coef, intercept, X, y):
    """scikit-learn's L2 logistic objective, divided by n, in NumPy (chunked)."""
    total = 0.0
    for start in range(0, len(X), 1_000_000):
        z = X[start:start + 1_000_000] @ coef + intercept
        total += float(np.sum(np.logaddexp(0.0, z) - y[start:start + 1_000_000] * z))
    return (total + 0.5 * float(coef @ coef) / C) / len(X)


def make_data(rows):
    import dask.array as da

    rng = da.random.default_rng(SEED)
    X = rng.standard_normal((rows, D), chunks=(BLOCK, D))
    z = X @ np.linspace(-1.0, 1.0, D) + 0.3
    y = (rng.random(rows, chunks=BLOCK) < 1.0 / (1.0 + da.exp(-z))).astype(np.float64)
    return X, y


@contextlib.contextmanager
def cluster(workers):
    import distributed

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  memory_limit="8GB", dashboard_address=":0") as c, \
            distributed.Client(c) as client:
        yield client


def timed(fit):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fit()
    return time.perf_counter() - start, result


def logistic(rows):
    import dask

    from nabla.models import LogisticRegression

    try:
        from dask_ml.linear_model import LogisticRegression as DaskML
    except ImportError as error:
        DaskML = None
        print(f"dask-ml is not installed ({error}); comparing with scikit-learn only")
    X, y = make_data(rows)
    with dask.config.set(scheduler="threads"):
        X_memory, y_memory = dask.compute(X, y)
    print(f"data: {rows:,} × {D} float64 ({X_memory.nbytes / 1e6:,.0f} MB), "
          f"{len(X.chunks[0])} blocks; class balance {y_memory.mean():.3f}")
    fits = {}                                        # (method, workers) -> (s, coef, b)
    try:
        from sklearn.linear_model import LogisticRegression as Sklearn
        seconds, model = timed(lambda: Sklearn(C=C, tol=1e-6, max_iter=1000)
                               .fit(X_memory, y_memory))
        fits[("scikit-learn, in memory", 0)] = (seconds, model.coef_[0], model.intercept_[0])
    except ImportError:
        print("scikit-learn is not installed")
    for workers in WORKERS:
        with cluster(workers) as client:
            Xp, yp = client.persist([X, y])
            dask.distributed.wait([Xp, yp])
            seconds, model = timed(lambda X=Xp, y=yp: LogisticRegression(C=C, tol=1e-6)
                                   .fit(X, y))
            fits[("nabla", workers)] = (seconds, model.coef_[0], model.intercept_[0])
            print(f"nabla, {workers} worker(s): {seconds:.1f} s, {model.n_iter_} iterations")
            if DaskML is not None:
                seconds, model = timed(lambda X=Xp, y=yp: DaskML(C=C, solver="lbfgs",
                                                                 max_iter=100).fit(X, y))
                fits[("dask-ml", workers)] = (seconds, np.ravel(model.coef_),
                                              float(np.ravel(model.intercept_)[0]))
                print(f"dask-ml, {workers} worker(s): {seconds:.1f} s")
    losses = {key: objective(coef, b, X_memory, y_memory) for key, (_, coef, b) in fits.items()}
    best = min(losses.values())
    return fits, losses, best


def mlp_steps(batch_sizes):
    import dask
    import dask.array as da

    from nabla.nn import MLP, losses
    from nabla.nn.training import fit
    from nabla.optim.optimizers import adam

    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((MLP_ROWS, MLP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, MLP_SIZES[-1], MLP_ROWS)
    loss = lambda model, batch: losses.cross_entropy(model(batch[0]), batch[1])  # noqa: E731

    def per_step(data, batch):
        model = MLP(MLP_SIZES, rng=np.random.default_rng(SEED), dtype=np.float32)
        seconds, (_, history) = timed(lambda: fit(model, loss, data, optimizer=adam(1e-3),
                                                  epochs=1, batch_size=batch, rng=SEED,
                                                  verbose=0))
        return seconds / history.steps

    rows = {batch: {"one process": per_step((X, y), batch)} for batch in batch_sizes}
    for workers in WORKERS:
        with cluster(workers) as client:
            half = MLP_ROWS // 2
            data = client.persist([da.from_array(X, chunks=(half, MLP_SIZES[0])),
                                   da.from_array(y, chunks=half)])
            dask.distributed.wait(data)
            for batch in batch_sizes:
                rows[batch][f"{workers} worker(s)"] = per_step(tuple(data), batch)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500,000 rows, one batch size")
    parser.add_argument("--rows", type=int, default=None, help="rows of part 1 (5,000,000)")
    parser.add_argument("--figure", default=None, help="save the workers figure here")
    args = parser.parse_args()
    rows = args.rows or (500_000 if args.quick else 5_000_000)
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}; {platform.machine()}, {os.cpu_count()} "
          f"cores, Python {platform.python_version()}\n")

    fits, losses, best = logistic(rows)
    print(f"\nL2 logistic regression, {rows:,} × {D}, C = {C:g}; F* = {best:.10f}\n")
    print("| fit | workers | seconds | F − F* (relative) | reached F*·(1 + 1e-6) |")
    print("|---|---:|---:|---:|---|")
    for (method, workers), (seconds, _, _) in fits.items():
        gap = (losses[(method, workers)] - best) / best
        print(f"| {method} | {workers or '—'} | {seconds:.1f} | {gap:.1e} | "
              f"{'yes' if gap <= 1e-6 else 'no'} |")
    nabla = {w: fits[("nabla", w)][0] for w in WORKERS}
    if ("dask-ml", 2) in fits:
        print("\ndask-ml / nabla on the same cluster: " + ", ".join(
            f"{fits[('dask-ml', w)][0] / nabla[w]:.2f}× ({w} worker{'s' * (w > 1)})"
            for w in WORKERS) + " (target > 1)")
    if ("scikit-learn, in memory", 0) in fits:
        ratio = nabla[2] / fits[("scikit-learn, in memory", 0)][0]
        print(f"nabla with 2 workers / scikit-learn in memory: {ratio:.2f}× (target ≤ 1.5)")

    batch_sizes = (512,) if args.quick else (128, 512, 2048)
    steps = mlp_steps(batch_sizes)
    columns = list(next(iter(steps.values())))
    print(f"\nMLP {'-'.join(map(str, MLP_SIZES))} float32, one epoch of {MLP_ROWS:,} rows: "
          "milliseconds per step (overhead: data-parallel − one process)\n")
    print("| batch | " + " | ".join(columns) + " | overhead, 1 worker | overhead, 2 workers |")
    print("|---:|" + "---:|" * (len(columns) + 2))
    for batch, row in steps.items():
        base = row["one process"]
        print(f"| {batch} | " + " | ".join(f"{1e3 * row[c]:.1f}" for c in columns) + " | "
              + " | ".join(f"{1e3 * (row[f'{w} worker(s)'] - base):+.1f}" for w in WORKERS)
              + " |")

    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        from nabla.plot import fit_time_by_workers

        times = {method: {w: s for (m, w), (s, _, _) in fits.items() if m == method}
                 for method in ("nabla", "dask-ml") if (method, 1) in fits}
        baselines = {m: s for (m, w), (s, _, _) in fits.items() if w == 0}
        fit_time_by_workers(times, baselines=baselines,
                            title=f"L2 logistic regression, {rows:,} × {D}").savefig(
            args.figure, dpi=120, bbox_inches="tight")
        print(f"\nfigure: {args.figure}")


if __name__ == "__main__":
    main()
