r"""Maximum-likelihood fits of univariate families to 1-D data.

For data x₁, …, xₙ and a family with parameters θ, the log-likelihood is

    ℓ(θ) = Σᵢ log p(xᵢ; θ),

its gradient is the *score* s(θ) = ∇ℓ(θ) = Σᵢ ∇_θ log p(xᵢ; θ), and the maximum-likelihood
estimate θ̂ solves s(θ̂) = 0. :func:`fit_mle` finds θ̂ with :func:`nabla.optim.minimize`,
minimizing the negative *mean* log-likelihood −ℓ(θ)/n (its gradient tolerance then does
not depend on n) over unconstrained variables u: a positive parameter is θ = exp(u), a
probability θ = σ(u) = 1/(1 + e⁻ᵘ), a real one θ = u (see ``_FAMILIES``), and then polishes
the point with a few steps of Newton's method (quadratic convergence to the limit of
float64, where a quasi-Newton method stalls on the rounding of f). Nothing is
special-cased: closed-form MLEs (the Normal mean and biased standard deviation, the
Exponential rate 1/x̄, …) are found by the optimizer like the others.

The *observed information* is the Hessian of the negative total log-likelihood with respect
to the natural parameters θ (not u), J(θ̂) = −∇²ℓ(θ̂), computed by :func:`nabla.hessian`.
Its inverse is the asymptotic covariance of θ̂, ``cov = J⁻¹``, and the standard errors are
``stderr = √diag(J⁻¹)``, directly on the natural scale: no delta method from u is needed.
For the Normal, J = diag(n/σ̂², 2n/σ̂²) at the optimum, so the standard error of the mean
is σ̂/√n.

>>> import numpy as np
>>> from nabla.prob import Normal
>>> from nabla.prob.mle import fit_mle
>>> x = np.array([1.0, 2.0, 3.0, 4.0])
>>> r = fit_mle(Normal, x)
>>> r.success, round(r.params["loc"], 6), round(r.params["scale"] ** 2, 6)
(True, 2.5, 1.25)
>>> round(r.stderr["loc"], 6)  # σ̂/√n = √1.25 / 2
0.559017
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

import nabla
from nabla.optim.minimize import minimize
from nabla.prob import distributions as D
from nabla.prob.transforms import ExpTransform, SigmoidTransform

__all__ = ["MLEResult", "fit_mle"]


class _Identity:
    def __call__(self, x):
        return x

    def inv(self, y):
        return y


_POLISH_GTOL = 1e-10
_POLISH_MAXITER = 20

_ID, _EXP, _SIG = _Identity(), ExpTransform(), SigmoidTransform()


def _moments(x):
    return float(np.mean(x)), float(np.var(x))


def _nonconstant(name, x):
    if np.ptp(x) == 0:
        raise ValueError(f"fit_mle({name}): the data are constant; the MLE is degenerate")


def _init_normal(x):
    _nonconstant("Normal", x)
    m, v = _moments(x)
    return {"loc": m, "scale": np.sqrt(v)}


def _init_lognormal(x):
    _nonconstant("LogNormal", x)
    m, v = _moments(np.log(x))
    return {"loc": m, "scale": np.sqrt(v)}


def _init_exponential(x):
    m = float(np.mean(x))
    if m == 0:
        raise ValueError("fit_mle(Exponential): all data are 0; the MLE rate is infinite")
    return {"rate": 1.0 / m}


def _init_poisson(x):
    m = float(np.mean(x))
    if m == 0:
        raise ValueError("fit_mle(Poisson): all data are 0; the MLE rate 0 is on the boundary")
    return {"rate": m}


def _init_bernoulli(x):
    m = float(np.mean(x))
    if m in (0.0, 1.0):
        raise ValueError("fit_mle(Bernoulli): the data are all 0 or all 1; the MLE "
                         "probability is on the boundary")
    return {"probs": m}


def _init_gamma(x):
    _nonconstant("Gamma", x)
    m, v = _moments(x)
    return {"concentration": m * m / v, "rate": m / v}


def _init_beta(x):
    _nonconstant("Beta", x)
    m, v = _moments(x)
    common = max(m * (1 - m) / v - 1, 1e-3)
    return {"concentration1": m * common, "concentration0": (1 - m) * common}


def _init_studentt(x):
    _nonconstant("StudentT", x)
    df = 5.0
    mad = float(np.median(np.abs(x - np.median(x)))) * 1.4826
    scale = mad if mad > 0 else float(np.std(x)) * np.sqrt((df - 2) / df)
    return {"df": df, "loc": float(np.median(x)), "scale": scale}


def _real(x):
    return np.ones(x.shape, bool)


def _positive(x):
    return x > 0


def _nonnegative(x):
    return x >= 0


# family -> (parameters with their transforms u ↦ θ, support test, support in words, init)
_FAMILIES = {
    D.Normal: ((("loc", _ID), ("scale", _EXP)), _real, "the real line", _init_normal),
    D.LogNormal: ((("loc", _ID), ("scale", _EXP)), _positive, "x > 0", _init_lognormal),
    D.Exponential: ((("rate", _EXP),), _nonnegative, "x ≥ 0", _init_exponential),
    D.Poisson: ((("rate", _EXP),), lambda x: (x >= 0) & (x == np.floor(x)),
                "non-negative integers", _init_poisson),
    D.Bernoulli: ((("probs", _SIG),), lambda x: (x == 0) | (x == 1), "{0, 1}",
                  _init_bernoulli),
    D.Gamma: ((("concentration", _EXP), ("rate", _EXP)), _positive, "x > 0", _init_gamma),
    D.Beta: ((("concentration1", _EXP), ("concentration0", _EXP)),
             lambda x: (x > 0) & (x < 1), "0 < x < 1", _init_beta),
    D.StudentT: ((("df", _EXP), ("loc", _ID), ("scale", _EXP)), _real, "the real line",
                 _init_studentt),
}


@dataclasses.dataclass
class MLEResult:
    """A maximum-likelihood fit: ``params`` (natural scale, by the family's parameter
    names), ``loglik`` = ℓ(θ̂) (total), ``stderr`` (by name) and ``cov`` (in the order of
    ``params``) from the inverse observed information, the optimizer's ``success``,
    ``nit`` and ``message``, and ``dist``, the fitted distribution."""

    params: dict
    loglik: float
    stderr: dict
    cov: np.ndarray
    success: bool
    nit: int
    message: str
    dist: Any


def _supported():
    return ", ".join(f.__name__ for f in _FAMILIES)


def fit_mle(family, data, init=None, method="lbfgs", *, gtol=1e-6):
    r"""Fit ``family`` (a class such as :class:`nabla.prob.Normal`) to the 1-D ``data`` by
    maximum likelihood (module docstring for the math).

    ``init``: a dict of starting parameters on the natural scale (missing ones from the
    method of moments); ``method``: any unconstrained method of
    :func:`nabla.optim.minimize`, run to ``gtol`` on the gradient of the negative mean
    log-likelihood in the unconstrained variables; then Newton's method
    (``method='newton'``, exact Hessian) polishes the point to ``gtol = 1e-10`` where
    float64 allows (a few steps: it converges quadratically there, where a quasi-Newton
    method stalls on the rounding of f). ``success`` when either run converged (the
    point kept is the polish's unless only the first run converged); ``nit`` counts both,
    and ``message`` gives both. Returns an :class:`MLEResult`.

    Supported families: Normal, LogNormal, Exponential, Poisson, Bernoulli, Gamma, Beta,
    StudentT. Uniform (whose likelihood is not smooth in its endpoints; its MLE is
    ``(min x, max x)``) and any other family raise ``TypeError``; data that are not 1-D,
    contain NaN or infinities, or lie outside the family's support raise ``ValueError``.

    >>> import numpy as np
    >>> from nabla.prob import Exponential
    >>> r = fit_mle(Exponential, np.array([0.5, 1.0, 1.5]))
    >>> round(r.params["rate"], 8), round(r.loglik, 8)  # 1/x̄ = 1, −n
    (1.0, -3.0)
    """
    if family is D.Uniform:
        raise TypeError("fit_mle: Uniform is not supported: its likelihood is not smooth in "
                        "low and high (the MLE is (min(data), max(data)), no optimizer "
                        f"needed); supported families: {_supported()}")
    if family not in _FAMILIES:
        name = getattr(family, "__name__", repr(family))
        raise TypeError(f"fit_mle: unsupported family {name}; supported families: "
                        f"{_supported()}")
    fname = family.__name__
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"fit_mle({fname}): data must be a non-empty 1-D array, got shape "
                         f"{x.shape}")
    if np.isnan(x).any():
        raise ValueError(f"fit_mle({fname}): data contain NaN")
    if not np.isfinite(x).all():
        raise ValueError(f"fit_mle({fname}): data contain infinities")
    spec, support, words, moments = _FAMILIES[family]
    outside = x[~support(x)]
    if outside.size:
        raise ValueError(f"fit_mle({fname}): {outside.size} data value(s) outside the "
                         f"support ({words}), e.g. {outside[:3].tolist()}")
    names = [n for n, _ in spec]

    start = moments(x)
    if init is not None:
        unknown = set(init) - set(names)
        if unknown:
            raise ValueError(f"fit_mle({fname}): unknown parameter(s) {sorted(unknown)} in "
                             f"init; the parameters are {names}")
        start.update({k: float(v) for k, v in init.items()})
    with np.errstate(divide="ignore", invalid="ignore"):
        u0 = np.array([float(t.inv(np.float64(start[n]))) for n, t in spec])
    if not np.isfinite(u0).all():
        raise ValueError(f"fit_mle({fname}): starting parameters {start} are outside the "
                         "parameter space")

    n = x.size

    def make(theta):
        if family is D.Bernoulli:
            return family(probs=theta[0])
        return family(**{name: theta[i] for i, name in enumerate(names)})

    def objective(u):
        if family is D.Bernoulli:  # logits: stable when σ(u) rounds to 0 or 1
            d = family(logits=u[0])
        else:
            d = make([t(u[i]) for i, (_, t) in enumerate(spec)])
        return -nabla.numpy.sum(d.log_prob(x)) / n

    opt = minimize(objective, u0, method=method, gtol=gtol)
    nit, message = int(opt.nit), f"{method}: {opt.message}"
    if np.isfinite(np.asarray(opt.x)).all():
        polish = minimize(objective, np.asarray(opt.x, dtype=np.float64), method="newton",
                          gtol=_POLISH_GTOL, maxiter=_POLISH_MAXITER)
        nit += int(polish.nit)
        message += f"; newton polish: {polish.message}"
        if polish.success or not opt.success:
            opt = polish
    u = np.asarray(opt.x, dtype=np.float64)
    theta = np.array([float(t(np.float64(u[i]))) for i, (_, t) in enumerate(spec)])

    def nll(th):
        return -nabla.numpy.sum(make([th[i] for i in range(len(names))]).log_prob(x))

    info = np.asarray(nabla.hessian(nll)(theta), dtype=np.float64)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full_like(info, np.nan)
    var = np.diag(cov)
    se = np.where(var >= 0, np.sqrt(np.abs(var)), np.nan)
    params = {name: float(theta[i]) for i, name in enumerate(names)}
    dist = make([np.float64(v) for v in theta])
    loglik = float(np.sum(np.asarray(dist.log_prob(x))))
    return MLEResult(params=params, loglik=loglik,
                     stderr={name: float(se[i]) for i, name in enumerate(names)}, cov=cov,
                     success=bool(opt.success), nit=nit, message=message,
                     dist=dist)
