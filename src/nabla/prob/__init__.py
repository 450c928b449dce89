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

from nabla.prob import distributions, transforms
from nabla.prob.distributions import *  # noqa: F403  (the twelve families)
from nabla.prob.mixture import GaussianMixture
from nabla.prob.mle import MLEResult, fit_mle
from nabla.prob.vi import ADVIResult, advi

__all__ = [*distributions.__all__, "GaussianMixture", "MLEResult", "fit_mle", "ADVIResult",
           "advi", "transforms"]
