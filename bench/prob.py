"""EM for a Gaussian mixture: ``nabla.prob.GaussianMixture.fit`` against scikit-learn.

The workload: 100,000 points in 2 dimensions drawn from 5 Gaussian blobs (seeded; unequal
sizes, spreads and correlations), fitted with 5 components, ``covariance_type='full'``,
by ``nabla.prob.GaussianMixture`` and by ``sklearn.mixture.GaussianMixture``. Both start
from the same point, computed once by the parent process from one k-means run (Lloyd's
algorithm in NumPy from seeded farthest-point centers): the cluster proportions, centers
and inverse covariances (with ``reg_covar`` added) are passed as ``weights_init``,
``means_init`` and ``precisions_init``. With ``tol=0`` neither can stop early, so both run
exactly ``max_iter`` EM iterations (30; 10 with ``--quick``) and do the same work; the
final lower bound (mean log-likelihood) of each is shown, and should agree to rounding.

The time reported is that of a whole ``fit`` (input checks, the start, ``max_iter`` E and
M steps and the final E step both do) divided by ``n_iter_``: the time per EM iteration.

Threads, processes, timing and the load check are those of ``bench/overhead.py`` (see
``bench/_harness.py``): every framework runs in its own process limited to the same
number of threads; timeit-style best and median of 7 loops (3 with ``--quick``), each of
≥ ~0.2 s (0.05 s) of whole fits. The ratio is scikit-learn time / nabla time from the same
run (>1: nabla is faster). Target (shown, not asserted): no slower than scikit-learn.

    python bench/prob.py [--quick] [--threads N] [--only nabla sklearn]
"""

from __future__ import annotations

import os
import sys
import warnings

from _harness import Parent, dist_version, parse_args, run_worker

N_SAMPLES, N_FEATURES, N_COMPONENTS = 100_000, 2, 5
SEED = 0
REG_COVAR = 1e-6
MAX_ITER = {False: 30, True: 10}  # by --quick; keeps the run under a minute
TOL = 0.0  # never converged early: every fit runs max_iter iterations
TARGET_VS_SKLEARN = 1.0  # sklearn / nabla at least this

FRAMEWORKS = {
    "nabla": ("nabla", "nabla.prob.GaussianMixture"),
    "sklearn": ("scikit-learn", "sklearn.mixture.GaussianMixture"),
}
DISTS = {"nabla": "nabla", "sklearn": "scikit-learn"}
BENCH = "em"


# ----------------------------------------------------------------------------- data


def make_blobs(np):
    """5 seeded 2-D Gaussian blobs of unequal sizes, spreads and correlations."""
    rng = np.random.default_rng(SEED)
    centers = np.array([[0.0, 0.0], [6.0, 1.0], [-4.0, 5.0], [3.0, 7.0], [-5.0, -4.0]])
    sizes = rng.multinomial(N_SAMPLES, [0.3, 0.25, 0.2, 0.15, 0.1])
    parts = []
    for center, size in zip(centers, sizes, strict=True):
        a = rng.normal(size=(2, 2)) * rng.uniform(0.4, 1.2)
        parts.append(center + rng.normal(size=(size, 2)) @ a.T)
    X = np.concatenate(parts)
    return X[rng.permutation(len(X))]


def kmeans_start(np, X, iters: int = 100):
    """(weights, means, full precisions) from Lloyd's k-means in NumPy: seeded farthest-
    point centers, then assignments and centroid updates until the labels stop changing."""
    rng = np.random.default_rng(SEED)
    centers = [X[rng.integers(len(X))]]
    for _ in range(N_COMPONENTS - 1):
        d2 = np.min([np.sum((X - c) ** 2, axis=1) for c in centers], axis=0)
        centers.append(X[np.argmax(d2)])
    centers = np.array(centers)
    labels = None
    for _ in range(iters):
        d2 = np.stack([np.sum((X - c) ** 2, axis=1) for c in centers], axis=1)
        new = np.argmin(d2, axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        centers = np.array([X[labels == k].mean(axis=0) for k in range(N_COMPONENTS)])
    weights = np.bincount(labels, minlength=N_COMPONENTS) / len(X)
    covs = np.array([np.cov(X[labels == k].T, bias=True) + REG_COVAR * np.eye(N_FEATURES)
                     for k in range(N_COMPONENTS)])
    return weights, centers, np.linalg.inv(covs)


def load_data(out: str):
    import numpy as np

    with np.load(os.path.join(out, "gmm-data.npz"), allow_pickle=False) as z:
        return z["X"], z["weights"], z["means"], z["precisions"]


# ----------------------------------------------------------------------------- worker


def load_worker(key: str, out: str, quick: bool):
    """The version and the one benchmark of a worker, for :func:`_harness.run_worker`."""
    version = dist_version(DISTS[key])
    if key == "nabla":
        from nabla.prob import GaussianMixture
        from nabla.prob.mixture import ConvergenceWarning
    else:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import GaussianMixture
    X, weights, means, precisions = load_data(out)
    max_iter = MAX_ITER[quick]

    def fit():
        gm = GaussianMixture(N_COMPONENTS, covariance_type="full", tol=TOL,
                             reg_covar=REG_COVAR, max_iter=max_iter, weights_init=weights,
                             means_init=means, precisions_init=precisions, random_state=SEED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return gm.fit(X)

    def run():
        gm = fit()
        return fit, {"n_iter": int(gm.n_iter_), "lower_bound": float(gm.lower_bound_),
                     "means": gm.means_.tolist()}

    return version, [(BENCH, run)]


# ----------------------------------------------------------------------------- report


COLUMNS = ("implementation", "best ms/iter", "median ms/iter", "sklearn/nabla",
           "iterations", "best ms/fit", "lower_bound_", "Δ vs sklearn", "max Δμ", "notes")
RIGHT = {1, 2, 3, 4, 5, 6, 7, 8}


def _ms(s):
    return f"{s * 1e3:,.2f}" if s < 0.1 else f"{s * 1e3:,.1f}"


def make_rows(np, reports):
    ref = reports.get("sklearn", {}).get("bench", {}).get(BENCH, {})
    rows = []
    for key, r in reports.items():
        name = FRAMEWORKS[key][1]
        res = r["bench"].get(BENCH, {})
        if "best" not in res:
            rows.append({"name": name, "ratio": None, "cells": (
                name, "—", "—", "", "", "", "", "", "",
                r["status"] or res.get("error", "") or "no result")})
            continue
        n = max(res["n_iter"], 1)
        ratio = None
        if key == "nabla" and "best" in ref:
            ratio = (ref["best"] / max(ref["n_iter"], 1)) / (res["best"] / n)
        delta = dmu = ""
        if "lower_bound" in ref and key != "sklearn":
            delta = f"{res['lower_bound'] - ref['lower_bound']:.1e}"
            dmu = f"{np.max(np.abs(np.subtract(res['means'], ref['means']))):.1e}"
        rows.append({"name": name, "ratio": ratio, "cells": (
            name, _ms(res["best"] / n), _ms(res["median"] / n),
            f"{ratio:.2f}×" if ratio else "", str(res["n_iter"]), _ms(res["best"]),
            f"{res['lower_bound']:.12g}", delta, dmu, "")})
    return rows


def print_targets(rows) -> None:
    ratio = next((r["ratio"] for r in rows if r["name"] == FRAMEWORKS["nabla"][1]), None)
    mark = "—" if ratio is None else ("met" if ratio >= TARGET_VS_SKLEARN else "MISSED")
    value = f"sklearn/nabla = {ratio:.2f}×" if ratio is not None else "n/a"
    print("targets (shown, not asserted):")
    print(f"  {'GaussianMixture.fit: no slower than scikit-learn':<52} {value:<24} {mark}")


def main(argv=None) -> int:
    args = parse_args(__doc__, FRAMEWORKS, argv)
    if args.worker:
        run_worker(args.out, args.worker, args.quick,
                   lambda: load_worker(args.worker, args.out, args.quick),
                   version=dist_version(DISTS[args.worker]))
        return 0

    import numpy as np

    parent = Parent(__file__, args, FRAMEWORKS,
                    loops="loops of ≥ ~{target:g} s of whole fits")
    max_iter = MAX_ITER[args.quick]
    workload = (f"GaussianMixture({N_COMPONENTS}, covariance_type='full', tol={TOL:g}, "
                f"max_iter={max_iter}).fit on {N_SAMPLES:,} × {N_FEATURES} points from "
                f"{N_COMPONENTS} seeded blobs; same k-means start for both")
    print(f"{'workload':<14} {workload}", flush=True)

    with parent.scratch() as out:
        X = make_blobs(np)
        weights, means, precisions = kmeans_start(np, X)
        np.savez(os.path.join(out, "gmm-data.npz"), X=X, weights=weights, means=means,
                 precisions=precisions)
        reports = parent.run_workers(out, timeout=120 if args.quick else 300,
                                     benches=lambda key: [BENCH])
    rows = make_rows(np, reports)
    notes = [f"- `em`: {workload} (weights_init, means_init, precisions_init from one "
             f"k-means run); time per EM iteration = fit time / n_iter_; "
             f"sklearn/nabla = scikit-learn time / nabla time; Δ vs sklearn: difference "
             f"of the final lower_bound_ (mean log-likelihood); max Δμ: largest absolute "
             f"difference of the fitted means"]
    parent.print_results(COLUMNS, [r["cells"] for r in rows], RIGHT, reports=reports,
                         dists=DISTS, notes=notes, targets=lambda: print_targets(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
