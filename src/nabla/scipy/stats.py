"""Probability distributions with differentiable densities: the ``scipy.stats`` subset
that learning needs.

Each distribution is an object with SciPy's methods and parameter conventions
(``norm.logpdf(x, loc=0, scale=1)``, ``gamma.cdf(x, a, loc=0, scale=1)``,
``poisson.logpmf(k, mu)``, ...), and, as in SciPy, calling it freezes the parameters:
``norm(loc, scale).logpdf(x)``. The densities are written in closed form with
``nabla.numpy`` and ``nabla.scipy.special``, so they are differentiable in the value and in
every parameter (for a log-likelihood, the parameters are what you differentiate):

>>> import numpy, nabla
>>> from nabla.scipy.stats import norm
>>> x = numpy.array([0.5, 1.5, 2.5])
>>> nll = lambda mu, sigma: -norm.logpdf(x, loc=mu, scale=sigma).sum()
>>> dmu, dsigma = nabla.grad(nll, argnums=(0, 1))(1.5, 1.0)
>>> float(dmu), float(dsigma)  # −Σ(x−μ)/σ², n/σ − Σ(x−μ)²/σ³
(0.0, 1.0)

Out of the support a log-density is ``-inf`` and a density 0, as in SciPy. Invalid
parameters (a scale that is not positive, a probability outside [0, 1], a covariance that
is not positive definite) raise ``ValueError`` instead of SciPy's nan. Counts (``k`` of
``poisson`` and ``bernoulli``) are data, not differentiated: a traced ``k`` is a
``TypeError``. The cumulative distributions of ``t``, ``gamma`` and ``beta`` are
differentiable in ``x``, ``loc`` and ``scale`` but not in their shape parameters
(``df``, ``a``, ``b``), whose derivatives have no closed form (a ``TypeError`` says so).
"""

from __future__ import annotations

import math

import numpy as np

from nabla.core import Tracer, concrete, is_staged
from nabla.numpy import asarray, exp, log, log1p, reshape, sum, where
from nabla.scipy import special as sp
from nabla.scipy.linalg import cholesky, solve_triangular

__all__ = [
    "norm",
    "t",
    "gamma",
    "beta",
    "multivariate_normal",
    "poisson",
    "bernoulli",
]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


# --- helpers --------------------------------------------------------------------------
def _arr(v):
    """Arrays and tracers as they are; numbers and lists (maybe of tracers) as float arrays."""
    if isinstance(v, (Tracer, np.ndarray, np.generic)):
        return v
    return asarray(v, dtype=float)


def _positive(where_, name, v):
    # Inside jit the values are not known yet: as in SciPy, a bad one then gives nan.
    if not is_staged(v) and not np.all(np.greater(concrete(v), 0)):
        raise ValueError(f"{where_}: {name} must be positive, got {concrete(v)!r}")


def _probability(where_, name, v):
    c = concrete(v)
    if not is_staged(v) and not np.all(np.greater_equal(c, 0) & np.less_equal(c, 1)):
        raise ValueError(f"{where_}: {name} must be a probability in [0, 1], got {c!r}")


def _count(where_, k, loc):
    """``k − loc`` as a plain float array: counts are data, with no derivative."""
    if isinstance(k, Tracer) or isinstance(loc, Tracer):
        raise TypeError(f"{where_}: k and loc are integers (data), not differentiated; pass "
                        "plain arrays for them.")
    return np.subtract(k, loc, dtype=float)


def _log(p):
    """``log(p)``; a probability of 0 gives −inf quietly, as in SciPy."""
    with np.errstate(divide="ignore"):
        return log(p)


def _inside(mask, value, outside):
    """``value`` where ``mask`` holds, the constant ``outside`` elsewhere."""
    if not is_staged(mask) and np.all(mask):
        return value
    return where(mask, value, outside)


def _standardize(x, loc, scale, where_):
    _positive(where_, "scale", scale)
    # Python numbers stay weakly typed, so that float32 data stay float32, as in NumPy
    return (_arr(x) - _weak(loc)) / _weak(scale)


def _weak(v):
    return v if isinstance(v, (int, float)) else _arr(v)


class _Distribution:
    """Shared parts: freezing by calling."""

    name = ""

    def __call__(self, *args, **kwargs):
        return _Frozen(self, args, kwargs)

    def __repr__(self):
        return f"<nabla.scipy.stats.{self.name}>"


class _Continuous(_Distribution):
    """A univariate continuous distribution: the density from the log-density, the log of
    the distribution function from the distribution function (unless more accurate)."""

    def pdf(self, x, *args, **kwargs):
        return exp(self.logpdf(x, *args, **kwargs))

    def logcdf(self, x, *args, **kwargs):
        return _log(self.cdf(x, *args, **kwargs))


class _Discrete(_Distribution):
    """A discrete distribution: the probabilities from their logarithms."""

    def pmf(self, k, *args, **kwargs):
        return exp(self.logpmf(k, *args, **kwargs))

    def logcdf(self, k, *args, **kwargs):
        return _log(self.cdf(k, *args, **kwargs))


class _Frozen:
    """A distribution with its parameters fixed: ``norm(0.0, 2.0).logpdf(x)``."""

    def __init__(self, dist, args, kwargs):
        self.dist, self.args, self.kwargs = dist, args, kwargs

    def __getattr__(self, method):
        f = getattr(self.dist, method)
        return lambda x: f(x, *self.args, **self.kwargs)

    def __repr__(self):
        return f"<frozen nabla.scipy.stats.{self.dist.name}{self.args!r}>"


# --- continuous, univariate -----------------------------------------------------------
class _Norm(_Continuous):
    """The normal distribution N(loc, scale²). With z = (x − loc)/scale:

    * logpdf = −z²/2 − log(scale) − ½·log(2π);
    * cdf = Φ(z) = ndtr(z), logcdf = log_ndtr(z) (accurate far in the tail);
    * sf = Φ(−z), logsf = log_ndtr(−z), ppf(q) = loc + scale·Φ⁻¹(q).

    >>> float(norm.logpdf(0.0))  # −½ log 2π
    -0.9189385332046727
    >>> float(norm.cdf(1.0, loc=1.0, scale=2.0))
    0.5
    """

    name = "norm"

    def logpdf(self, x, loc=0.0, scale=1.0):
        z = _standardize(x, loc, scale, "norm.logpdf")
        return -0.5 * (z * z) - log(scale) - _LOG_SQRT_2PI

    def cdf(self, x, loc=0.0, scale=1.0):
        return sp.ndtr(_standardize(x, loc, scale, "norm.cdf"))

    def logcdf(self, x, loc=0.0, scale=1.0):
        return sp.log_ndtr(_standardize(x, loc, scale, "norm.logcdf"))

    def sf(self, x, loc=0.0, scale=1.0):
        return sp.ndtr(-_standardize(x, loc, scale, "norm.sf"))

    def logsf(self, x, loc=0.0, scale=1.0):
        return sp.log_ndtr(-_standardize(x, loc, scale, "norm.logsf"))

    def ppf(self, q, loc=0.0, scale=1.0):
        _positive("norm.ppf", "scale", scale)
        return loc + scale * sp.ndtri(_arr(q))


class _T(_Continuous):
    """Student's t distribution with ``df`` = ν degrees of freedom. With z = (x − loc)/scale:

    * logpdf = log Γ((ν+1)/2) − log Γ(ν/2) − ½·log(νπ) − log(scale) − (ν+1)/2·log(1 + z²/ν);
    * cdf = stdtr(ν, z) (differentiable in x, loc and scale; not in df).

    >>> round(float(t.logpdf(0.0, df=1.0)), 12)  # Cauchy: −log π
    -1.144729885849
    """

    name = "t"

    def logpdf(self, x, df, loc=0.0, scale=1.0):
        _positive("t.logpdf", "df", df)
        z = _standardize(x, loc, scale, "t.logpdf")
        return (sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2) - 0.5 * log(df * math.pi)
                - log(scale) - (df + 1) / 2 * log1p(z * z / df))

    def cdf(self, x, df, loc=0.0, scale=1.0):
        _positive("t.cdf", "df", df)
        return sp.stdtr(df, _standardize(x, loc, scale, "t.cdf"))


class _Gamma(_Continuous):
    """The gamma distribution with shape ``a``. With y = (x − loc)/scale ≥ 0:

    * logpdf = (a − 1)·log(y) − y − log Γ(a) − log(scale);
    * cdf = P(a, y) = gammainc(a, y) (differentiable in x, loc and scale; not in a).

    >>> float(gamma.logpdf(2.0, a=1.0))  # exponential: −x
    -2.0
    """

    name = "gamma"

    def logpdf(self, x, a, loc=0.0, scale=1.0):
        _positive("gamma.logpdf", "a", a)
        y = _standardize(x, loc, scale, "gamma.logpdf")
        inside = concrete(y) >= 0
        y = _inside(inside, y, 1.0)
        return _inside(inside, sp.xlogy(a - 1, y) - y - sp.gammaln(a) - log(scale), -np.inf)

    def cdf(self, x, a, loc=0.0, scale=1.0):
        _positive("gamma.cdf", "a", a)
        y = _standardize(x, loc, scale, "gamma.cdf")
        inside = concrete(y) >= 0
        return _inside(inside, sp.gammainc(a, _inside(inside, y, 0.0)), 0.0)


class _Beta(_Continuous):
    """The beta distribution with shapes ``a``, ``b``. With 0 ≤ y = (x − loc)/scale ≤ 1:

    * logpdf = (a − 1)·log(y) + (b − 1)·log(1 − y) − log B(a, b) − log(scale);
    * cdf = I_y(a, b) = betainc(a, b, y) (differentiable in x, loc and scale; not in a, b).

    >>> float(beta.pdf(0.5, 2.0, 2.0))  # 6 y (1 − y)
    1.5
    """

    name = "beta"

    def logpdf(self, x, a, b, loc=0.0, scale=1.0):
        _positive("beta.logpdf", "a", a)
        _positive("beta.logpdf", "b", b)
        y = _standardize(x, loc, scale, "beta.logpdf")
        inside = (concrete(y) >= 0) & (concrete(y) <= 1)
        y = _inside(inside, y, 0.5)
        return _inside(inside, sp.xlogy(a - 1, y) + sp.xlog1py(b - 1, -y) - sp.betaln(a, b)
                       - log(scale), -np.inf)

    def cdf(self, x, a, b, loc=0.0, scale=1.0):
        _positive("beta.cdf", "a", a)
        _positive("beta.cdf", "b", b)
        y = _standardize(x, loc, scale, "beta.cdf")
        c = concrete(y)
        inside = (c >= 0) & (c <= 1)
        value = sp.betainc(a, b, _inside(inside, y, 0.5))
        return _inside(inside, value, (c > 1).astype(y.dtype))  # 1 above, 0 below


# --- multivariate normal --------------------------------------------------------------
class _MultivariateNormal(_Distribution):
    """The normal distribution N(mean, cov) in d dimensions:

        logpdf(x) = −½·((x − μ)ᵀ Σ⁻¹ (x − μ) + log det Σ + d·log 2π),

    computed with the Cholesky factor Σ = L Lᵀ: the quadratic form is |L⁻¹(x − μ)|², found
    by a triangular solve, and log det Σ = 2·Σᵢ log Lᵢᵢ. ``cov`` may be a matrix, a vector
    (a diagonal covariance) or a number (times the identity). Only the lower triangle of a
    matrix cov is read, as in SciPy; the gradient in cov is the symmetric
    ½(Σ⁻¹rrᵀΣ⁻¹ − Σ⁻¹), r = x − μ (the derivative of the factor of (cov + covᵀ)/2).
    ``x`` holds points along its last axis; the result has one value per point (squeezed,
    as in SciPy).

    >>> import numpy
    >>> round(float(multivariate_normal.logpdf(numpy.zeros(2), cov=numpy.eye(2))), 12)
    -1.837877066409
    """

    name = "multivariate_normal"

    def logpdf(self, x, mean=None, cov=1.0, allow_singular=False):
        if allow_singular:
            raise ValueError("multivariate_normal.logpdf: allow_singular=True is not "
                             "supported; the covariance must be positive definite.")
        x, cov = _arr(x), _arr(cov)
        mean = None if mean is None else _arr(mean)
        dim = (mean.shape[-1] if mean is not None and mean.ndim
               else cov.shape[-1] if cov.ndim else 1)
        if x.ndim == 0:
            x = reshape(x, (1,))
        if x.ndim == 1:
            x = reshape(x, (-1, 1) if dim == 1 else (1, -1))
        if x.shape[-1] != dim:
            raise ValueError(f"multivariate_normal.logpdf: points of dimension {x.shape[-1]}"
                             f" do not match the distribution's dimension {dim}")
        r = x if mean is None else x - mean
        if cov.ndim < 2:  # σ² times the identity, or a diagonal covariance
            _positive("multivariate_normal.logpdf", "a diagonal cov", cov)
            quad = sum(r * r / cov, axis=-1)
            logdet = dim * log(cov) if cov.ndim == 0 else sum(log(cov))
        else:
            if cov.shape != (dim, dim):
                raise ValueError(f"multivariate_normal.logpdf: cov of shape {cov.shape} "
                                 f"does not match dimension {dim}")
            try:
                L = cholesky(cov, lower=True)
            except np.linalg.LinAlgError as e:
                raise ValueError("multivariate_normal.logpdf: cov must be symmetric positive "
                                 f"definite ({e})") from None
            z = solve_triangular(L, reshape(r, (-1, dim)).T, lower=True)
            quad = reshape(sum(z * z, axis=0), r.shape[:-1])
            idx = np.arange(dim)
            logdet = 2 * sum(log(L[idx, idx]))
        out = -0.5 * (quad + logdet) - dim * _LOG_SQRT_2PI
        out = reshape(out, tuple(n for n in out.shape if n != 1))  # squeezed, as in SciPy
        return out if isinstance(out, Tracer) else out[()]

    def pdf(self, x, mean=None, cov=1.0, allow_singular=False):
        return exp(self.logpdf(x, mean, cov, allow_singular))


# --- discrete -------------------------------------------------------------------------
def _nonnegative_rate(where_, mu):
    if not is_staged(mu) and not np.all(np.greater_equal(concrete(mu), 0)):
        raise ValueError(f"{where_}: mu must be non-negative, got {concrete(mu)!r}")


def _is_count(k):
    return (k >= 0) & (k == np.floor(k))


class _Poisson(_Discrete):
    """The Poisson distribution with rate ``mu``, on k = 0, 1, 2, ...:

    * logpmf = k·log(mu) − mu − log Γ(k + 1);
    * cdf = Q(⌊k⌋ + 1, mu) = gammaincc(⌊k⌋ + 1, mu), whose mu-derivative is −pmf(⌊k⌋).

    >>> round(float(poisson.pmf(2, 3.0)), 12)  # 3² e⁻³ / 2!
    0.224041807655
    """

    name = "poisson"

    def logpmf(self, k, mu, loc=0):
        k = _count("poisson.logpmf", k, loc)
        _nonnegative_rate("poisson.logpmf", mu)
        inside = _is_count(k)
        k = np.where(inside, k, 0.0)
        return _inside(inside, sp.xlogy(k, mu) - mu - sp.gammaln(k + 1), -np.inf)

    def cdf(self, k, mu, loc=0):
        k = np.floor(_count("poisson.cdf", k, loc))
        _nonnegative_rate("poisson.cdf", mu)
        inside = k >= 0
        return _inside(inside, sp.gammaincc(np.where(inside, k, 0.0) + 1, mu), 0.0)


class _Bernoulli(_Discrete):
    """The Bernoulli distribution: k = 1 with probability p, k = 0 with probability 1 − p.

    * logpmf = k·log(p) + (1 − k)·log(1 − p) (with 0·log 0 = 0);
    * cdf = 0 for k < 0, 1 − p for 0 ≤ k < 1, 1 for k ≥ 1.

    >>> float(bernoulli.pmf(1, 0.25)), float(bernoulli.cdf(0, 0.25))
    (0.25, 0.75)
    """

    name = "bernoulli"

    def logpmf(self, k, p, loc=0):
        k = _count("bernoulli.logpmf", k, loc)
        _probability("bernoulli.logpmf", "p", p)
        inside = (k == 0) | (k == 1)
        k = np.where(inside, k, 0.0)
        return _inside(inside, sp.xlogy(k, p) + sp.xlog1py(1 - k, -_arr(p)), -np.inf)

    def cdf(self, k, p, loc=0):
        k = _count("bernoulli.cdf", k, loc)
        _probability("bernoulli.cdf", "p", p)
        middle = (k >= 0) & (k < 1)
        value = (1 - _arr(p)) + np.zeros_like(k)
        return _inside(middle, value, np.where(k < 0, 0.0, 1.0))


norm = _Norm()
t = _T()
gamma = _Gamma()
beta = _Beta()
multivariate_normal = _MultivariateNormal()
poisson = _Poisson()
bernoulli = _Bernoulli()
