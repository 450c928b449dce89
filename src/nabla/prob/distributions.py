"""Probability distributions as objects, named and parameterized as ``torch.distributions``.

A distribution holds its parameters (float arrays, or tracers while differentiating); its
*batch shape* is their broadcast shape, and its *event shape* the shape of one draw
(``()`` for univariate families, ``(d,)`` for ``MultivariateNormal`` and ``Dirichlet``).

* ``log_prob(value)`` broadcasts ``value`` against the batch shape; it is differentiable
  in every parameter and, for continuous families, in ``value``. Outside the support it is
  ``-inf`` (never nan). A value whose trailing axes do not match the event shape is a
  ``ValueError``.
* ``sample(rng, shape=())`` draws with a NumPy ``Generator`` (explicit randomness: the
  same seed gives the same draws) an array of shape ``shape + batch_shape + event_shape``.
  ``rsample`` (Normal, MultivariateNormal, LogNormal, Uniform, Exponential) is
  reparameterized, x = g(params, ε) with ε drawn independently of the parameters, so
  gradients flow through the draws.
* ``mean``, ``variance`` (for ``MultivariateNormal`` the diagonal of the covariance),
  ``entropy()``, and ``cdf(value)`` for univariate families (not Categorical).

Invalid parameters raise ``ValueError`` naming the parameter. float32 parameters give
float32 results. Distributions are pytrees of their parameters, so ``nabla.grad`` can
differentiate with respect to a distribution object:

>>> import nabla
>>> from nabla.prob import Normal
>>> g = nabla.grad(lambda d: d.log_prob(1.0))(Normal(0.0, 1.0))
>>> float(g.loc), float(g.scale)  # (x − μ)/σ², (x − μ)²/σ³ − 1/σ
(1.0, 0.0)
"""

from __future__ import annotations

import math

import numpy as np

from nabla import tree
from nabla.core import Tracer, concrete, is_staged
from nabla.core.primitive import is_foreign
from nabla.numpy import (
    broadcast_to,
    exp,
    expm1,
    log,
    log1p,
    reshape,
    sqrt,
    sum,
    where,
)
from nabla.numpy._backend import data_like, plain_array
from nabla.scipy import special as sp
from nabla.scipy.linalg import cholesky, solve_triangular

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
]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


# --- helpers --------------------------------------------------------------------------
def _c(v):
    """The concrete values of ``v`` as an array (of its own backend: CuPy data stays on the
    GPU)."""
    return plain_array(v)


def _shape(v):
    return tuple(v.shape) if hasattr(v, "shape") else np.shape(v)


def _is_array(v):
    return isinstance(v, (Tracer, np.ndarray, np.generic)) or is_foreign(v)


def _params(*values):
    """Parameters as float arrays; numbers and lists take the dtype of the array parameters
    (float64 when there are none), so float32 parameters give float32 results."""
    kinds = [_c(v).dtype for v in values if _is_array(v) and _c(v).dtype.kind == "f"]
    dtype = np.result_type(*kinds) if kinds else np.float64
    like = next((v for v in values if _is_array(v)), None)
    return tuple(v if _is_array(v) and _c(v).dtype.kind == "f" else _as(v, dtype, like)
                 for v in values)


def _as(value, dtype, like):
    """``value`` as an array of ``dtype`` on the backend of ``like`` (an array's own
    ``astype`` keeps it where it is; numbers and lists join ``like``)."""
    if is_foreign(value) or is_staged(value):
        return value.astype(dtype)
    return data_like(value, like, dtype)


def _value(value, like):
    """A value as an array of the parameters' dtype unless it is already a float array."""
    if _is_array(value) and _c(value).dtype.kind == "f":
        return value
    return _as(value, _c(like).dtype, like)


# Parameter checks need the values: inside jit they are skipped (a bad parameter gives nan,
# as in SciPy).
def _positive(where_, name, v):
    if not is_staged(v) and not np.all(_c(v) > 0):
        raise ValueError(f"{where_}: {name} must be positive, got {_c(v)!r}")


def _probability(where_, name, v):
    c = _c(v)
    if not is_staged(v) and not np.all((c >= 0) & (c <= 1)):
        raise ValueError(f"{where_}: {name} must be probabilities in [0, 1], got {c!r}")


def _inside(mask, value, outside):
    """``value`` where ``mask`` holds, the constant ``outside`` elsewhere."""
    if not is_staged(mask) and np.all(mask):
        return value
    return where(mask, value, outside)


def _log(p):
    with np.errstate(divide="ignore"):
        return log(p)


def _full(x, shape):
    """``x`` broadcast to ``shape``."""
    return x if _shape(x) == tuple(shape) else broadcast_to(x, tuple(shape))


def _one_of(name, probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: give exactly one of probs and logits")


# --- base -----------------------------------------------------------------------------
class Distribution:
    """The shared interface. Subclasses list their parameters' attribute names in
    ``_param_names``; the batch shape is the parameters' broadcast shape."""

    _param_names: tuple = ()
    event_shape: tuple = ()
    has_rsample = False

    @property
    def batch_shape(self):
        return np.broadcast_shapes(*(_shape(getattr(self, n)) for n in self._param_names))

    @property
    def _dtype(self):
        return np.result_type(*(_c(getattr(self, n)).dtype for n in self._param_names))

    def _extended_shape(self, shape):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        return shape + tuple(self.batch_shape) + tuple(self.event_shape)

    def _check_event(self, value):
        k = len(self.event_shape)
        if k and tuple(_shape(value)[-k:]) != tuple(self.event_shape):
            raise ValueError(f"{type(self).__name__}.log_prob: value of shape {_shape(value)} "
                             f"does not end in the event shape {tuple(self.event_shape)}")

    def rsample(self, rng, shape=()):
        # Only the reparameterizable families override this.
        raise TypeError(f"{type(self).__name__} has no reparameterized sampler (rsample); "
                        "use sample")

    def sample(self, rng, shape=()):
        return np.asarray(concrete(self.rsample(rng, shape)))

    @property
    def stddev(self):
        return sqrt(self.variance)

    def __repr__(self):
        inner = ", ".join(f"{n.lstrip('_')}={_c(getattr(self, n))!r}" for n in self._param_names)
        return f"{type(self).__name__}({inner})"


def _register(cls):
    def flatten(d):
        return tuple(getattr(d, n) for n in d._param_names), d._param_names

    def unflatten(names, children):
        d = cls.__new__(cls)
        d._param_names = names
        for n, v in zip(names, children):
            setattr(d, n, v)
        return d

    tree.register(cls, flatten, unflatten)
    return cls


# --- continuous, univariate -----------------------------------------------------------
@_register
class Normal(Distribution):
    """The normal distribution N(loc, scale²). With z = (x − loc)/scale:

    * log p(x) = −z²/2 − log(scale) − ½·log(2π);
    * cdf(x) = Φ(z); entropy = ½ + ½·log(2π) + log(scale);
    * rsample = loc + scale·ε, ε ~ N(0, 1).

    >>> float(Normal(1.0, 2.0).cdf(1.0)), float(Normal(1.0, 2.0).variance)
    (0.5, 4.0)
    """

    _param_names = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale):
        self.loc, self.scale = _params(loc, scale)
        _positive("Normal", "scale", self.scale)

    def log_prob(self, value):
        z = (_value(value, self.loc) - self.loc) / self.scale
        return -0.5 * (z * z) - log(self.scale) - _LOG_SQRT_2PI

    def cdf(self, value):
        return sp.ndtr((_value(value, self.loc) - self.loc) / self.scale)

    @property
    def mean(self):
        return _full(self.loc, self.batch_shape)

    @property
    def variance(self):
        return _full(self.scale * self.scale, self.batch_shape)

    def entropy(self):
        return _full(0.5 + _LOG_SQRT_2PI + log(self.scale), self.batch_shape)

    def rsample(self, rng, shape=()):
        eps = rng.standard_normal(self._extended_shape(shape)).astype(self._dtype)
        return self.loc + self.scale * eps


@_register
class LogNormal(Distribution):
    """The log-normal distribution: x = exp(y), y ~ N(loc, scale²). For x > 0, with
    z = (log x − loc)/scale:

    * log p(x) = −z²/2 − log(scale) − ½·log(2π) − log x  (−∞ for x ≤ 0);
    * cdf(x) = Φ(z); mean = exp(loc + scale²/2); variance = (exp(scale²) − 1)·exp(2·loc + scale²);
    * entropy = loc + ½ + ½·log(2π) + log(scale).

    >>> float(LogNormal(0.0, 1.0).log_prob(1.0))  # −½ log 2π
    -0.9189385332046727
    """

    _param_names = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale):
        self.loc, self.scale = _params(loc, scale)
        _positive("LogNormal", "scale", self.scale)

    def log_prob(self, value):
        x = _value(value, self.loc)
        inside = _c(x) > 0
        x = _inside(inside, x, 1.0)
        y = log(x)
        z = (y - self.loc) / self.scale
        return _inside(inside, -0.5 * (z * z) - log(self.scale) - _LOG_SQRT_2PI - y, -np.inf)

    def cdf(self, value):
        x = _value(value, self.loc)
        inside = _c(x) > 0
        x = _inside(inside, x, 1.0)
        return _inside(inside, sp.ndtr((log(x) - self.loc) / self.scale), 0.0)

    @property
    def mean(self):
        return _full(exp(self.loc + 0.5 * self.scale * self.scale), self.batch_shape)

    @property
    def variance(self):
        s2 = self.scale * self.scale
        return _full(expm1(s2) * exp(2 * self.loc + s2), self.batch_shape)

    def entropy(self):
        return _full(self.loc + 0.5 + _LOG_SQRT_2PI + log(self.scale), self.batch_shape)

    def rsample(self, rng, shape=()):
        eps = rng.standard_normal(self._extended_shape(shape)).astype(self._dtype)
        return exp(self.loc + self.scale * eps)


@_register
class Uniform(Distribution):
    """The uniform distribution on [low, high):

    * log p(x) = −log(high − low) inside, −∞ outside;
    * cdf(x) = clip((x − low)/(high − low), 0, 1); entropy = log(high − low);
    * mean = (low + high)/2, variance = (high − low)²/12; rsample = low + (high − low)·u.

    >>> float(Uniform(0.0, 4.0).log_prob(1.0)), float(Uniform(0.0, 4.0).cdf(1.0))
    (-1.3862943611198906, 0.25)
    """

    _param_names = ("low", "high")
    has_rsample = True

    def __init__(self, low, high):
        self.low, self.high = _params(low, high)
        if not is_staged(self.low) and not np.all(_c(self.low) < _c(self.high)):
            raise ValueError(f"Uniform: high must be greater than low, got low={_c(self.low)!r}"
                             f", high={_c(self.high)!r}")

    def log_prob(self, value):
        x = _value(value, self.low)
        c = _c(x)
        inside = (c >= _c(self.low)) & (c < _c(self.high))
        return _inside(inside, 0.0 * x - log(self.high - self.low), -np.inf)

    def cdf(self, value):
        x = _value(value, self.low)
        c = _c(x)
        inside = (c >= _c(self.low)) & (c < _c(self.high))
        return _inside(inside, (x - self.low) / (self.high - self.low),
                       np.where(c >= _c(self.high), 1.0, 0.0))

    @property
    def mean(self):
        return _full((self.low + self.high) / 2, self.batch_shape)

    @property
    def variance(self):
        w = self.high - self.low
        return _full(w * w / 12, self.batch_shape)

    def entropy(self):
        return _full(log(self.high - self.low), self.batch_shape)

    def rsample(self, rng, shape=()):
        u = rng.random(self._extended_shape(shape)).astype(self._dtype)
        return self.low + (self.high - self.low) * u


@_register
class Exponential(Distribution):
    """The exponential distribution with rate λ:

    * log p(x) = log λ − λx for x ≥ 0, −∞ otherwise; cdf(x) = 1 − e^{−λx};
    * mean = 1/λ, variance = 1/λ², entropy = 1 − log λ; rsample = E/λ, E ~ Exp(1).

    >>> float(Exponential(2.0).mean), float(Exponential(1.0).log_prob(3.0))
    (0.5, -3.0)
    """

    _param_names = ("rate",)
    has_rsample = True

    def __init__(self, rate):
        (self.rate,) = _params(rate)
        _positive("Exponential", "rate", self.rate)

    def log_prob(self, value):
        x = _value(value, self.rate)
        inside = _c(x) >= 0
        return _inside(inside, log(self.rate) - self.rate * x, -np.inf)

    def cdf(self, value):
        x = _value(value, self.rate)
        inside = _c(x) >= 0
        return _inside(inside, -expm1(-self.rate * _inside(inside, x, 0.0)), 0.0)

    @property
    def mean(self):
        return _full(1 / self.rate, self.batch_shape)

    @property
    def variance(self):
        return _full(1 / (self.rate * self.rate), self.batch_shape)

    def entropy(self):
        return _full(1 - log(self.rate), self.batch_shape)

    def rsample(self, rng, shape=()):
        e = rng.standard_exponential(self._extended_shape(shape)).astype(self._dtype)
        return e / self.rate


@_register
class Gamma(Distribution):
    """The gamma distribution with shape α = ``concentration`` and rate β:

    * log p(x) = α·log β + (α − 1)·log x − βx − log Γ(α) for x ≥ 0, −∞ otherwise;
    * cdf(x) = P(α, βx) (regularized lower incomplete gamma; not differentiable in α);
    * mean = α/β, variance = α/β², entropy = α − log β + log Γ(α) + (1 − α)·ψ(α).

    >>> float(Gamma(1.0, 1.0).log_prob(2.0))  # Exp(1): −x
    -2.0
    """

    _param_names = ("concentration", "rate")

    def __init__(self, concentration, rate):
        self.concentration, self.rate = _params(concentration, rate)
        _positive("Gamma", "concentration", self.concentration)
        _positive("Gamma", "rate", self.rate)

    def log_prob(self, value):
        a, b = self.concentration, self.rate
        x = _value(value, a)
        inside = _c(x) >= 0
        x = _inside(inside, x, 1.0)
        return _inside(inside, sp.xlogy(a, b) + sp.xlogy(a - 1, x) - b * x - sp.gammaln(a),
                       -np.inf)

    def cdf(self, value):
        x = _value(value, self.rate)
        inside = _c(x) >= 0
        return _inside(inside, sp.gammainc(self.concentration,
                                           self.rate * _inside(inside, x, 0.0)), 0.0)

    @property
    def mean(self):
        return _full(self.concentration / self.rate, self.batch_shape)

    @property
    def variance(self):
        return _full(self.concentration / (self.rate * self.rate), self.batch_shape)

    def entropy(self):
        a = self.concentration
        return _full(a - log(self.rate) + sp.gammaln(a) + (1 - a) * sp.digamma(a),
                     self.batch_shape)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        return (rng.gamma(_c(self.concentration) + np.zeros(shape)) / _c(self.rate)
                ).astype(self._dtype)


@_register
class Beta(Distribution):
    """The beta distribution with a = ``concentration1``, b = ``concentration0``:

    * log p(x) = (a − 1)·log x + (b − 1)·log(1 − x) − log B(a, b) on [0, 1], −∞ outside;
    * cdf(x) = I_x(a, b) (regularized incomplete beta; not differentiable in a, b);
    * mean = a/(a + b), variance = ab/((a + b)²(a + b + 1)),
      entropy = log B(a, b) − (a − 1)ψ(a) − (b − 1)ψ(b) + (a + b − 2)ψ(a + b).

    >>> float(Beta(2.0, 2.0).log_prob(0.5)), float(Beta(2.0, 2.0).mean)  # log 1.5
    (0.4054651081081644, 0.5)
    """

    _param_names = ("concentration1", "concentration0")

    def __init__(self, concentration1, concentration0):
        self.concentration1, self.concentration0 = _params(concentration1, concentration0)
        _positive("Beta", "concentration1", self.concentration1)
        _positive("Beta", "concentration0", self.concentration0)

    def log_prob(self, value):
        a, b = self.concentration1, self.concentration0
        x = _value(value, a)
        c = _c(x)
        inside = (c >= 0) & (c <= 1)
        x = _inside(inside, x, 0.5)
        return _inside(inside, sp.xlogy(a - 1, x) + sp.xlog1py(b - 1, -x) - sp.betaln(a, b),
                       -np.inf)

    def cdf(self, value):
        x = _value(value, self.concentration1)
        c = _c(x)
        inside = (c >= 0) & (c <= 1)
        v = sp.betainc(self.concentration1, self.concentration0, _inside(inside, x, 0.5))
        return _inside(inside, v, np.where(c > 1, 1.0, 0.0))

    @property
    def mean(self):
        a, b = self.concentration1, self.concentration0
        return _full(a / (a + b), self.batch_shape)

    @property
    def variance(self):
        a, b = self.concentration1, self.concentration0
        s = a + b
        return _full(a * b / (s * s * (s + 1)), self.batch_shape)

    def entropy(self):
        a, b = self.concentration1, self.concentration0
        return _full(sp.betaln(a, b) - (a - 1) * sp.digamma(a) - (b - 1) * sp.digamma(b)
                     + (a + b - 2) * sp.digamma(a + b), self.batch_shape)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        z = np.zeros(shape)
        return rng.beta(_c(self.concentration1) + z, _c(self.concentration0) + z
                        ).astype(self._dtype)


@_register
class StudentT(Distribution):
    """Student's t distribution with ν = ``df`` degrees of freedom. With z = (x − loc)/scale:

    * log p(x) = log Γ((ν+1)/2) − log Γ(ν/2) − ½·log(νπ) − log(scale) − (ν+1)/2·log(1 + z²/ν);
    * cdf(x) = stdtr(ν, z) (not differentiable in ν);
    * mean = loc for ν > 1 (nan otherwise, as in torch; SciPy says ∞);
      variance = scale²·ν/(ν − 2) for ν > 2, ∞ for 1 < ν ≤ 2, nan otherwise;
    * entropy = (ν+1)/2·(ψ((ν+1)/2) − ψ(ν/2)) + ½·log ν + log B(ν/2, ½) + log(scale).

    >>> round(float(StudentT(1.0).log_prob(0.0)), 12)  # Cauchy: −log π
    -1.144729885849
    """

    _param_names = ("df", "loc", "scale")

    def __init__(self, df, loc=0.0, scale=1.0):
        self.df, self.loc, self.scale = _params(df, loc, scale)
        _positive("StudentT", "df", self.df)
        _positive("StudentT", "scale", self.scale)

    def log_prob(self, value):
        df = self.df
        z = (_value(value, self.loc) - self.loc) / self.scale
        return (sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2) - 0.5 * log(df * math.pi)
                - log(self.scale) - (df + 1) / 2 * log1p(z * z / df))

    def cdf(self, value):
        return sp.stdtr(self.df, (_value(value, self.loc) - self.loc) / self.scale)

    @property
    def mean(self):
        shape = self.batch_shape
        return _inside(np.broadcast_to(_c(self.df) > 1, shape), _full(self.loc, shape), np.nan)

    @property
    def variance(self):
        shape = self.batch_shape
        d = np.broadcast_to(_c(self.df), shape)
        safe = _inside(d > 2, _full(self.df, shape), 3.0)
        v = _full(self.scale * self.scale, shape) * safe / (safe - 2)
        return _inside(d > 2, v, np.where(d > 1, np.inf, np.nan).astype(self._dtype))

    def entropy(self):
        df = self.df
        h = ((df + 1) / 2 * (sp.digamma((df + 1) / 2) - sp.digamma(df / 2))
             + 0.5 * log(df) + sp.betaln(df / 2, np.asarray(0.5, self._dtype))
             + log(self.scale))
        return _full(h, self.batch_shape)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        t = rng.standard_t(_c(self.df) + np.zeros(shape))
        return (_c(self.loc) + _c(self.scale) * t).astype(self._dtype)


# --- discrete -------------------------------------------------------------------------
def _count_value(name, value, like):
    if isinstance(value, Tracer) and not value.staged:  # staged by jit: data all the same
        raise TypeError(f"{name}.log_prob: counts are data, not differentiated; pass a plain "
                        "array")
    return _as(value, _c(like).dtype, like)


@_register
class Bernoulli(Distribution):
    """The Bernoulli distribution: 1 with probability p, 0 with probability 1 − p, given by
    ``probs`` = p or ``logits`` = log(p/(1 − p)) (exactly one).

    * log p(k) = k·log p + (1 − k)·log(1 − p); from logits, log p = log σ(ℓ) and
      log(1 − p) = log σ(−ℓ), stable for large |ℓ|; −∞ for k ∉ {0, 1};
    * cdf(k) = 0 for k < 0, 1 − p for 0 ≤ k < 1, 1 for k ≥ 1;
    * mean = p, variance = p(1 − p), entropy = −p·log p − (1 − p)·log(1 − p).

    >>> float(Bernoulli(probs=0.25).mean), float(Bernoulli(probs=0.25).cdf(0))
    (0.25, 0.75)
    >>> round(float(Bernoulli(logits=0.0).log_prob(1)), 12)  # log ½
    -0.69314718056
    """

    def __init__(self, probs=None, logits=None):
        _one_of("Bernoulli", probs, logits)
        if probs is not None:
            (self._probs,) = _params(probs)
            _probability("Bernoulli", "probs", self._probs)
            self._param_names = ("_probs",)
        else:
            (self._logits,) = _params(logits)
            self._param_names = ("_logits",)

    @property
    def probs(self):
        return self._probs if "_probs" in self._param_names else sp.expit(self._logits)

    @property
    def logits(self):
        return self._logits if "_logits" in self._param_names else sp.logit(self._probs)

    def _log_p_q(self):
        if "_logits" in self._param_names:
            return sp.log_expit(self._logits), sp.log_expit(-self._logits)
        return _log(self._probs), _log(1 - self._probs)

    def log_prob(self, value):
        k = _count_value("Bernoulli", value, self.probs)
        inside = (k == 0) | (k == 1)
        k = np.where(inside, k, 0.0).astype(k.dtype)
        if "_logits" in self._param_names:
            lp, lq = self._log_p_q()
            out = _inside(k == 1, lp + 0 * k, lq + 0 * k)
        else:
            p = self._probs
            out = sp.xlogy(k, p) + sp.xlog1py(1 - k, -p)
        return _inside(inside, out, -np.inf)

    def cdf(self, value):
        k = _count_value("Bernoulli", value, self.probs)
        middle = (k >= 0) & (k < 1)
        return _inside(middle, (1 - self.probs) + np.zeros_like(k), np.where(k < 0, 0.0, 1.0))

    @property
    def mean(self):
        return _full(self.probs, self.batch_shape)

    @property
    def variance(self):
        p = self.probs
        return _full(p * (1 - p), self.batch_shape)

    def entropy(self):
        if "_logits" in self._param_names:
            p = self.probs
            lp, lq = self._log_p_q()
            return _full(-(p * lp + (1 - p) * lq), self.batch_shape)
        p = self._probs
        return _full(sp.entr(p) + sp.entr(1 - p), self.batch_shape)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        return (rng.random(shape) < _c(self.probs)).astype(self._dtype)


@_register
class Categorical(Distribution):
    """The categorical distribution on {0, …, K − 1}, given by ``probs`` (normalized to sum
    to 1 along the last axis) or ``logits`` (unnormalized log-probabilities; exactly one).
    The last axis indexes the categories; the batch shape is the shape before it.

    * log p(k) = log_softmax(logits)[k] (or log(probs[k]/Σprobs)); −∞ for k outside
      {0, …, K − 1};
    * entropy = −Σₖ pₖ·log pₖ; mean and variance are nan, as in torch.

    >>> round(float(Categorical(logits=[0.0, 0.0, 0.0, 0.0]).log_prob(2)), 12)  # log ¼
    -1.38629436112
    """

    def __init__(self, probs=None, logits=None):
        _one_of("Categorical", probs, logits)
        if probs is not None:
            (self._probs,) = _params(probs)
            c = _c(self._probs)
            if c.ndim == 0:
                raise ValueError("Categorical: probs must have at least one axis (categories)")
            if not np.all(c >= 0):
                raise ValueError(f"Categorical: probs must be non-negative, got {c!r}")
            if not np.all(c.sum(-1) > 0):
                raise ValueError("Categorical: probs must not all be zero")
            self._param_names = ("_probs",)
        else:
            (self._logits,) = _params(logits)
            if _c(self._logits).ndim == 0:
                raise ValueError("Categorical: logits must have at least one axis (categories)")
            self._param_names = ("_logits",)

    @property
    def batch_shape(self):
        return tuple(_shape(getattr(self, self._param_names[0]))[:-1])

    @property
    def num_categories(self):
        return _shape(getattr(self, self._param_names[0]))[-1]

    @property
    def _log_probs(self):
        if "_logits" in self._param_names:
            return sp.log_softmax(self._logits, axis=-1)
        return _log(self._probs) - log(sum(self._probs, axis=-1, keepdims=True))

    @property
    def probs(self):
        if "_logits" in self._param_names:
            return sp.softmax(self._logits, axis=-1)
        return self._probs / sum(self._probs, axis=-1, keepdims=True)

    @property
    def logits(self):
        return self._log_probs

    def log_prob(self, value):
        k = _c(value)
        n = self.num_categories
        inside = (k >= 0) & (k < n) & (k == np.floor(k))
        k = np.where(inside, k, 0).astype(int)
        shape = np.broadcast_shapes(k.shape, self.batch_shape)
        onehot = np.broadcast_to(k, shape)[..., None] == data_like(np.arange(n), k)
        lp = sum(where(onehot, self._log_probs, 0.0), axis=-1)
        return _inside(np.broadcast_to(inside, shape), lp, -np.inf)

    @property
    def mean(self):
        return self._undefined()

    @property
    def variance(self):
        return self._undefined()

    def _undefined(self):
        """nan per batch member, on the parameters' backend."""
        return np.full_like(_c(self._log_probs), np.nan, shape=self.batch_shape,
                            dtype=self._dtype)

    def entropy(self):
        p, lp = self.probs, self._log_probs
        return -sum(where(_c(p) > 0, p * where(_c(p) > 0, lp, 0.0), 0.0), axis=-1)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        cum = np.cumsum(_c(self.probs), axis=-1)
        u = rng.random(shape + (1,)) * cum[..., -1:]
        return np.minimum(np.sum(u >= cum, axis=-1), self.num_categories - 1).astype(np.int64)


@_register
class Poisson(Distribution):
    """The Poisson distribution with rate λ ≥ 0, on k = 0, 1, 2, …:

    * log p(k) = k·log λ − λ − log Γ(k + 1); −∞ for k not a non-negative integer;
    * cdf(k) = Q(⌊k⌋ + 1, λ) (regularized upper incomplete gamma);
    * mean = variance = λ; entropy = −Σₖ p(k)·log p(k), summed over k up to
      λ + 12√λ + 40 (differentiable in λ).

    >>> round(float(Poisson(3.0).log_prob(2)), 12)  # log(3² e⁻³ / 2!)
    -1.495922603224
    """

    _param_names = ("rate",)

    def __init__(self, rate):
        (self.rate,) = _params(rate)
        if not is_staged(self.rate) and not np.all(_c(self.rate) >= 0):
            raise ValueError(f"Poisson: rate must be non-negative, got {_c(self.rate)!r}")

    def log_prob(self, value):
        k = _count_value("Poisson", value, self.rate)
        inside = (k >= 0) & (k == np.floor(k))
        k = np.where(inside, k, 0.0).astype(k.dtype)
        return _inside(inside, sp.xlogy(k, self.rate) - self.rate - sp.gammaln(k + 1), -np.inf)

    def cdf(self, value):
        k = np.floor(_count_value("Poisson", value, self.rate))
        inside = k >= 0
        return _inside(inside, sp.gammaincc(np.where(inside, k, 0.0) + 1, self.rate), 0.0)

    @property
    def mean(self):
        return _full(self.rate, self.batch_shape)

    @property
    def variance(self):
        return _full(self.rate, self.batch_shape)

    def entropy(self):
        top = np.max(_c(self.rate), initial=0.0)
        terms = int(top + 12 * np.sqrt(top) + 40)  # a size: the one number read from the data
        k = data_like(np.arange(terms, dtype=self._dtype), self.rate)
        rate = reshape(self.rate, _shape(self.rate) + (1,))
        lp = sp.xlogy(k, rate) - rate - sp.gammaln(k + 1)
        finite = np.isfinite(_c(lp))  # a rate of 0 puts all mass on k = 0
        lp = _inside(finite, lp, 0.0)
        return _full(-sum(_inside(finite, exp(lp) * lp, 0.0), axis=-1), self.batch_shape)

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        return rng.poisson(_c(self.rate) + np.zeros(shape)).astype(self._dtype)


# --- multivariate ---------------------------------------------------------------------
def _check_matrix(name, c):
    if name == "covariance_matrix":
        if not np.allclose(c, c.T):
            raise ValueError("MultivariateNormal: covariance_matrix must be symmetric")
        try:
            np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise ValueError("MultivariateNormal: covariance_matrix must be positive "
                             "definite") from None
    elif np.any(np.triu(c, 1) != 0) or not np.all(np.diag(c) > 0):
        raise ValueError("MultivariateNormal: scale_tril must be lower triangular "
                         "with a positive diagonal")


@_register
class MultivariateNormal(Distribution):
    """The normal distribution N(μ, Σ) in d dimensions, given by ``loc`` = μ (shape
    ``batch + (d,)``) and either ``covariance_matrix`` = Σ or ``scale_tril`` = L, the
    lower-triangular Cholesky factor with Σ = LLᵀ (one d × d matrix shared by the batch).
    Everything goes through L:

    * log p(x) = −½·|L⁻¹(x − μ)|² − Σᵢ log Lᵢᵢ − (d/2)·log 2π (a triangular solve);
    * entropy = (d/2)(1 + log 2π) + Σᵢ log Lᵢᵢ; variance = diag Σ = row sums of L²;
    * rsample = μ + Lε, ε ~ N(0, I).

    >>> import numpy
    >>> d = MultivariateNormal(numpy.zeros(2), covariance_matrix=numpy.eye(2))
    >>> round(float(d.log_prob(numpy.zeros(2))), 12), d.event_shape
    (-1.837877066409, (2,))
    """

    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, scale_tril=None):
        if (covariance_matrix is None) == (scale_tril is None):
            raise ValueError("MultivariateNormal: give exactly one of covariance_matrix and "
                             "scale_tril")
        given = covariance_matrix if scale_tril is None else scale_tril
        self.loc, m = _params(loc, given)
        if _c(self.loc).ndim < 1:
            raise ValueError("MultivariateNormal: loc must have at least one axis")
        d = _shape(self.loc)[-1]
        name = "covariance_matrix" if scale_tril is None else "scale_tril"
        if _shape(m) != (d, d):
            raise ValueError(f"MultivariateNormal: {name} of shape {_shape(m)} must be a "
                             f"({d}, {d}) matrix matching loc")
        if not is_staged(m):  # inside jit the matrix is not known yet: not checked
            _check_matrix(name, _c(m))
        if scale_tril is None:
            self._cov, self._param_names = m, ("loc", "_cov")
        else:
            self._tril, self._param_names = m, ("loc", "_tril")

    @property
    def batch_shape(self):
        return tuple(_shape(self.loc)[:-1])

    @property
    def event_shape(self):
        return (_shape(self.loc)[-1],)

    @property
    def scale_tril(self):
        return self._tril if "_tril" in self._param_names else cholesky(self._cov, lower=True)

    @property
    def covariance_matrix(self):
        if "_cov" in self._param_names:
            return self._cov
        return self._tril @ self._tril.T

    def _half_logdet(self, L):
        idx = np.arange(self.event_shape[0])
        return sum(log(L[idx, idx]))

    def log_prob(self, value):
        x = _value(value, self.loc)
        self._check_event(x)
        d = self.event_shape[0]
        L = self.scale_tril
        r = x - self.loc
        shape = _shape(r)
        z = solve_triangular(L, reshape(r, (-1, d)).T, lower=True)
        quad = reshape(sum(z * z, axis=0), shape[:-1])
        return -0.5 * quad - self._half_logdet(L) - d * _LOG_SQRT_2PI

    @property
    def mean(self):
        return self.loc

    @property
    def variance(self):
        L = self.scale_tril
        return _full(sum(L * L, axis=-1), self.batch_shape + self.event_shape)

    def entropy(self):
        d = self.event_shape[0]
        h = d * (0.5 + _LOG_SQRT_2PI) + self._half_logdet(self.scale_tril)
        return _full(h, self.batch_shape)

    def rsample(self, rng, shape=()):
        eps = rng.standard_normal(self._extended_shape(shape)).astype(self._dtype)
        return self.loc + eps @ self.scale_tril.T


@_register
class Dirichlet(Distribution):
    """The Dirichlet distribution on the simplex, with ``concentration`` α (last axis: the
    K components; the batch shape is the shape before it). With α₀ = Σᵢ αᵢ:

    * log p(x) = Σᵢ (αᵢ − 1)·log xᵢ + log Γ(α₀) − Σᵢ log Γ(αᵢ) for x on the simplex
      (xᵢ ≥ 0, Σxᵢ = 1 to within 1e-6), −∞ off it;
    * mean = α/α₀, variance = α(α₀ − α)/(α₀²(α₀ + 1)),
      entropy = Σᵢ log Γ(αᵢ) − log Γ(α₀) + (α₀ − K)ψ(α₀) − Σᵢ (αᵢ − 1)ψ(αᵢ).

    >>> import numpy
    >>> round(float(Dirichlet(numpy.ones(3)).log_prob([0.2, 0.3, 0.5])), 12)  # log 2!
    0.69314718056
    """

    _param_names = ("concentration",)

    def __init__(self, concentration):
        (self.concentration,) = _params(concentration)
        if _c(self.concentration).ndim < 1:
            raise ValueError("Dirichlet: concentration must have at least one axis")
        _positive("Dirichlet", "concentration", self.concentration)

    @property
    def batch_shape(self):
        return tuple(_shape(self.concentration)[:-1])

    @property
    def event_shape(self):
        return (_shape(self.concentration)[-1],)

    def log_prob(self, value):
        a = self.concentration
        x = _value(value, a)
        self._check_event(x)
        c = _c(x)
        inside = np.all(c >= 0, axis=-1) & (np.abs(c.sum(-1) - 1) < 1e-6)
        x = _inside(inside[..., None], x, 1.0 / self.event_shape[0])
        lp = (sum(sp.xlogy(a - 1, x), axis=-1) + sp.gammaln(sum(a, axis=-1))
              - sum(sp.gammaln(a), axis=-1))
        return _inside(np.broadcast_to(inside, _shape(lp)), lp, -np.inf)

    @property
    def mean(self):
        a = self.concentration
        return a / sum(a, axis=-1, keepdims=True)

    @property
    def variance(self):
        a = self.concentration
        a0 = sum(a, axis=-1, keepdims=True)
        return a * (a0 - a) / (a0 * a0 * (a0 + 1))

    def entropy(self):
        a = self.concentration
        a0 = sum(a, axis=-1)
        k = self.event_shape[0]
        return (sum(sp.gammaln(a), axis=-1) - sp.gammaln(a0) + (a0 - k) * sp.digamma(a0)
                - sum((a - 1) * sp.digamma(a), axis=-1))

    def sample(self, rng, shape=()):
        shape = self._extended_shape(shape)
        g = rng.gamma(_c(self.concentration) + np.zeros(shape))
        return (g / g.sum(-1, keepdims=True)).astype(self._dtype)
