r"""The variable ``quad`` bisects: ``x`` on a finite range, ``t ∈ (0, 1]`` on an infinite one.

:math:`\int_a^b f(x)\,dx = \int f(\varphi(t))\,\varphi'(t)\,dt`, QUADPACK's way:
:math:`x = a + (1 - t)/t` for :math:`[a, \infty)`, which sends ``t → 0`` to infinity
(where floating point is finest, so the tail can be bisected far), and the two halves of
the real line folded onto one. A finite range is integrated over ``x`` itself (``t = x``):
the nodes are QUADPACK's to the last bit, and what makes them move with traced limits is
a term whose value is exactly zero, ``(a − a₀)(1 − s) + (b − b₀) s`` with ``a₀``, ``b₀``
the plain values of the limits and ``s = (x − a₀)/(b₀ − a₀)``: its derivatives, of every
order, are those of the affine map ``x = a + (b − a) s``.

>>> s = Substitution(1.0, float("inf"))
>>> s.kind, s.span, float(s.plain(0.5)), float(s.weigh(1.0, 0.5))  # x = 1 + (1 − t)/t, 1/t²
('right', (0.0, 1.0), 2.0, 4.0)
"""

from __future__ import annotations

import numpy as onp

from nabla.calculus.integrate import kronrod
from nabla.core import concrete


class Substitution:
    r"""``x = φ(t)`` over ``span``, so that :math:`\int_a^b f\,dx = \int_{span}
    f(φ(t))\,φ'(t)\,dt`:

    ==========  ==========  =========================  ===================
    range       span        x                          factor φ′
    ==========  ==========  =========================  ===================
    [a, b]      [a, b]      t (moving with a and b)    1 (moving likewise)
    [a, ∞)      (0, 1]      a + (1 − t)/t              1/t²
    (−∞, b]     (0, 1]      b − (1 − t)/t              1/t²
    (−∞, ∞)     (0, 1]      (1 − t)/t and −(1 − t)/t   1/t² (both summed)
    ==========  ==========  =========================  ===================

    With ``a > b`` the range is swapped and the sign kept apart (as SciPy does).
    Finite ranges use the rule :data:`~nabla.calculus.integrate.kronrod.K21`, infinite
    ones :data:`~nabla.calculus.integrate.kronrod.K15` (as QUADPACK).
    """

    def __init__(self, a, b):
        lo, hi = float(concrete(a)), float(concrete(b))
        self.sign = 1.0
        if lo > hi:
            a, b, lo, hi, self.sign = b, a, hi, lo, -1.0
        if onp.isfinite(lo) and onp.isfinite(hi):
            self.kind, self.span, self.rule = "finite", (lo, hi), kronrod.K21
        else:
            self.kind = "right" if onp.isfinite(lo) else "left" if onp.isfinite(hi) else "both"
            self.span, self.rule = (0.0, 1.0), kronrod.K15
        self.a, self.b, self.lo, self.hi = a, b, lo, hi

    def points(self, t):
        """The points ``x`` of the nodes ``t`` (traced with the limits): ``[x]``, or
        ``[x, −x]`` over the whole real line."""
        if self.kind == "finite":
            s = (t - self.lo) / (self.hi - self.lo)
            return [t + (self.a - self.lo) * (1 - s) + (self.b - self.hi) * s]
        u = (1 - t) / t
        return {"right": [self.a + u], "left": [self.b - u], "both": [u, -u]}[self.kind]

    def weigh(self, values, t):
        """``± f(x(t)) φ′(t)`` from ``values = f(x(t))``, the sign that of the orientation:
        times 1 for a finite range (its value; it moves with the limits), else divided by
        ``t`` twice (QUADPACK's ``(f/t)/t``)."""
        if self.kind == "finite":
            moving = 1 + ((self.b - self.hi) - (self.a - self.lo)) / (self.hi - self.lo)
            return self.sign * (values * moving)
        return self.sign * (values / t / t)

    def plain(self, t):
        """``x`` at ``t`` on plain numbers (over the whole line, the ``x ≥ 0`` one)."""
        if self.kind == "finite":
            return t
        with onp.errstate(divide="ignore"):
            u = (1 - t) / onp.asarray(t, dtype=float)
        if self.kind == "right":
            return self.lo + u
        return self.hi - u if self.kind == "left" else u

    def intervals(self, lo, hi):
        """The ``x`` intervals of the ``t`` intervals ``[lo, hi]``, sorted: shape (k, 2)."""
        ends = onp.sort(onp.stack([self.plain(lo), self.plain(hi)], axis=1), axis=1)
        if self.kind == "both":
            ends = onp.concatenate([ends, -ends[:, ::-1]])
        return ends[onp.argsort(ends[:, 0])]
