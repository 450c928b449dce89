r"""Fixed rules: Riemann sums, the trapezoid and Simpson rules, Gauss–Legendre.

A fixed rule replaces :math:`\int_a^b f(x)\,dx` by a weighted sum of values at fixed
nodes. Written on :math:`[0, 1]` (nodes :math:`t_i`, weights :math:`v_i`,
:math:`\sum_i v_i = 1`), the rule on :math:`[a, b]` is

.. math::  Q_n = (b - a) \sum_i v_i\, f\bigl(a + (b - a)\, t_i\bigr).

==============  ==========================  ================================  ============
rule            nodes :math:`t_i`           weights :math:`v_i`               error
==============  ==========================  ================================  ============
left            i/n, i = 0 … n−1            1/n                               O(n⁻¹)
right           i/n, i = 1 … n              1/n                               O(n⁻¹)
midpoint        (i + ½)/n                   1/n                               O(n⁻²)
trapezoid       i/n, i = 0 … n              1/n, halved at both ends          O(n⁻²)
simpson         i/n, n even                 (1, 4, 2, 4, …, 2, 4, 1)/(3n)     O(n⁻⁴)
gauss_legendre  (ξ_i + 1)/2, P_n(ξ_i) = 0   Gauss weights / 2                 O(ρ⁻²ⁿ)
==============  ==========================  ================================  ============

(Gauss–Legendre with ``n`` nodes is exact for polynomials of degree ``2n − 1``; for ``f``
analytic inside an ellipse around ``[a, b]`` its error falls like ``ρ^(−2n)``.)

The sum is computed with ``nabla.numpy``, so it can be differentiated, and the derivative
is the exact derivative of the rule: with respect to a parameter θ of ``f`` it is the same
rule applied to ``∂f/∂θ``; with respect to the upper limit it is
``Σ v_i f(x_i) + (b − a) Σ v_i t_i f′(x_i)``, which tends to ``f(b)`` (Leibniz's rule).

The error estimate compares :math:`Q_n` with the same rule on a coarser grid,
:math:`Q_m` (``m = n // 2``, kept even for Simpson): for a rule of order ``p``,
:math:`Q_m - Q_n \approx ((n/m)^p - 1)\,E_n`, and ``error`` is twice the ``E_n`` this
gives. For Gauss–Legendre it is :math:`|Q_n - Q_{n-1}|`. It is an estimate for smooth
integrands (``inf`` when no coarser rule exists, e.g. ``n = 1``); the nodes of the coarse
rule that are not nodes of :math:`Q_n` count in ``neval``.

>>> import nabla.numpy as np
>>> round(float(simpson(np.exp, 0.0, 1.0, 10).value), 10)   # e − 1 = 1.718281828459045
1.7182827819
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as onp

import nabla.numpy as np
from nabla.calculus.integrate.integrand import Integrand, check_count, check_finite_limits
from nabla.calculus.integrate.results import RuleResult
from nabla.core import concrete


def _left(n):
    return onp.arange(n) / n, onp.full(n, 1.0 / n)


def _right(n):
    return onp.arange(1, n + 1) / n, onp.full(n, 1.0 / n)


def _midpoint(n):
    return (onp.arange(n) + 0.5) / n, onp.full(n, 1.0 / n)


def _trapezoid(n):
    weights = onp.full(n + 1, 1.0 / n)
    weights[[0, -1]] /= 2
    return onp.arange(n + 1) / n, weights


def _simpson(n):
    weights = onp.ones(n + 1)
    weights[1:-1:2] = 4.0
    weights[2:-1:2] = 2.0
    return onp.arange(n + 1) / n, weights / (3 * n)


@functools.lru_cache(maxsize=64)
def _gauss_legendre(n):
    roots, weights = onp.polynomial.legendre.leggauss(n)
    t, v = (roots + 1) / 2, weights / 2
    t.flags.writeable = v.flags.writeable = False
    return t, v


def _halved(n):
    return n // 2


@dataclass(frozen=True)
class Rule:
    """A rule on ``[0, 1]``: ``points(n) -> (t, v)``; ``coarser(n)`` is the size of the rule
    it is compared with for the error estimate; ``order`` the ``p`` in ``error ∝ n^-p``
    (``None``: exponential convergence)."""

    name: str
    points: Callable
    order: int | None
    coarser: Callable = _halved
    even: bool = False


RULES = {
    "left": Rule("left", _left, 1),
    "right": Rule("right", _right, 1),
    "midpoint": Rule("midpoint", _midpoint, 2),
    "trapezoid": Rule("trapezoid", _trapezoid, 2),
    "simpson": Rule("simpson", _simpson, 4, coarser=lambda n: n // 2 - (n // 2) % 2, even=True),
    "gauss_legendre": Rule("gauss_legendre", _gauss_legendre, None, coarser=lambda n: n - 1),
}


def apply_rule(name, f, a, b, n):
    """The rule called ``name`` (a key of :data:`RULES`) with ``n`` on ``[a, b]``."""
    rule = RULES[name]
    integrand = Integrand(f)
    check_finite_limits(a, b, rule.name)
    n = check_count(n)
    if rule.even and n % 2:
        raise ValueError(f"{rule.name} needs an even number of subintervals n, got {n}")
    t, v = rule.points(n)
    m = rule.coarser(n)
    coarse = rule.points(m) if m >= 1 else None
    nodes = t if coarse is None else onp.union1d(t, coarse[0])
    fx = integrand(a + (b - a) * nodes)
    value = (b - a) * np.dot(fx[onp.searchsorted(nodes, t)], v)
    if coarse is None:
        error = onp.inf
    else:
        a0, b0, fx0 = concrete(a), concrete(b), concrete(fx)
        difference = abs(concrete(value) - (b0 - a0) * (fx0[onp.searchsorted(nodes, coarse[0])]
                                                         @ coarse[1]))
        error = difference if rule.order is None else 2 * difference / ((n / m) ** rule.order - 1)
    span = concrete(b) - concrete(a)
    return RuleResult(value=value, error=float(error), neval=integrand.neval, rule=rule.name,
                      n=n, nodes=concrete(a) + span * t, weights=span * v)


_POINTS = ("left", "right", "midpoint")


def riemann(f, a, b, n=100, *, point="left"):
    r"""The Riemann sum :math:`h \sum_{i} f(x_i)`, ``h = (b − a)/n``, with ``x_i`` the left
    end, the right end or the midpoint of each of the ``n`` subintervals.

    Left and right sums have error O(1/n) (``≈ ∓ h (f(b) − f(a))/2``); the midpoint sum,
    O(1/n²) (``≈ h² (f′(b) − f′(a))/24``). ``point`` is ``"left"``, ``"right"`` or
    ``"midpoint"``. Returns a :class:`RuleResult`; ``.value`` can be differentiated.

    >>> import nabla.numpy as np
    >>> float(riemann(lambda x: x ** 2, 0.0, 1.0, 4, point="right").value)   # 1/3 exactly
    0.46875
    """
    if point not in _POINTS:
        raise ValueError(f"point must be one of {_POINTS}, got {point!r}")
    return apply_rule(point, f, a, b, n)


def trapezoid(f, a, b, n=100):
    r"""The composite trapezoid rule :math:`h\,[\tfrac12 f(x_0) + f(x_1) + … + f(x_{n-1})
    + \tfrac12 f(x_n)]`, ``x_i = a + i h``, ``h = (b − a)/n``.

    Error ``≈ −h² (f′(b) − f′(a))/12``, O(1/n²) (spectrally small for smooth periodic ``f``
    over a period). Returns a :class:`RuleResult`.

    >>> import nabla.numpy as np
    >>> float(trapezoid(lambda x: x ** 2, 0.0, 1.0, 4).value)   # 1/3 + h²·2/12
    0.34375
    """
    return apply_rule("trapezoid", f, a, b, n)


def simpson(f, a, b, n=100):
    r"""Composite Simpson's rule :math:`\tfrac{h}{3}\,[f_0 + 4 f_1 + 2 f_2 + 4 f_3 + … +
    4 f_{n-1} + f_n]`, ``n`` even, ``h = (b − a)/n``: parabolas through each pair of
    subintervals.

    Error ``≈ −h⁴ (f‴(b) − f‴(a))/180``, O(1/n⁴); exact for cubics. ``n`` must be even.
    Returns a :class:`RuleResult`.

    >>> import nabla.numpy as np
    >>> float(simpson(lambda x: x ** 3, 0.0, 2.0, 2).value)   # exactly 4
    4.0
    """
    return apply_rule("simpson", f, a, b, n)


def gauss_legendre(f, a, b, n=10):
    r"""Gauss–Legendre quadrature with ``n`` nodes: :math:`\frac{b-a}{2}\sum_i w_i
    f\bigl(\frac{a+b}{2} + \frac{b-a}{2}\xi_i\bigr)`, ``ξ_i`` the roots of the Legendre
    polynomial ``P_n`` and ``w_i = 2 / ((1 − ξ_i²) P_n′(ξ_i)²)``.

    Exact for polynomials of degree ``2n − 1``; for analytic ``f`` the error falls
    exponentially in ``n``. Returns a :class:`RuleResult`.

    >>> import nabla.numpy as np
    >>> round(float(gauss_legendre(lambda x: x ** 5, 0.0, 1.0, 3).value), 15)   # exactly 1/6
    0.166666666666667
    """
    return apply_rule("gauss_legendre", f, a, b, n)
