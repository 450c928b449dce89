"""Lesson: maximum likelihood, its surface and its standard errors."""

from __future__ import annotations

import numpy

from nabla.tour.lesson import Lesson

NAME = "likelihood"
TITLE = "Maximum likelihood: the peak of the log-likelihood and its curvature"
TRUE = (2.0, 1.5)   # loc, scale of the simulated data
SEED = 0

CODE = """\
from nabla.prob import Normal, fit_mle
x = numpy.random.default_rng(0).normal(2.0, 1.5, n)
result = fit_mle(Normal, x)          # maximize ℓ(μ, σ) = Σ log N(xᵢ; μ, σ)
result.params, result.stderr         # x̄, √(mean (x − x̄)²); σ̂/√n, σ̂/√(2n)
nabla.plot.likelihood_surface(Normal, x, result)"""


def sample(quick=False):
    """The data of the lesson: n = 200 (quick) or 1000 draws of N(2, 1.5²)."""
    return numpy.random.default_rng(SEED).normal(*TRUE, 200 if quick else 1000)


def run(out, quick=False):
    from nabla.plot import likelihood_surface
    from nabla.prob import Exponential, Normal, fit_mle
    from nabla.tour.report import save

    x = sample(quick)
    result = fit_mle(Normal, x)
    positive = numpy.abs(x)
    rate = fit_mle(Exponential, positive)
    numbers = {
        "n": len(x),
        "MLE μ̂": float(result.params["loc"]),
        "MLE σ̂": float(result.params["scale"]),
        "standard error of μ̂": float(result.stderr["loc"]),
        "standard error of σ̂": float(result.stderr["scale"]),
        "maximum log-likelihood ℓ(μ̂, σ̂)": float(result.loglik),
        "Exponential MLE rate of |x|": float(rate.params["rate"]),
        "standard error of the Exponential rate": float(rate.stderr["rate"]),
    }
    figures = [save(likelihood_surface(Normal, x, result), out, f"{NAME}-surface.png")]
    return Lesson(
        NAME, TITLE,
        "The log-likelihood ℓ(θ) = Σ log p(xᵢ; θ) scores how well parameters θ explain the "
        "data, and the maximum-likelihood estimate is its peak, where the gradient (the "
        "score) is zero. fit_mle finds it with automatic gradients; for a Normal it lands "
        "on the closed forms x̄ and √(mean (x − x̄)²). The curvature at the peak, the "
        "observed information −∇²ℓ, gives the covariance of the estimate: its ellipse "
        "shows how far θ could move for the data to stay about as likely.",
        CODE, numbers, figures)
