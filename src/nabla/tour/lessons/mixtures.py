"""Lesson: Gaussian mixtures fitted by expectation–maximization."""

from __future__ import annotations

import numpy

from nabla.tour.lesson import Lesson

NAME = "mixtures"
TITLE = "Gaussian mixtures and EM: a likelihood that never goes down"
CENTERS = ((-3.0, -1.0), (2.5, 2.5), (3.0, -3.0))
SCALES = (1.0, 0.6, 0.8)
SEED = 0

CODE = """\
from nabla.prob import GaussianMixture
gm = GaussianMixture(3, init_params="random", random_state=0, tol=1e-6).fit(X)
gm.history_          # mean log-likelihood after each EM iteration: never decreases
gm.means_, gm.weights_, gm.lower_bound_
nabla.plot.mixture_em(X, gm)"""


def sample(quick=False):
    """Points from three Gaussian clusters, 100 (quick) or 300 of each."""
    rng = numpy.random.default_rng(SEED)
    n = 100 if quick else 300
    return numpy.concatenate([rng.normal(c, s, (n, 2)) for c, s in zip(CENTERS, SCALES)])


def run(out, quick=False):
    from nabla.plot import mixture_em
    from nabla.prob import GaussianMixture
    from nabla.tour.report import save

    X = sample(quick)
    gm = GaussianMixture(3, init_params="random", random_state=0, tol=1e-6).fit(X)
    order = numpy.argsort(gm.means_[:, 0])
    numbers = {
        "points": len(X),
        "EM iterations": int(gm.n_iter_),
        "mean log-likelihood per iteration": [float(v) for v in gm.history_],
        "final mean log-likelihood (lower_bound_)": float(gm.lower_bound_),
        "smallest change between iterations": float(numpy.min(numpy.diff(gm.history_)))
        if len(gm.history_) > 1 else 0.0,
        "means, sorted by x₁": [[round(float(v), 6) for v in m] for m in gm.means_[order]],
        "weights, same order": [round(float(w), 6) for w in gm.weights_[order]],
    }
    figures = [save(mixture_em(X, gm), out, f"{NAME}-em.png")]
    return Lesson(
        NAME, TITLE,
        "A Gaussian mixture says each point came from one of k Gaussian clusters, but not "
        "which. EM alternates two steps: the E step computes each point's responsibilities, "
        "the probability it belongs to each cluster, and the M step refits the weights, "
        "means and covariances from those soft assignments. Each round can only raise the "
        "log-likelihood, so its curve climbs and flattens as EM converges.",
        CODE, numbers, figures)
