"""Lesson: probability densities, whose area is one."""

from __future__ import annotations

from nabla.tour.lesson import Lesson

NAME = "densities"
TITLE = "Probability densities: the area under the curve is one"
NORMAL = (1.0, 2.0)          # loc, scale
GAMMA = (3.0, 2.0)           # concentration, rate
NORMAL_RANGE = (-15.0, 17.0)  # 8 standard deviations either side
GAMMA_RANGE = (0.0, 30.0)

CODE = """\
from nabla.prob import Normal, Gamma
from nabla.calculus.integrate import quad
p = lambda x: np.exp(Normal(1.0, 2.0).log_prob(x))
quad(p, -15.0, 17.0).value                    # ≈ 1: all the probability
quad(lambda x: x * p(x), -15.0, 17.0).value   # the mean, 1.0
quad(p, -1.0, 3.0).value                      # P(μ − σ < X < μ + σ) ≈ 0.6827
nabla.plot.density(Normal(1.0, 2.0), -15.0, 17.0)"""


def run(out, quick=False):
    import nabla.numpy as np
    from nabla.calculus.integrate import quad
    from nabla.plot import density
    from nabla.prob import Gamma, Normal
    from nabla.tour.report import save

    normal, gamma = Normal(*NORMAL), Gamma(*GAMMA)

    def pdf(dist):
        return lambda x: np.exp(dist.log_prob(x))

    mu, sigma = NORMAL
    numbers = {
        "∫ Normal(1, 2) density over [−15, 17]": float(quad(pdf(normal), *NORMAL_RANGE).value),
        "∫ x · Normal(1, 2) density (the mean)": float(
            quad(lambda x: x * pdf(normal)(x), *NORMAL_RANGE).value),
        "∫ (x − 1)² · Normal(1, 2) density (the variance)": float(
            quad(lambda x: (x - mu) ** 2 * pdf(normal)(x), *NORMAL_RANGE).value),
        "P(μ − σ < X < μ + σ) = ∫ over [−1, 3]": float(
            quad(pdf(normal), mu - sigma, mu + sigma).value),
        "Normal(1, 2) cdf(3) − cdf(−1)": float(normal.cdf(mu + sigma) - normal.cdf(mu - sigma)),
        "∫ Gamma(3, 2) density over [0, 30]": float(quad(pdf(gamma), *GAMMA_RANGE).value),
        "∫ x · Gamma(3, 2) density (the mean)": float(
            quad(lambda x: x * pdf(gamma)(x), *GAMMA_RANGE).value),
    }
    figures = [save(density(normal, *NORMAL_RANGE), out, f"{NAME}-normal.png"),
               save(density(gamma, *GAMMA_RANGE), out, f"{NAME}-gamma.png")]
    return Lesson(
        NAME, TITLE,
        "A continuous random variable is described by a density p(x): the probability of "
        "an interval is the area under p over it, so the whole area must be one. "
        "Integrating exp(log_prob) with adaptive quadrature confirms it for a Normal and a "
        "Gamma, and the same integrals weighted by x and (x − μ)² give the mean and the "
        "variance. The area within one standard deviation of a Normal's mean is about "
        "0.6827, exactly what its cdf says.",
        CODE, numbers, figures)
