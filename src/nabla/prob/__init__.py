"""Probability distributions as objects, named and parameterized as ``torch.distributions``.

Each distribution holds its parameters (arrays, or tracers while differentiating) and
offers ``log_prob``, ``sample(rng, shape)``, ``mean``, ``variance``, ``entropy()`` and,
for univariate families, ``cdf``. Randomness is explicit: ``sample`` takes a NumPy
``Generator``. Distributions are pytrees of their parameters.

>>> import numpy, nabla
>>> from nabla.prob import Normal
>>> float(Normal(0.0, 1.0).log_prob(0.0))  # −½ log 2π
-0.9189385332046727
"""

from nabla.prob import transforms
from nabla.prob.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Dirichlet,
    Distribution,
    Exponential,
    Gamma,
    LogNormal,
    MultivariateNormal,
    Normal,
    Poisson,
    StudentT,
    Uniform,
)
from nabla.prob.mixture import GaussianMixture
from nabla.prob.mle import MLEResult, fit_mle
from nabla.prob.vi import ADVIResult, advi

__all__ = [
    "Distribution",
    "Normal",
    "MultivariateNormal",
    "LogNormal",
    "Uniform",
    "Exponential",
    "Gamma",
    "Beta",
    "StudentT",
    "Bernoulli",
    "Categorical",
    "Poisson",
    "Dirichlet",
    "GaussianMixture",
    "MLEResult",
    "fit_mle",
    "ADVIResult",
    "advi",
    "transforms",
]
