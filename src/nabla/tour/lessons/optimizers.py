"""Lesson 8: optimizers compared on Rosenbrock's banana valley."""

from __future__ import annotations

import numpy

from nabla.tour.lesson import Lesson

NAME = "optimizers"
TITLE = "Optimizers compared on Rosenbrock's valley"

CODE = """\
from nabla.optim import minimize
from nabla.optim.functions import rosenbrock
f = rosenbrock(2)                                         # minimum 0 at (1, 1)
runs = {m: minimize(f, f.start, method=m, **options[m])
        for m in ("gd", "momentum", "adam", "newton", "bfgs")}
runs["bfgs"].nit, runs["bfgs"].x, runs["bfgs"].fun
nabla.plot.optimizer_paths(f, list(runs.values()), (-2, 2), (-1, 3))"""


def methods(quick):
    """The options given to each method."""
    maxiter = 1000 if quick else 3000
    return {
        "gd": {"lr": 1e-3, "maxiter": maxiter},
        "momentum": {"lr": 1e-4, "beta": 0.9, "maxiter": maxiter},
        "adam": {"lr": 0.02, "maxiter": maxiter},
        "newton": {},
        "bfgs": {},
    }


def run(out, quick=False):
    from nabla.optim import minimize
    from nabla.optim.functions import rosenbrock
    from nabla.plot import optimizer_paths
    from nabla.tour.report import save

    f = rosenbrock(2)
    numbers = {}
    runs = {}
    for method, options in methods(quick).items():
        r = minimize(f, f.start, method=method, **options)
        runs[method] = r
        x = numpy.asarray(r.x, dtype=float)
        numbers[f"{method}: iterations"] = int(r.nit)
        numbers[f"{method}: f at the end"] = float(r.fun)
        numbers[f"{method}: distance to (1, 1)"] = float(numpy.linalg.norm(x - 1.0))
    figures = [save(optimizer_paths(f, list(runs.values()), (-2.0, 2.0), (-1.0, 3.0),
                                    labels=list(runs)), out, f"{NAME}-rosenbrock.png")]
    return Lesson(
        NAME, TITLE,
        "Rosenbrock's function has its minimum at the end of a long, narrow, curved valley. "
        "Plain gradient descent zig-zags across the valley and crawls along it; momentum "
        "and Adam build up speed along the valley floor but still need many steps. Newton's "
        "method uses the curvature (the Hessian) and BFGS learns it from the gradients, so "
        "both reach (1, 1) in a few dozen iterations.",
        CODE, numbers, figures)
