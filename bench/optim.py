"""Solving to the same final loss: ``nabla.optim.minimize`` against scikit-learn and SciPy.

Two problems, each solved to a tight tolerance by every solver, so that the times compare
the same work (the table shows each solver's final loss, to check that it does):

(a) ``logreg``: binary logistic regression with an L2 penalty on scikit-learn's
    ``make_classification(n_samples=20000, n_features=50, random_state=0)``, minimizing
    exactly the objective that ``LogisticRegression(C=1.0, solver='lbfgs')`` minimizes
    internally (its ``C Σ ℓ_i + ½‖w‖²`` divided by C·m, which has the same minimizer):

        L(w, b) = (1/m) Σ_i [ log(1 + exp(z_i)) − y_i z_i ] + ‖w‖² / (2 C m),  z = Xw + b,

    with m = 20,000 samples, C = 1, y_i ∈ {0, 1}, and the intercept b not penalized.
    Solvers: ``minimize(L, 0, method='lbfgs')`` and ``method='newton'`` (the objective
    written with ``nabla.numpy``, derivatives by nabla), and scikit-learn's
    ``LogisticRegression(C=1.0, solver='lbfgs', tol=GTOL)`` (SciPy's L-BFGS-B on a
    hand-written gradient in Cython), all from zero.
(b) ``rosen100``: the chained Rosenbrock function in 100 dimensions
    (``nabla.optim.functions.rosenbrock(100)``) from its start (−1.2, …, −1.2):
    ``minimize(f, x0, method='lbfgs')`` against ``scipy.optimize.minimize(rosen, x0,
    jac=rosen_der, method='L-BFGS-B')``, whose gradient ``rosen_der`` is exact NumPy.

Every solver stops when the largest entry of its gradient, ‖∇L‖∞, is at most ``GTOL``
(1e-8 for logreg, 1e-6 for rosen100), or after 10,000 iterations (scikit-learn's
L-BFGS-B also stops when f decreases by less than 64 ε relatively; for Rosenbrock,
SciPy's ``ftol`` is set to 0 so that only the gradient test stops it). The parent process
evaluates every solver's final point with one NumPy formula: the final loss, its excess
over the optimum (for logreg computed by Newton's method in closed-form NumPy to
machine precision; for Rosenbrock 0), and the largest gradient entry.

Threads, processes, timing and the load check are those of ``bench/overhead.py`` (see
``bench/_harness.py``): every framework runs in its own process limited to the same
number of threads; timeit-style best and median of 7 loops (3 with ``--quick``), each a
whole solve from the starting point. Ratios are peer time / nabla time from the same run
(>1: nabla is faster). Nothing is asserted: benchmarks are not tests.

    python bench/optim.py [--quick] [--threads N] [--only nabla sklearn scipy]
"""

from __future__ import annotations

import os
import sys
import warnings

from _harness import Parent, dist_version, parse_args, run_worker

M, N_FEATURES = 20_000, 50
C = 1.0
SEED = 0
N_ROSEN = 100
GTOL = {"logreg": 1e-8, "rosen100": 1e-6}
MAXITER = 10_000

PROBLEMS = {
    "logreg": f"L2 logistic regression, make_classification {M:,} × {N_FEATURES}, C = {C:g}",
    "rosen100": f"Rosenbrock in {N_ROSEN} dimensions from (−1.2, …, −1.2)",
}
# worker key -> (framework, [(benchmark, solver label)])
FRAMEWORKS = {
    "nabla": ("nabla", [("logreg", "nabla minimize(method='lbfgs')"),
                        ("logreg", "nabla minimize(method='newton')"),
                        ("rosen100", "nabla minimize(method='lbfgs')")]),
    "sklearn": ("scikit-learn", [("logreg", "sklearn LogisticRegression(solver='lbfgs')")]),
    "scipy": ("scipy", [("rosen100", "scipy minimize(method='L-BFGS-B', jac=rosen_der)")]),
}
# benchmark -> its peer (the row every nabla row of that benchmark is compared with)
PEER = {"logreg": "sklearn", "rosen100": "scipy"}


# ----------------------------------------------------------------------------- problems


def logreg_data(out: str):
    """(X, y) as saved by the parent (which alone needs scikit-learn to make them)."""
    import numpy as np

    with np.load(os.path.join(out, "logreg-data.npz"), allow_pickle=False) as z:
        return z["X"], z["y"]


def logreg_loss(ops, X, y, theta):
    """L(w, b) with θ = (w, b), written once for nabla.numpy and NumPy."""
    z = X @ theta[:-1] + theta[-1]
    penalty = 0.5 / (C * X.shape[0]) * ops.sum(theta[:-1] ** 2)
    return ops.mean(ops.logaddexp(0.0, z) - y * z) + penalty


def logreg_grad(np, X, y, theta):
    """∇L in closed form: (Xᵀ(σ(z) − y)/m + w/(Cm), mean(σ(z) − y))."""
    z = X @ theta[:-1] + theta[-1]
    r = 0.5 * (1.0 + np.tanh(0.5 * z)) - y  # σ(z) − y, without overflow
    m = X.shape[0]
    return np.concatenate([X.T @ r / m + theta[:-1] / (C * m), [np.mean(r)]])


def logreg_optimum(np, X, y):
    """The minimizer of L by Newton's method in closed-form NumPy, to machine precision."""
    m = X.shape[0]
    A = np.hstack([X, np.ones((m, 1))])
    penalty = np.eye(A.shape[1]) / (C * m)
    penalty[-1, -1] = 0.0
    theta = np.zeros(A.shape[1])
    for _ in range(50):
        g = logreg_grad(np, X, y, theta)
        if np.max(np.abs(g)) < 1e-15:
            break
        s = 0.5 * (1.0 + np.tanh(0.5 * (A @ theta)))
        H = A.T @ (A * (s * (1.0 - s) / m)[:, None]) + penalty
        theta = theta - np.linalg.solve(H, g)
    return theta


def rosen_start(np):
    return np.full(N_ROSEN, -1.2)


# ----------------------------------------------------------------------------- solvers
# Each returns a function solve() -> (θ or x, iterations, evaluations or None).


def nabla_solvers(out: str):
    import importlib

    import numpy

    import nabla.numpy as np
    from nabla.optim.functions import rosenbrock

    minimize = importlib.import_module("nabla.optim.minimize").minimize
    solvers = {}

    def solver(f, x0, method, gtol):
        def solve():
            r = minimize(f, x0, method=method, gtol=gtol, maxiter=MAXITER)
            return numpy.asarray(r.x), r.nit, r.nfev
        return solve

    if os.path.exists(os.path.join(out, "logreg-data.npz")):
        X, y = logreg_data(out)
        loss = lambda theta: logreg_loss(np, X, y, theta)
        theta0 = numpy.zeros(X.shape[1] + 1)
        solvers[0] = solver(loss, theta0, "lbfgs", GTOL["logreg"])
        solvers[1] = solver(loss, theta0, "newton", GTOL["logreg"])
    f = rosenbrock(N_ROSEN)
    solvers[2] = solver(f, numpy.array(f.start), "lbfgs", GTOL["rosen100"])
    return solvers


def sklearn_solvers(out: str):
    import numpy
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    X, y = logreg_data(out)

    def solve():
        clf = LogisticRegression(C=C, l1_ratio=0.0, solver="lbfgs", tol=GTOL["logreg"],
                                 max_iter=MAXITER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", (FutureWarning, ConvergenceWarning))
            clf.fit(X, y)
        return numpy.r_[clf.coef_[0], clf.intercept_], int(clf.n_iter_[0]), None

    return {0: solve}


def scipy_solvers(out: str):
    import numpy
    from scipy.optimize import minimize, rosen, rosen_der

    x0 = rosen_start(numpy)

    def solve():
        r = minimize(rosen, x0, jac=rosen_der, method="L-BFGS-B",
                     options={"gtol": GTOL["rosen100"], "ftol": 0.0, "maxiter": MAXITER})
        return r.x, r.nit, r.nfev

    return {0: solve}


LOADERS = {"nabla": nabla_solvers, "sklearn": sklearn_solvers, "scipy": scipy_solvers}
VERSIONS = {"nabla": "nabla", "sklearn": "scikit-learn", "scipy": "scipy"}


# ----------------------------------------------------------------------------- worker


def load_worker(key: str, out: str):
    """The solvers of one framework as benchmarks for :func:`_harness.run_worker` (the i-th
    is benchmark ``i``: times, iterations, evaluations); a run leaves ``{key}-{i}.npy`` (the
    final point) in ``out``."""
    import numpy as np

    def run(i, solve):
        x, nit, nfev = solve()
        np.save(os.path.join(out, f"{key}-{i}.npy"), np.asarray(x, dtype=np.float64))
        return solve, {"nit": nit, "nfev": nfev}

    return [(str(i), lambda i=i, solve=solve: run(i, solve))
            for i, solve in LOADERS[key](out).items()]


# ----------------------------------------------------------------------------- report


COLUMNS = ("problem", "solver", "best ms", "median ms", "peer/nabla", "iterations",
           "f evals", "final loss", "loss − optimum", "‖∇L‖∞")
RIGHT = {2, 3, 4, 5, 6, 7, 8, 9}


def assess(np, bench: str, x, data):
    """(final loss, excess over the optimum, largest gradient entry), by one formula."""
    from scipy.optimize import rosen, rosen_der

    if bench == "logreg":
        X, y, best = data
        loss = float(logreg_loss(np, X, y, x))
        return loss, loss - best, float(np.max(np.abs(logreg_grad(np, X, y, x))))
    loss = float(rosen(x))
    return loss, loss, float(np.max(np.abs(rosen_der(x))))


def _ms(s):
    return f"{s * 1e3:,.1f}" if s >= 0.01 else f"{s * 1e3:.3f}"


def _cells(row):
    bench, solver, best, med, ratio, nit, nfev, loss, excess, gmax, notes = row
    if best is None:
        return (bench, solver, "—", "—", "", "", "", "", "", notes)
    return (bench, solver, _ms(best), _ms(med), f"{ratio:.2f}×" if ratio else "",
            str(nit), "" if nfev is None else str(nfev), f"{loss:.12g}",
            f"{excess:.1e}", f"{gmax:.1e}")


def make_logreg(np, out: str):
    """Make and save the data (needs scikit-learn); return (X, y, optimal loss)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=M, n_features=N_FEATURES, random_state=SEED)
    X, y = X.astype(np.float64), y.astype(np.float64)
    np.savez(os.path.join(out, "logreg-data.npz"), X=X, y=y)
    return X, y, float(logreg_loss(np, X, y, logreg_optimum(np, X, y)))


def main(argv=None) -> int:
    args = parse_args(__doc__, FRAMEWORKS, argv)
    if args.worker:
        version = dist_version(VERSIONS[args.worker])  # reported even if loading fails
        run_worker(args.out, args.worker, args.quick,
                   lambda: (version, load_worker(args.worker, args.out)), version=version)
        return 0

    import numpy as np

    parent = Parent(__file__, args, FRAMEWORKS,
                    loops="loops of ≥ ~{target:g} s, each a whole solve")
    for bench, text in PROBLEMS.items():
        print(f"{bench:<14} {text}; stop at ‖∇L‖∞ ≤ {GTOL[bench]:g}")

    rows = []  # (bench, solver, best, median, ratio, nit, nfev, loss, excess, gmax, notes)
    with parent.scratch() as out:
        try:
            data = {"logreg": make_logreg(np, out)}
        except ModuleNotFoundError as e:
            data = {}
            print(f"logreg skipped: {e.name} is not installed (pip install 'nabla[ml]')")
        reports = parent.run_workers(out, timeout=180 if args.quick else 600,
                                     benches=lambda key: [str(i) for i in
                                                          range(len(FRAMEWORKS[key][1]))])
        for bench in PROBLEMS:
            times = {}  # worker key -> best time of its solver for this benchmark
            found = []
            for key, r in reports.items():
                for i, (b, solver) in enumerate(FRAMEWORKS[key][1]):
                    if b != bench:
                        continue
                    res = r["bench"].get(str(i), {})
                    if "best" not in res or (bench == "logreg" and not data):
                        note = r["status"] or res.get("error", "") or "no data"
                        found.append((key, (bench, solver) + (None,) * 8 + (note,)))
                        continue
                    x = np.load(os.path.join(out, f"{key}-{i}.npy"), allow_pickle=False)
                    loss, excess, gmax = assess(np, bench, x, data.get(bench))
                    times.setdefault(key, res["best"])
                    found.append((key, (bench, solver, res["best"], res["median"], None,
                                        res["nit"], res["nfev"], loss, excess, gmax, "")))
            peer = times.get(PEER[bench])
            for key, row in found:
                if key == "nabla" and peer and row[2]:
                    row = row[:4] + (peer / row[2],) + row[5:]
                rows.append(row)

    notes = []
    for bench, text in PROBLEMS.items():
        optimum = (f"optimum {data['logreg'][2]:.15g} by closed-form Newton"
                   if bench == "logreg" and data else "optimum 0")
        notes.append(f"- `{bench}`: {text}; every solver stops at ‖∇L‖∞ ≤ {GTOL[bench]:g}; "
                     f"{optimum}; peer/nabla = {PEER[bench]} time / nabla time")
    parent.print_results(COLUMNS, [_cells(r) for r in rows], RIGHT,
                         reports=reports, dists=VERSIONS, notes=notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
