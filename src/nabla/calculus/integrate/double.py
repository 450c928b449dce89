r"""Double integrals as iterated adaptive integrals: ``dblquad``.

.. math::  \int_a^b \int_{g(x)}^{h(x)} f(y, x)\,dy\,dx = \int_a^b F(x)\,dx, \qquad
           F(x) = \int_{g(x)}^{h(x)} f(y, x)\,dy,

with both integrals computed by :func:`~nabla.calculus.integrate.quad`: the outer one at
its Kronrod nodes ``x_k``, each ``F(x_k)`` by an inner ``quad``. The arguments are in
SciPy's order (``f(y, x)``, inner variable first). The error of each ``F(x_k)`` enters the
outer sum with the node's weight, and the returned ``error`` adds this propagated inner
error to the outer estimate. Everything is differentiable, limits included: moving ``b``,
``g`` or ``h`` moves the nodes.

>>> import nabla.numpy as np
>>> r = dblquad(lambda y, x: x * y, 0.0, 1.0, lambda x: 0.0, lambda x: x)   # 1/8
>>> round(float(r.value), 15), r.success
(0.125, True)
"""

from __future__ import annotations

import dataclasses

import nabla.numpy as np
from nabla.calculus.integrate.adaptive import check_arguments, solve
from nabla.calculus.integrate.integrand import Integrand, check_limit


def dblquad(f, a, b, gfun, hfun, *, epsabs=1.49e-8, epsrel=1.49e-8, limit=50):
    r""":math:`\int_a^b \int_{g(x)}^{h(x)} f(y, x)\,dy\,dx` (SciPy's argument order).

    ``f(y, x)`` is called with two arrays of one shape (the inner points ``y`` and their
    ``x``) and returns one value per point. ``gfun`` and ``hfun`` are numbers or functions
    of an array of ``x`` (a constant function may return a number). Limits may be
    infinite; ``epsabs``, ``epsrel`` and ``limit`` apply to the outer and to each inner
    integral. Returns a :class:`QuadResult` (``intervals``: those of the outer integral);
    ``success`` requires every inner integral to succeed too.

    >>> import nabla.numpy as np
    >>> r = dblquad(lambda y, x: np.exp(-x ** 2 - y ** 2), -np.inf, np.inf,
    ...             -np.inf, np.inf)
    >>> round(float(r.value), 12)                                       # π
    3.14159265359
    """
    integrand = Integrand(f, "f(y, x)")
    limit = check_arguments(a, b, epsabs, epsrel, limit)
    lower, upper = _boundary(gfun, "gfun"), _boundary(hfun, "hfun")
    failures = []

    def inner(x):
        results = [solve(lambda y, xk=x[k]: (integrand(y, np.broadcast_to(xk, y.shape)), None),
                         check_limit(lo, "gfun(x)"), check_limit(hi, "hfun(x)"),
                         epsabs, epsrel, limit, lambda: 0)
                   for k, (lo, hi) in enumerate(zip(lower(x), upper(x)))]
        failures.extend(r.message for r in results if not r.success)
        return np.stack([r.value for r in results]), [r.error for r in results]

    outer = solve(inner, a, b, epsabs, epsrel, limit, lambda: integrand.neval)
    if not failures:
        return outer
    return dataclasses.replace(outer, success=False,
                               message=f"{outer.message}; {len(failures)} inner integral(s) "
                                       f"did not converge, e.g.: {failures[0]}")


def _boundary(fun, name):
    """``fun`` as a function from an array of ``x`` to one limit per ``x``."""
    if not callable(fun):
        return lambda x: np.broadcast_to(fun, x.shape)

    def limits(x):
        y = fun(x)
        shape = getattr(y, "shape", ())
        if shape not in ((), x.shape):
            raise ValueError(f"{name} must return one limit per x: called with an array of "
                             f"shape {x.shape}, it returned shape {shape}")
        return np.broadcast_to(y, x.shape)

    return limits
