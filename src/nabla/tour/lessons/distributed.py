"""Lesson: a model fitted on a Dask array, its gradient summed over the workers' blocks."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import numpy as onp

from nabla.tour.lesson import Lesson

NAME = "distributed"
TITLE = "Data-parallel gradients: fitting on a Dask cluster"

CODE = """import dask.array as da
from dask.distributed import Client, LocalCluster, progress
from nabla.models import LogisticRegression
client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
X = da.from_array(X_memory, chunks=(2_500, 5)).persist()    # 8 row blocks on 2 workers
y = da.from_array(y_memory, chunks=2_500).persist()
progress(X)                                                 # Dask's progress bar
model = LogisticRegression(C=1.0).fit(X, y)                 # ∇F = Σ_b (n_b/N) ∇F_b
client.dashboard_link                                       # the live task stream"""

# bench/distributed.py, 2026-12-02, x86_64 with 2 cores (bench/RESULTS.md): seconds per
# fit of L2 logistic regression on 5,000,000 × 20 float64 rows, to the same loss.
BENCHMARK = {"nabla": {1: 7.0, 2: 6.8}, "dask-ml (lbfgs)": {1: 16.4, 2: 16.9}}
BENCHMARK_IN_MEMORY = {"scikit-learn, in memory": 2.7}
ROWS, BLOCK, FEATURES = 20_000, 2_500, 5


def data(seed=0):
    """``(X, y)``: ``ROWS`` points with ``FEATURES`` features; labels from a logistic model."""
    rng = onp.random.default_rng(seed)
    X = rng.standard_normal((ROWS, FEATURES))
    p = 1.0 / (1.0 + onp.exp(-(X @ onp.array([1.5, -1.0, 0.5, 0.0, 2.0]) + 0.25)))
    return X, (rng.random(ROWS) < p).astype(int)


def fit_on_cluster(X_memory, y_memory):
    """Fit on a LocalCluster of 2 workers; ``(model, numbers)`` of what was seen."""
    import dask.array as da
    from dask.distributed import Client, LocalCluster, progress

    from nabla.models import LogisticRegression

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      memory_limit="1GB", dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        X = da.from_array(X_memory, chunks=(BLOCK, FEATURES)).persist()
        y = da.from_array(y_memory, chunks=BLOCK).persist()
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            progress(X, y, notebook=False)
        model = LogisticRegression(C=1.0, tol=1e-8).fit(X, y)
        link = client.dashboard_link
        try:
            import bokeh  # noqa: F401  (the dashboard is served with bokeh)
        except ImportError:
            link += " (served once bokeh is installed: pip install bokeh)"
        numbers = {
            "workers (processes)": len(client.scheduler_info()["workers"]),
            "row blocks of X": len(X.chunks[0]),
            "Dask's progress bar (persisting X and y)": [
                line.strip() for line in re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "",
                                                shown.getvalue()).split("\r")
                if line.strip()][-1],
            "dashboard": link,
        }
    return model, numbers


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nabla.models import LogisticRegression
    from nabla.plot import fit_time_by_workers

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    X_memory, y_memory = data()
    in_memory = LogisticRegression(C=1.0, tol=1e-8).fit(X_memory, y_memory)
    try:
        model, numbers = fit_on_cluster(X_memory, y_memory)
    except ImportError as error:
        model, numbers = None, {"Dask": f"not installed ({error}): pip install "
                                        "nabla[distributed]"}
    if model is not None:
        numbers["coefficients w on the cluster"] = [float(v) for v in model.coef_[0]]
        numbers["largest |w_cluster − w_in_memory|"] = float(
            onp.max(onp.abs(model.coef_ - in_memory.coef_)))
        numbers["L-BFGS iterations (each one pass over the blocks)"] = int(model.n_iter_)
    for method, series in BENCHMARK.items():
        for workers, seconds in series.items():
            numbers[f"benchmark, s per fit: {method}, {workers} worker{'s' * (workers > 1)}"] \
                = seconds
    for method, seconds in BENCHMARK_IN_MEMORY.items():
        numbers[f"benchmark, s per fit: {method}"] = seconds

    figures = [f"{NAME}-workers.png"]
    fig = fit_time_by_workers(BENCHMARK, baselines=BENCHMARK_IN_MEMORY,
                              title="L2 logistic regression, 5,000,000 × 20 (benchmark)")
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)
    explanation = (
        "A loss that is a mean over rows splits over blocks of rows: with nᵦ rows in block "
        "b of N, L(θ) = Σᵦ (nᵦ/N)·Lᵦ(θ), and since differentiation is linear so do its "
        "gradient and Hessian. nabla.distributed sends θ to the Dask workers, each computes "
        "its blocks' gradients where the rows live, and a tree reduction brings back only "
        "their sum, so L-BFGS runs on the cluster and lands on the in-memory answer. The "
        "figure shows the benchmark's time per fit as workers are added.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
