r"""Adaptive quadrature: ``quad``, Gauss–Kronrod with bisection and extrapolation.

The method is QUADPACK's QAGS (finite limits) and QAGI (infinite ones), which
``scipy.integrate.quad`` also uses, followed decision for decision: on the same integrand
``quad`` evaluates the same points and stops at the same step as SciPy (up to the last bit
of NumPy's vectorized functions, which may round differently from their scalar forms).

1. integrate over the whole range with a Gauss–Kronrod rule, which gives a value and an
   error estimate (:mod:`~nabla.calculus.integrate.kronrod`);
2. while the summed error estimates exceed :math:`\max(\epsilon_{abs},
   \epsilon_{rel}\,|I|)`, bisect the subinterval with the largest error;
3. when the smallest subintervals carry the largest errors (an end-point singularity is
   being chased), record the total after each level of bisection and extrapolate the
   sequence to its limit with Wynn's ε-algorithm
   (:mod:`~nabla.calculus.integrate.extrapolation`), stopping once the extrapolation's
   own error estimate is within tolerance (:mod:`~nabla.calculus.integrate.qags` has
   the details, which follow QUADPACK's decisions one by one).

Infinite limits are mapped to :math:`t \in (0, 1]` by :math:`x = a + (1 - t)/t`
(:math:`dx = -dt/t^2`); over :math:`(-\infty, \infty)` the two halves are folded,
:math:`\int_0^1 [f(\tfrac{1-t}{t}) + f(-\tfrac{1-t}{t})]\,t^{-2}\,dt`. The Kronrod nodes
never touch the ends of an interval, so integrable singularities there are never
evaluated.

Every decision (which interval to split, when to stop, which extrapolation to trust) is
taken on plain numbers (:func:`nabla.core.concrete`); the returned value is built with
``nabla.numpy`` from the integrand's values at the chosen nodes, so ``nabla.grad`` of it
is the exact derivative of the quadrature formula that was used: with respect to a
parameter of ``f``, the same formula applied to ``∂f/∂θ``; with respect to a limit, the
formula's nodes move with it, which tends to Leibniz's ``f(b)`` and ``−f(a)``.

>>> import nabla, nabla.numpy as np
>>> result = quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf)
>>> round(float(result.value), 14), result.success                  # √π
(1.77245385090552, True)
"""

from __future__ import annotations

import numbers

import numpy as onp

import nabla.numpy as np
from nabla.calculus.integrate.integrand import Integrand, check_count, check_limit
from nabla.calculus.integrate.qags import qags
from nabla.calculus.integrate.results import QuadResult
from nabla.calculus.integrate.substitution import Substitution
from nabla.core import concrete

_EPS = onp.finfo(float).eps


def quad(f, a, b, *, epsabs=1.49e-8, epsrel=1.49e-8, limit=50):
    r""":math:`\int_a^b f(x)\,dx` by adaptive Gauss–Kronrod quadrature (QUADPACK's QAGS/QAGI).

    ``f`` is called with an array of points and returns one value per point. ``a`` and
    ``b`` may be infinite, and either may exceed the other (the integral changes sign).
    Subdivision stops when the estimated error is at most
    ``max(epsabs, epsrel · |integral|)``, or when ``limit`` subintervals are in use.
    Integrable singularities at the ends are handled (extrapolation); singularities or
    discontinuities inside are best given to ``quad`` as ends, splitting the integral.

    Returns a :class:`QuadResult`: ``value`` (differentiable with respect to ``a``, ``b``
    and anything ``f`` closes over), ``error``, ``neval``, ``success``, ``message``,
    ``intervals``. Not reaching the tolerance is reported there (``success=False``), not
    raised. ``a == b`` gives 0.

    >>> import nabla, nabla.numpy as np
    >>> round(float(quad(lambda x: 1 / np.sqrt(x), 0.0, 1.0).value), 14)          # 2
    2.0
    >>> round(float(nabla.grad(lambda b: quad(np.exp, 0.0, b).value)(1.0)), 14)  # e^b
    2.71828182845905
    """
    integrand = Integrand(f)
    limit = check_arguments(a, b, epsabs, epsrel, limit)
    return solve(lambda x: (integrand(x), None), a, b, epsabs, epsrel, limit,
                 lambda: integrand.neval)


def check_arguments(a, b, epsabs, epsrel, limit):
    """Check the limits, tolerances and ``limit`` of ``quad``/``dblquad``; returns ``limit``."""
    check_limit(a, "a")
    check_limit(b, "b")
    for name, tolerance in (("epsabs", epsabs), ("epsrel", epsrel)):
        if not (isinstance(tolerance, numbers.Real) and tolerance >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {tolerance!r}")
    if epsabs == 0 and epsrel < 50 * _EPS:
        raise ValueError(f"with epsabs = 0, epsrel must be at least 50 × machine epsilon "
                         f"({50 * _EPS:.2g}), got {epsrel!r}: no result is more accurate")
    return check_count(limit, "limit")


def solve(h, a, b, epsabs, epsrel, limit, neval):
    """:func:`quad` on checked arguments, for an ``h(x)`` that returns ``(values,
    uncertainties or None)``; ``neval()`` counts the evaluations when done."""
    if concrete(a) == concrete(b):
        value = _empty(h, a, b)
        return QuadResult(value=value, error=0.0, neval=neval(), success=True,
                          message="a == b: the integral over an empty interval is 0",
                          intervals=onp.empty((0, 2)))
    return qags(h, Substitution(a, b), epsabs, epsrel, limit).result(neval())


def _empty(h, a, b):
    """:math:`\\int_a^a f = 0`, written ``(b − a)·f(a)`` (when ``f(a)`` is finite) so that
    its derivatives with respect to ``b`` and ``a`` are ``f(a)`` and ``−f(a)``."""
    if not onp.isfinite(concrete(a)):
        return 0.0
    fa = h(np.stack([a * 1.0]))[0][0]
    return (b - a) * (fa if onp.isfinite(concrete(fa)) else 0.0)
