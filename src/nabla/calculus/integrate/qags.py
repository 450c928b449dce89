r"""The subdivision behind ``quad``: QUADPACK's QAGS, decision for decision.

The range (an infinite one mapped to ``t ∈ (0, 1]``,
:mod:`~nabla.calculus.integrate.substitution`) is cut into *pieces*, each with a
Gauss–Kronrod value and error estimate (:mod:`~nabla.calculus.integrate.kronrod`). Each
step bisects one piece:

- normally the piece with the largest error;
- but when that piece is among the *small* ones (deeper than ``level`` bisections: an
  end-point singularity is being chased), first the large pieces are made accurate
  (their summed error brought under the tolerance), then the total is appended to a
  sequence that Wynn's ε-algorithm extrapolates
  (:mod:`~nabla.calculus.integrate.extrapolation`), and ``level`` deepens by one.

It stops when the summed error estimates, or the extrapolation's, are within
:math:`\max(\epsilon_{abs}, \epsilon_{rel} |I|)`; or short of that, saying why: ``limit``
pieces in use, roundoff (bisections that no longer reduce the error), a piece too small
to split, an extrapolation that stopped improving, or a result that looks divergent.
These tests, their thresholds and their order are QUADPACK's (as in
``scipy.integrate.quad``). Decisions use plain numbers; the value is a traced sum (or the
extrapolated limit of traced sums) of the pieces' Kronrod values.

>>> import numpy
>>> from nabla.calculus.integrate.substitution import Substitution
>>> outcome = qags(lambda x: (1 / numpy.sqrt(x), None), Substitution(0.0, 1.0),
...                epsabs=1e-10, epsrel=1e-10, limit=50)
>>> outcome.status, round(float(outcome.value), 14)
('extrapolated', 2.0)
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Any

import numpy as onp

import nabla.numpy as np
from nabla.calculus.integrate.extrapolation import Extrapolation
from nabla.calculus.integrate.results import QuadResult
from nabla.core import concrete

_EPS = onp.finfo(float).eps


@dataclass
class Piece:
    """A subinterval ``[lo, hi]`` of ``t`` and what the Kronrod rule says of it: its value
    (traced), error estimate, whether the estimate ``saturated`` (the rule did not resolve
    the integrand), :math:`\\int |f|` (``absolute``), the propagated uncertainty of the
    integrand (``noise``), and its depth of bisection."""

    lo: float
    hi: float
    value: Any
    error: float
    saturated: bool
    absolute: float
    noise: float
    level: int


def evaluate(h, substitution, spans, level):
    """The :class:`Piece` of each ``(lo, hi)`` in ``spans`` (one call of ``h``), and the
    ``x`` of a non-finite value of the integrand (``None`` if there is none)."""
    lo, hi = (onp.array(ends, dtype=float) for ends in zip(*spans))
    rule = substitution.rule
    t = rule.nodes(lo, hi)
    flat = t.ravel()
    branches = substitution.points(flat)
    values, noise = h(branches[0] if len(branches) == 1 else np.concatenate(branches))
    shape = (len(branches), flat.size)
    g = substitution.weigh(np.sum(np.reshape(values, shape), axis=0), flat)
    half = (hi - lo) / 2
    integrals, errors, saturated, absolute = rule.estimate(np.reshape(g, t.shape), half)
    if noise is None:
        noise = onp.zeros(len(lo))
    else:
        spread = onp.abs(concrete(substitution.weigh(
            onp.abs(onp.reshape(noise, shape)).sum(axis=0), flat)))
        noise = (spread.reshape(t.shape) @ rule.kronrod_weights) * half
    finite = onp.isfinite(concrete(g))
    bad = None if finite.all() else substitution.plain(flat[~finite][0])
    pieces = [Piece(lo[k], hi[k], integrals[k], errors[k], saturated[k], absolute[k],
                    noise[k], level) for k in range(len(lo))]
    return pieces, bad


MESSAGES = {
    "converged": "the estimated error is within the requested tolerance",
    "extrapolated": "the estimated error is within the requested tolerance "
                    "(after extrapolating the bisections toward a singular point)",
    "limit": "the maximum number of subintervals (limit={limit}) was reached; the estimated "
             "error {error:.2g} exceeds the requested tolerance {tolerance:.2g}. Increase "
             "limit, or split the integral at points where the integrand is not smooth",
    "roundoff": "roundoff error prevents reaching the requested tolerance {tolerance:.2g} "
                "(estimated error {error:.2g}): bisecting no longer reduces the error",
    "too small": "the subintervals near x = {x:.17g} cannot be split further (a "
                 "non-integrable singularity or a discontinuity there?); the estimated "
                 "error {error:.2g} exceeds the requested tolerance {tolerance:.2g}",
    "stalled": "the extrapolation stopped improving (roundoff): the estimated error "
               "{error:.2g} exceeds the requested tolerance {tolerance:.2g}",
    "divergent": "the integral is probably divergent, or converges too slowly to be "
                 "extrapolated",
    "not finite": "the integrand returned a non-finite value (inf or nan) at x = {x:.17g}; "
                  "split the integral there, or make the integrand finite",
}


@dataclass
class Outcome:
    """How the subdivision ended: the value (traced) and its error estimate, ``status``
    (a key of :data:`MESSAGES`), the ``x`` it refers to, and the final pieces."""

    value: Any
    error: float
    status: str
    tolerance: float
    pieces: list
    substitution: Any
    where: float = onp.nan

    def result(self, neval):
        """The :class:`QuadResult`; its error adds the integrand's own uncertainty."""
        noise = sum(p.noise for p in self.pieces)
        lo = onp.array([p.lo for p in self.pieces])
        hi = onp.array([p.hi for p in self.pieces])
        message = MESSAGES[self.status].format(error=self.error, tolerance=self.tolerance,
                                               limit=len(self.pieces), x=self.where)
        return QuadResult(value=self.value, error=float(self.error + noise), neval=neval,
                          success=self.status in ("converged", "extrapolated"),
                          message=message, intervals=self.substitution.intervals(lo, hi))


def qags(h, substitution, epsabs, epsrel, limit):
    """Integrate ``h`` over the range of ``substitution`` (``h(x)`` returns ``(values,
    uncertainties or None)``): the :class:`Outcome`."""
    run = _Run(h, substitution, epsabs, epsrel, limit)
    first = run.pieces[0]
    if run.where is not None:
        return run.plain("not finite")
    if run.tolerance() < first.error <= 100 * _EPS * first.absolute:
        return run.plain("roundoff")
    if limit == 1:
        return run.plain("limit")
    if (first.error <= run.tolerance() and not first.saturated) or first.error == 0:
        return run.plain("converged")
    while True:
        status = run.bisect()
        if status == "not finite":
            return run.plain(status)
        if run.errsum <= run.tolerance():
            return run.plain("converged")
        if status is not None:
            return run.finish(status)
        if len(run.pieces) == 2:
            run.start_extrapolation(first)
            continue
        if run.extrapolation.exhausted:
            continue
        if not run.extrapolating:
            if run.ranking.current.level <= run.level:
                continue
            # the smallest pieces carry the largest error: first make the large ones
            # accurate, then extrapolate the total and go one level deeper
            run.extrapolating, run.ranking.position = True, 2
        if run.refine_large():
            continue
        status = run.extrapolate()
        if status is not None:
            return run.finish(status)


class _Run:
    """The state of one subdivision: QUADPACK's variables, named, and updated as QUADPACK
    updates them (sums incrementally), so that its decisions are taken to the last bit."""

    def __init__(self, h, substitution, epsabs, epsrel, limit):
        self.h, self.substitution = h, substitution
        self.epsabs, self.epsrel, self.limit = epsabs, epsrel, limit
        self.pieces, self.where = evaluate(h, substitution, [substitution.span], level=0)
        first = self.pieces[0]
        self.ranking = _Ranking(first)
        self.area = first.value                  # the traced sum of the pieces' values
        self.errsum = first.error
        self.extrapolation = Extrapolation()
        self.extrapolating = False               # refining large pieces, to extrapolate
        self.level = 0                           # pieces deeper than this are "small"
        self.erlarg = 0.0                        # the summed error of the large pieces
        self.ertest = None                       # the tolerance while extrapolating
        self.correction = 0.0                    # erlarg at the best extrapolation
        self.roundoff = _Roundoff()
        self.one_signed = (abs(float(concrete(first.value)))
                           >= (1 - 50 * _EPS) * first.absolute)
        self.absolute = first.absolute

    def tolerance(self, value=None):
        value = self.area if value is None else value
        return max(self.epsabs, self.epsrel * abs(float(concrete(value))))

    def bisect(self):
        """Split the piece the ranking points at; a reason to stop (a key of
        :data:`MESSAGES`), or ``None``."""
        piece = self.ranking.current
        mid = (piece.lo + piece.hi) / 2
        children, self.where = evaluate(self.h, self.substitution,
                                        [(piece.lo, mid), (mid, piece.hi)], piece.level + 1)
        left, right = children
        errors = left.error + right.error
        self.errsum = self.errsum + errors - piece.error
        self.area = self.area + (left.value + right.value) - piece.value
        # as in QUADPACK, the child with the larger error takes the parent's place
        larger, smaller = (right, left) if right.error > left.error else (left, right)
        self.pieces[self.pieces.index(piece)] = larger
        self.pieces.append(smaller)
        self.ranking.insert(larger, smaller, len(self.pieces), self.limit)
        if self.where is not None:
            return "not finite"
        if len(self.pieces) > 2 and not self.extrapolation.exhausted:
            self.erlarg -= piece.error
            if piece.level + 1 <= self.level:
                self.erlarg += errors
        status = None
        if self.roundoff.dominates(piece, children, len(self.pieces), self.extrapolating):
            status = "roundoff"
        if len(self.pieces) >= self.limit:
            status = "limit"
        if _too_small(self.substitution, piece.lo, mid, piece.hi):
            status, self.where = "too small", self.substitution.plain(mid)
        return status

    def start_extrapolation(self, first):
        """After the first bisection: the sequence starts with the two totals so far."""
        self.extrapolation.add(first.value)
        self.extrapolation.add(self.area)
        self.level, self.erlarg, self.ertest = 1, self.errsum, self.tolerance()

    def refine_large(self):
        """Point the ranking at the large piece to bisect before extrapolating (the one
        with the largest error among the first ``limit + 3 − count`` once half of
        ``limit`` is used), if the large pieces' errors sum over the tolerance; whether
        there is one."""
        if self.roundoff.in_extrapolation or self.erlarg <= self.ertest:
            return False
        ranking, count = self.ranking, len(self.pieces)
        last = count if count <= 2 + self.limit // 2 else self.limit + 3 - count
        for _ in range(ranking.position, last + 1):
            if ranking.current.level <= self.level:
                return True
            ranking.position += 1
        return False

    def extrapolate(self):
        """Extrapolate the total; a reason to stop, or ``None`` (then one level deeper)."""
        extrapolation = self.extrapolation
        stalled = extrapolation.stalls >= 5 and extrapolation.error < 1e-3 * self.errsum
        if extrapolation.add(self.area):
            self.correction = self.erlarg
            self.ertest = self.tolerance(extrapolation.result)
            if extrapolation.error <= self.ertest:
                return "extrapolated"
        if stalled:
            return "stalled"
        self.ranking.position, self.extrapolating = 1, False
        self.level += 1
        self.erlarg = self.errsum
        return None

    def plain(self, status):
        """The outcome whose value is the sum of the pieces."""
        value = functools.reduce(operator.add, [p.value for p in self.pieces])
        error = onp.inf if status == "not finite" else self.errsum
        return Outcome(value, error, status, self.tolerance(), self.pieces,
                       self.substitution, onp.nan if self.where is None else self.where)

    def finish(self, status):
        """A stop other than convergence of the sum (QUADPACK's label 100): choose between
        the extrapolated limit and the sum, and test the limit for divergence."""
        extrapolation, errsum = self.extrapolation, self.errsum
        if extrapolation.result is None:
            return self.plain(status)
        error = extrapolation.error
        limit, area = float(concrete(extrapolation.result)), float(concrete(self.area))
        if status != "extrapolated" or self.roundoff.in_extrapolation:
            if self.roundoff.in_extrapolation:
                error += self.correction
            if status == "extrapolated":
                status = "roundoff"
            if limit != 0 and area != 0:
                if error / abs(limit) > errsum / abs(area):
                    return self.plain(status)
            elif error > errsum:
                return self.plain(status)
        if area != 0 and not (not self.one_signed
                              and max(abs(limit), abs(area)) <= 0.01 * self.absolute):
            ratio = limit / area
            if ratio < 0.01 or ratio > 100 or errsum > abs(area):
                status = "divergent"
        return Outcome(extrapolation.result, error, status, self.tolerance(), self.pieces,
                       self.substitution, onp.nan if self.where is None else self.where)


class _Ranking:
    """QUADPACK's QPSRT: the pieces in decreasing order of error (kept in order only as
    far as ``limit + 3 − count`` once half of ``limit`` is used: the rest can no longer
    be bisected), and the 1-based ``position`` of the piece to bisect next."""

    def __init__(self, first):
        self.order = [None, first]             # 1-based, as QUADPACK's iord
        self.position = 1

    @property
    def current(self):
        return self.order[self.position]

    def insert(self, larger, smaller, count, limit):
        """After bisecting :attr:`current`: ``larger`` takes its place, ``smaller`` is new
        (``count`` pieces now). Each is inserted by a sequential search, top-down for the
        larger, bottom-up for the smaller, as QPSRT does."""
        order = self.order
        order.append(None)
        if count == 2:
            order[1:3] = [larger, smaller]
            return
        n = self.position
        while n > 1 and larger.error > order[n - 1].error:   # moved up past a predecessor
            order[n] = order[n - 1]
            n -= 1
        self.position = n
        top = count if count <= limit // 2 + 2 else limit + 3 - count
        i = n + 1
        while i <= top - 1 and larger.error < order[i].error:
            order[i - 1] = order[i]
            i += 1
        if i > top - 1:
            order[top - 1], order[top] = larger, smaller
            return
        order[i - 1] = larger
        k = top - 1
        while k >= i and smaller.error >= order[k].error:
            order[k + 1] = order[k]
            k -= 1
        order[k + 1] = smaller


class _Roundoff:
    """QUADPACK's signs that roundoff dominates: bisections that leave the value unchanged
    (to 10⁻⁵) without reducing its error estimate, ten times (five times while refining
    large pieces before an extrapolation: ``in_extrapolation``); or that increase the
    error estimate, twenty times. Bisections into unresolved halves do not count."""

    def __init__(self):
        self.flat = self.flat_extrapolating = self.growing = 0

    @property
    def in_extrapolation(self):
        return self.flat_extrapolating >= 5

    def dominates(self, parent, children, count, extrapolating):
        if any(c.saturated for c in children):
            return False
        value = sum(float(concrete(c.value)) for c in children)
        error = sum(c.error for c in children)
        if (abs(float(concrete(parent.value)) - value) <= 1e-5 * abs(value)
                and error >= 0.99 * parent.error):
            if extrapolating:
                self.flat_extrapolating += 1
            else:
                self.flat += 1
        if count > 10 and error > parent.error:
            self.growing += 1
        return self.flat + self.flat_extrapolating >= 10 or self.growing >= 20


def _too_small(substitution, lo, mid, hi):
    """Whether ``[lo, hi]`` is too small to bisect: its ends and middle coincide in ``x``
    to within 100 machine epsilons (QUADPACK's test)."""
    x_lo, x_mid, x_hi = (abs(substitution.plain(t)) for t in (lo, mid, hi))
    return max(x_lo, x_hi) <= (1 + 100 * _EPS) * (x_mid + 1000 * onp.finfo(float).tiny)
