r"""Automatic differentiation variational inference (ADVI; Kucukelbir et al., 2017).

Given an unnormalized log density ``log_joint(z) = log p(x, z)`` over a pytree ``z`` of
*unconstrained* real parameters, :func:`advi` fits a Gaussian ``q(z) = N(μ, Σ)`` on the
flattened vector ``z ∈ ℝᵈ`` by maximizing the evidence lower bound

.. math::

    \mathrm{ELBO}(q) = \mathbb{E}_{q}[\log p(x, z)] + \mathbb{H}[q] \le \log p(x),

with the gap ``KL(q ‖ p(z | x))``. Two families:

- ``"meanfield"``: ``Σ = diag(σ²)`` with ``σ = exp(ω)``; parameters ``(μ, ω)``;
  ``H[q] = Σᵢ ωᵢ + d/2·(1 + log 2π)``;
- ``"fullrank"``: ``Σ = L Lᵀ`` with ``L`` lower triangular, its diagonal ``exp`` of a free
  parameter; parameters ``(μ, L)``; ``H[q] = Σᵢ log Lᵢᵢ + d/2·(1 + log 2π)``.

The expectation is estimated with ``num_samples`` reparameterized draws
``z = μ + σ ⊙ ε`` (or ``z = μ + L ε``), ``ε ~ N(0, I)``, so the estimate is differentiable
in the variational parameters; its gradient comes from :func:`nabla.value_and_grad` and
Adam (:func:`nabla.optim.optimizers.adam`) climbs it with a cosine-decaying step size.
The entropy is written as ``H[q] = −E_q[log q(z)]`` with ``log q`` evaluated at the draws
but with the variational parameters held fixed, the "sticking the landing" estimator
(Roeder, Wu and Duvenaud, 2017)::

    ELBO ≈ (1/S) Σₛ [log p(x, zₛ) − log q_fixed(zₛ)],   zₛ = μ + L εₛ.

Its expectation and that of its gradient are those of the ELBO, but its variance vanishes
when ``q`` equals the posterior, so for (near-)Gaussian posteriors the iterates settle
instead of jittering. ``final_elbo`` is the same estimate with many draws.

Constrained parameters are the caller's business: sample them in an unconstrained space
and add the log-Jacobian of the map (see :mod:`nabla.prob.transforms`). For a success
probability ``p = σ(u)`` with a ``Beta(a, b)`` prior and ``k`` successes out of ``n``::

    import nabla
    from nabla.prob import Beta, transforms
    T = transforms.SigmoidTransform()

    def log_joint(z):
        p = T(z['u'])
        return (Beta(a, b).log_prob(p) + k * nabla.numpy.log(p)
                + (n - k) * nabla.numpy.log1p(-p) + T.log_abs_det_jacobian(z['u'], p))

    fit = advi(log_joint, {'u': 0.0})
    p_draws = T(fit.sample(rng, 1000)['u'])

The posterior of the mean of a Normal with known unit variance under a ``N(0, 1)``
prior, after observing ``x = 2``, is ``N(1, 1/2)``:

>>> from nabla.prob import Normal
>>> def log_joint(z):
...     return Normal(0.0, 1.0).log_prob(z['m']) + Normal(z['m'], 1.0).log_prob(2.0)
>>> fit = advi(log_joint, {'m': 0.0}, steps=1000, num_samples=5)
>>> round(float(fit.mean['m']), 2), round(float(fit.std['m'] ** 2), 2)
(1.0, 0.5)
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

import nabla
from nabla import numpy as jnp
from nabla import tree
from nabla.optim import optimizers, schedules
from nabla.optim._staged import Staged, check_jit

__all__ = ["ADVIResult", "advi"]


class _Ravel:
    """Flatten a pytree of float arrays to one vector and back (tracer-friendly)."""

    def __init__(self, init):
        leaves, self.treedef = tree.flatten(init)
        if not leaves:
            raise ValueError("advi: init has no leaves")
        arrays = []
        for leaf in leaves:
            a = np.asarray(leaf)
            if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
                raise TypeError(f"advi: init leaves must be real numbers or arrays, got "
                                f"dtype {a.dtype}")
            arrays.append(a.astype(np.float64))
        self.shapes = [a.shape for a in arrays]
        self.sizes = [a.size for a in arrays]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.dim = int(self.offsets[-1])
        self.vector = np.concatenate([a.ravel() for a in arrays])

    def unravel(self, v):
        """A pytree like ``init`` from a vector ``v`` of length ``dim`` (array or tracer)."""
        leaves = [jnp.reshape(v[o:o + s], shape)
                  for o, s, shape in zip(self.offsets[:-1], self.sizes, self.shapes)]
        return self.treedef.unflatten(leaves)

    def unravel_batch(self, v):
        """A pytree with a leading axis from a matrix ``v`` of shape ``(n, dim)``."""
        n = v.shape[0]
        leaves = [np.reshape(v[:, o:o + s], (n, *shape))
                  for o, s, shape in zip(self.offsets[:-1], self.sizes, self.shapes)]
        return self.treedef.unflatten(leaves)


@dataclasses.dataclass(frozen=True, eq=False)
class ADVIResult:
    """What :func:`advi` returns.

    ``mean`` and ``std`` are pytrees like ``init`` (the mean and marginal standard
    deviations of ``q``); ``cov`` is the covariance of ``q`` on the flattened vector
    (``(d, d)``, diagonal for the mean-field family); ``elbo`` the ELBO estimate at each
    step (before its update); ``final_elbo`` an estimate with many draws at the end;
    ``loc`` and ``scale_tril`` give ``q = N(loc, scale_tril scale_trilᵀ)`` on the vector.
    """

    mean: Any
    std: Any
    cov: np.ndarray
    elbo: np.ndarray
    final_elbo: float
    family: str
    loc: np.ndarray
    scale_tril: np.ndarray
    _ravel: _Ravel = dataclasses.field(repr=False)

    def sample(self, rng, n: int):
        """``n`` draws from ``q`` as a pytree like ``init`` with a leading axis of ``n``.

        ``rng`` is a NumPy ``Generator`` (or a seed for one).
        """
        rng = np.random.default_rng(rng)
        eps = rng.standard_normal((int(n), self._ravel.dim))
        return self._ravel.unravel_batch(self.loc + eps @ self.scale_tril.T)


def _check_int(x, name, minimum=1):
    if not isinstance(x, numbers.Integral) or isinstance(x, bool) or x < minimum:
        raise ValueError(f"advi: {name} must be an integer >= {minimum}, got {x!r}")
    return int(x)


def advi(log_joint: Callable[[Any], Any], init: Any, *, family: str = "meanfield",
         steps: int = 2000, num_samples: int = 1, lr: float | Callable | None = None,
         seed: int = 0, final_samples: int = 4000, jit: bool | str = "auto") -> ADVIResult:
    r"""Fit a Gaussian ``q`` to ``exp(log_joint)`` by maximizing the ELBO (see the module).

    ``log_joint(z)`` takes a pytree shaped like ``init`` (unconstrained parameters) and
    returns a scalar; it must be differentiable with nabla. ``q`` starts at
    ``μ = init`` with unit scale (``L = I``). Each of the ``steps`` Adam steps uses
    ``num_samples`` fresh draws of ``ε`` from ``numpy.random.default_rng(seed)``; ``lr`` is
    a number (the starting rate of a cosine decay to zero over ``steps``) or a schedule
    (see :mod:`nabla.optim.schedules`); default ``0.1``. The same ``seed`` gives the same
    result. ``final_elbo`` averages ``final_samples`` draws.

    ``jit=True`` compiles the ELBO estimate and its gradient, the work of each step, with
    :func:`nabla.jit`; the draws are made outside it, so the result is the same, sooner.
    ``log_joint`` is then traced once, so it must be a function of ``z`` alone: where it
    cannot be compiled (it branches on a value: use ``nabla.numpy.where``; the
    ``log_prob`` of a distribution with bounded support, such as ``Beta``, does) or its
    compiled result differs (it draws random numbers), it runs eagerly with a
    ``UserWarning``. ``"auto"`` (the default) does the same without the warning; ``False``
    always runs it eagerly.

    >>> from nabla.prob import Normal
    >>> fit = advi(lambda z: Normal(3.0, 2.0).log_prob(z), 0.0, steps=500, num_samples=4)
    >>> round(float(fit.mean), 3), round(float(fit.std), 3), abs(round(fit.final_elbo, 3))
    (3.0, 2.0, 0.0)
    """
    if family not in ("meanfield", "fullrank"):
        raise ValueError(f"advi: family must be 'meanfield' or 'fullrank', got {family!r}")
    steps = _check_int(steps, "steps")
    num_samples = _check_int(num_samples, "num_samples")
    final_samples = _check_int(final_samples, "final_samples")
    jit = check_jit(jit, "advi")
    if lr is None:
        lr = 0.1
    if not callable(lr):
        if not isinstance(lr, numbers.Real) or isinstance(lr, bool) or not lr > 0:
            raise ValueError(f"advi: lr must be a positive number or a schedule, got {lr!r}")
        lr = schedules.cosine(float(lr), total_steps=steps)

    rv = _Ravel(init)
    d = rv.dim
    rng = np.random.default_rng(seed)
    fullrank = family == "fullrank"
    strict_lower = np.tril(np.ones((d, d)), -1)

    def scale_tril(params):
        if fullrank:
            raw = params["L"]
            return raw * strict_lower + jnp.diag(jnp.exp(jnp.diagonal(raw)))
        return None

    def log_density(v):
        return log_joint(rv.unravel(v))

    def log_q_frozen(z, frozen):
        # log q(z) with the variational parameters held constant (numpy arrays): the
        # "sticking the landing" estimator (Roeder et al., 2017) drops the score term.
        mu_c, Linv_c, logdet_c = frozen
        w = (z - mu_c) @ Linv_c.T
        return -0.5 * jnp.sum(w * w, axis=-1) - logdet_c - 0.5 * d * math.log(2 * math.pi)

    def elbo_estimate(params, eps, frozen):
        mu = params["mu"]
        if fullrank:
            z = mu + eps @ jnp.transpose(scale_tril(params))
        else:
            z = mu + eps * jnp.exp(params["log_sigma"])
        log_q = log_q_frozen(z, frozen)
        total = 0.0
        for s in range(eps.shape[0]):
            total = total + log_density(z[s]) - log_q[s]
        return total / eps.shape[0]

    def frozen_of(params):
        if fullrank:
            L = np.asarray(scale_tril(params), dtype=np.float64)
        else:
            L = np.diag(np.exp(np.asarray(params["log_sigma"], dtype=np.float64)))
        Linv = np.linalg.solve(L, np.eye(d)) if fullrank else np.diag(1.0 / np.diag(L))
        return np.asarray(params["mu"], dtype=np.float64), L, Linv

    params = {"mu": rv.vector.copy()}
    if fullrank:
        params["L"] = np.zeros((d, d))
    else:
        params["log_sigma"] = np.zeros(d)

    def negative_elbo(p, eps, frozen):
        return -elbo_estimate(p, eps, frozen)

    vg = nabla.value_and_grad(negative_elbo)
    if jit:
        vg = Staged(vg, "advi", "log_joint", quiet=jit == "auto")
    opt = optimizers.adam(lr=lr)
    state = opt.init(params)
    history = np.empty(steps)
    for t in range(steps):
        eps = rng.standard_normal((num_samples, d))
        mu_c, L_c, Linv_c = frozen_of(params)
        frozen = (mu_c, Linv_c, float(np.sum(np.log(np.diag(L_c)))))
        value, grads = vg(params, eps, frozen)
        value = float(value)
        if not math.isfinite(value):
            raise FloatingPointError(f"advi: the ELBO estimate is not finite at step {t} "
                                     f"({-value}); check log_joint or lower lr")
        history[t] = -value
        params, state = opt.update(grads, state, params)
        if fullrank:
            params["L"] = np.tril(params["L"])  # keep the unused upper triangle at zero

    mu, L, Linv = frozen_of(params)
    cov = L @ L.T
    eps = rng.standard_normal((final_samples, d))
    z = mu + eps @ L.T
    logp = np.array([float(log_density(z[s])) for s in range(final_samples)])
    log_q = np.asarray(log_q_frozen(z, (mu, Linv, float(np.sum(np.log(np.diag(L)))))))
    final_elbo = float(np.mean(logp - log_q))
    return ADVIResult(mean=rv.unravel(mu), std=rv.unravel(np.sqrt(np.diag(cov))), cov=cov,
                      elbo=history, final_elbo=final_elbo, family=family, loc=mu,
                      scale_tril=L, _ravel=rv)
