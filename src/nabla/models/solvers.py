r"""Stochastic variance-reduced gradient (SVRG): stochastic steps that converge exactly.

For a loss that averages over samples, ``L(θ) = (1/n) Σᵢ ℓᵢ(θ)``, plain stochastic
gradient descent steps along the gradient of a batch ``B``, ``∇ℓ_B(θ)``: an unbiased
estimate of ``∇L(θ)`` whose variance does not vanish at the minimizer θ*. With a constant
learning rate the iterates therefore never settle; they wander in a region around θ*
whose size grows with the learning rate.

SVRG (Johnson and Zhang, 2013) keeps the cheap batch gradients but removes their noise
at the minimizer. At the start of every epoch it stores an *anchor* ``θ̃`` (the current
iterate) and its full gradient ``μ = ∇L(θ̃)``; each step then uses ::

    v = ∇ℓ_B(θ) − ∇ℓ_B(θ̃) + μ          θ ← θ − lr·v

``v`` is still an unbiased estimate of ``∇L(θ)`` (the last two terms have mean zero), and
its variance goes to 0 as θ and θ̃ approach θ*, so for a strongly convex L a constant
learning rate converges linearly, as full-batch gradient descent does, at one batch
gradient pair per step and one full gradient per epoch. Both batch gradients come from
one reverse-mode pass, of ``ℓ_B(θ) − ℓ_B(θ̃)`` with respect to ``(θ, θ̃)``.

The stopping test is made on the full gradient at each anchor: the run succeeds when
``‖∇L(θ̃)‖∞ ≤ tol``.

>>> import numpy as np
>>> from nabla.models.solvers import svrg
>>> X = np.linspace(-1.0, 1.0, 20)[:, None]
>>> y = 3.0 * X[:, 0] + np.sin(7 * X[:, 0])          # not exactly a line: noisy gradients
>>> loss = lambda w, b: 0.5 * np.mean((b[0] @ w - b[1]) ** 2)
>>> r = svrg(loss, np.zeros(1), (X, y), lr=0.5, batch_size=2, epochs=100, tol=1e-12,
...          rng=np.random.default_rng(0))
>>> exact = np.linalg.lstsq(X, y, rcond=None)[0]
>>> r.success, bool(np.allclose(r.x, exact, rtol=0, atol=1e-10))
(True, True)
"""

from __future__ import annotations

import math

import numpy as np

from nabla import tree
from nabla.optim.batches import batches
from nabla.optim.result import OptimizeResult
from nabla.transforms import grad, value_and_grad

__all__ = ["svrg"]


def _norm_inf(pytree):
    return max(float(np.max(np.abs(leaf))) for leaf in tree.leaves(pytree))


def _finite(value, pytree):
    return math.isfinite(float(value)) and all(np.all(np.isfinite(leaf))
                                               for leaf in tree.leaves(pytree))


def svrg(loss, params, data, *, lr, batch_size, epochs, tol, rng=None):
    """Minimize ``loss(params, data)`` by SVRG (module docstring): ``epochs`` passes of
    steps on batches of ``batch_size`` samples.

    ``loss(params, batch)`` must average over the samples of ``batch`` (a pytree of arrays
    sharing their first dimension, as ``data``); ``params`` is any pytree of float arrays.
    The batches are reshuffled every epoch from ``rng`` (a ``numpy.random.Generator``),
    or taken in order when ``rng`` is None.

    Returns an :class:`~nabla.optim.result.OptimizeResult`: ``x`` the last anchor, ``fun``
    and ``jac`` the full loss and gradient there, ``nit`` the epochs run, ``success``
    (``‖jac‖∞ ≤ tol``), ``status`` (0 converged, 1 out of epochs, 2 diverged: lower
    ``lr``), ``message``, and ``history`` (``'x'`` and ``'fun'`` at every anchor).
    """
    full = value_and_grad(lambda p: loss(p, data))
    pair = grad(lambda p, anchor, batch: loss(p, batch) - loss(anchor, batch), argnums=(0, 1))
    fun, mu = full(params)
    history = {"x": [params], "fun": [float(fun)]}
    nit = 0

    def result(status, message):
        return OptimizeResult(x=params, fun=float(fun), jac=mu, nit=nit, nfev=nit + 1,
                              njev=nit + 1, success=status == 0, status=status,
                              message=message, history=history)

    while True:
        norm = _norm_inf(mu)
        if norm <= tol:
            return result(0, f"converged: ‖∇L‖∞ = {norm:.2e} ≤ tol = {tol:g} after {nit} "
                             f"epoch{'s' * (nit != 1)}")
        if nit == epochs:
            return result(1, f"{epochs} epochs run with ‖∇L‖∞ = {norm:.2e} > tol = {tol:g}: "
                             f"raise max_iter, or the learning rate (it was {lr:g})")
        anchor = params
        for batch in batches(data, batch_size, rng=rng, shuffle=rng is not None):
            now, then = pair(params, anchor, batch)
            params = tree.map(lambda p, g, h, m: p - lr * (g + h + m), params, now, then, mu)
        nit += 1
        fun, mu = full(params)
        if not _finite(fun, mu):
            params = anchor
            fun, mu = full(params)
            return result(2, f"the loss became non-finite in epoch {nit}: the steps diverged; "
                             f"lower the learning rate (it was {lr:g})")
        history["x"].append(params)
        history["fun"].append(float(fun))
