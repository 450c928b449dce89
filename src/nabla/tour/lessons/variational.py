"""Lesson: variational inference (ADVI) against an exact conjugate posterior."""

from __future__ import annotations

import math

import numpy

from nabla.tour.lesson import Lesson

NAME = "variational"
TITLE = "Variational inference: fitting a Gaussian by maximizing the ELBO"
PRIOR = (0.0, 10.0)   # μ ~ N(0, 10²)
NOISE = 1.0           # xᵢ | μ ~ N(μ, 1)
TRUE_MU = 1.7
N = 20
SEED = 0

CODE = """\
from nabla.prob import Normal, advi
def log_joint(mu):                     # log p(μ) + Σ log p(xᵢ | μ)
    return Normal(0.0, 10.0).log_prob(mu) + np.sum(Normal(mu, 1.0).log_prob(x))
fit = advi(log_joint, 0.0, steps=2000, num_samples=8)
fit.mean, fit.std                      # ≈ the exact posterior N(m, s²)
nabla.plot.elbo(fit, m, s)"""


def sample():
    return numpy.random.default_rng(SEED).normal(TRUE_MU, NOISE, N)


def exact_posterior(x):
    """The conjugate Normal posterior of μ: (mean, standard deviation)."""
    m0, s0 = PRIOR
    precision = 1 / s0 ** 2 + len(x) / NOISE ** 2
    mean = (m0 / s0 ** 2 + numpy.sum(x) / NOISE ** 2) / precision
    return float(mean), float(1 / math.sqrt(precision))


def run(out, quick=False):
    import nabla.numpy as np
    from nabla.plot import elbo
    from nabla.prob import Normal, advi
    from nabla.tour.report import save

    x = sample()

    def log_joint(mu):
        return Normal(*PRIOR).log_prob(mu) + np.sum(Normal(mu, NOISE).log_prob(x))

    fit = advi(log_joint, 0.0, steps=800 if quick else 3000, num_samples=8, seed=SEED)
    mean, std = exact_posterior(x)
    numbers = {
        "ADVI posterior mean of μ": float(fit.mean),
        "ADVI posterior std of μ": float(fit.std),
        "exact posterior mean (conjugate)": mean,
        "exact posterior std (conjugate)": std,
        "final ELBO": float(fit.final_elbo),
        "ELBO, mean of the first 50 steps": float(numpy.mean(fit.elbo[:50])),
        "ELBO, mean of the last 50 steps": float(numpy.mean(fit.elbo[-50:])),
    }
    figures = [save(elbo(fit, mean, std), out, f"{NAME}-elbo.png")]
    return Lesson(
        NAME, TITLE,
        "Bayesian inference asks for the posterior p(μ | x), which is rarely available in "
        "closed form. Variational inference picks the Gaussian q closest to it by "
        "maximizing the evidence lower bound, ELBO = E_q[log p(x, μ)] + entropy(q), with "
        "stochastic gradients through reparameterized samples μ = m + s·ε. For a Normal "
        "mean with a Normal prior the exact posterior is known, and ADVI's q lands on it.",
        CODE, numbers, figures)
