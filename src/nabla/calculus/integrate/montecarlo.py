r"""Monte Carlo integration: an average of random values, with its standard error.

Over a box :math:`B = [a_1, b_1] \times \dots \times [a_d, b_d]` of volume :math:`V`,

.. math::  \int_B f(x)\,dx \approx \hat I = \frac{V}{n}\sum_{i=1}^n f(x_i), \qquad
           x_i = a + (b - a)\odot u_i,\; u_i \sim U[0, 1]^d,

an unbiased estimate whose standard deviation :math:`V\sigma_f/\sqrt n` is estimated by the
standard error :math:`V s/\sqrt n` (``s`` the sample standard deviation of the
:math:`f(x_i)`). The error falls like :math:`n^{-1/2}` in any dimension.

The points are drawn as :math:`a + (b - a) u` from fixed :math:`u`, so :math:`\hat I` is a
differentiable function of the limits and of the parameters of ``f``: its gradient is the
pathwise (reparameterization) estimate of the gradient of the integral, itself unbiased
(for ``d = 1``, :math:`\partial \hat I/\partial b` estimates ``f(b)``).

>>> import nabla.numpy as np
>>> r = monte_carlo(lambda x: x ** 2, 0.0, 1.0, 100_000, seed=0)      # 1/3
>>> bool(abs(r.value - 1 / 3) < 4 * r.error), round(r.error, 4)
(True, 0.0009)
"""

from __future__ import annotations

import numpy as onp

import nabla.numpy as np
from nabla.calculus.integrate.integrand import Integrand, check_count, check_finite_limits
from nabla.calculus.integrate.results import MonteCarloResult
from nabla.core import concrete


def monte_carlo(f, a, b, n=10_000, *, rng=None, seed=None):
    r""":math:`\int f` over the interval ``[a, b]``, or the box with corners ``a`` and ``b``
    (sequences of length ``d``), as the mean of ``n`` random values times the volume.

    ``f`` is called once, with the ``n`` random points: shape ``(n,)`` for an interval,
    ``(n, d)`` for a box; it returns ``n`` values. Randomness is explicit: pass ``rng`` (a
    ``numpy.random.Generator``) or ``seed``; the same seed gives the same result.
    Returns a :class:`MonteCarloResult` whose ``error`` is the standard error; ``value``
    is differentiable.

    >>> import nabla.numpy as np
    >>> r = monte_carlo(lambda p: p[:, 0] * p[:, 1], [0.0, 0.0], [1.0, 2.0], seed=1)
    >>> bool(abs(r.value - 1.0) < 4 * r.error)                        # ∫∫ xy = 1
    True
    """
    integrand = Integrand(f)
    n = check_count(n, minimum=2)
    generator = _generator(rng, seed)
    if onp.ndim(concrete(a)) == 0 and onp.ndim(concrete(b)) == 0:
        check_finite_limits(a, b, "monte_carlo")
        volume = b - a
        u = generator.random(n)
    else:
        a, b = _corners(a, b)
        volume = np.prod(b - a)
        u = generator.random((n, len(concrete(a))))
    values = integrand(a + (b - a) * u) * volume
    spread = onp.std(concrete(values), ddof=1)
    return MonteCarloResult(value=np.mean(values), error=float(spread / onp.sqrt(n)), neval=n)


def _generator(rng, seed):
    if rng is not None and seed is not None:
        raise ValueError("give rng or seed, not both")
    if rng is None:
        return onp.random.default_rng(seed)
    if not isinstance(rng, onp.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (numpy.random.default_rng(seed)),"
                        f" got {type(rng).__name__}")
    return rng


def _corners(a, b):
    """The corners of a box as 1-d arrays of one length, finite."""
    a, b = (x if hasattr(x, "shape") else onp.asarray(x, dtype=float) for x in (a, b))
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"the corners a and b of a box must be 1-d and of one length, got "
                         f"shapes {a.shape} and {b.shape}")
    if not (onp.isfinite(concrete(a)).all() and onp.isfinite(concrete(b)).all()):
        raise ValueError("monte_carlo needs finite limits; quad integrates over infinite "
                         "ranges (by a change of variables)")
    return a, b
