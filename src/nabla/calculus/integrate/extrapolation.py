r"""Wynn's ε-algorithm: the limit of a sequence from its first terms (QUADPACK's QELG).

When ``quad`` bisects toward a singular end point, the total after each level of
bisection, :math:`S_0, S_1, \dots`, approaches the integral geometrically (the error
shrinks by about :math:`2^{-(1+\alpha)}` per level for :math:`x^\alpha`). The
ε-algorithm removes such errors term by term. Its even columns
:math:`\varepsilon_{2k}^{(n)}` (column 0 is the sequence itself) satisfy Wynn's cross rule

.. math::  \frac{1}{E - C} = \frac{1}{S - C} + \frac{1}{C - W} - \frac{1}{C - N},

with ``E`` = :math:`\varepsilon_{2k+2}^{(n)}`, ``N``, ``C``, ``S`` =
:math:`\varepsilon_{2k}^{(n)}, \varepsilon_{2k}^{(n+1)}, \varepsilon_{2k}^{(n+2)}` and
``W`` = :math:`\varepsilon_{2k-2}^{(n+2)}` (:math:`\varepsilon_{-2} = \infty`); column 2 is
Aitken's Δ². Each new term adds a diagonal to the table. As in QUADPACK (whose QELG this
follows step by step, so that ``quad`` takes SciPy's decisions): where differences fall to
roundoff, or an entry jumps by more than 10⁴ times its neighbour, the table is cut to its
newest terms; among the new diagonal's entries the one with the least
:math:`|S - C| + |C - N| + |E - S|` is the limit; and the error of a limit is its spread
from the three limits before it (``inf`` for the first three).

Decisions are taken on plain numbers, while the table holds the terms as given: the limit
of a sequence of traced values is traced, and its derivative is the exact derivative of
the extrapolation formula.

>>> table = Extrapolation()
>>> for n in range(8):
...     improved = table.add(2.0 - 0.5 ** n)      # converges geometrically to 2
>>> round(float(table.result), 12), bool(table.error < 1e-10)
(2.0, True)
"""

from __future__ import annotations

import numpy as onp

from nabla.core import concrete

_EPS = onp.finfo(float).eps
_HUGE = onp.finfo(float).max
_LONGEST = 50                 # QUADPACK's limexp: the most terms the table keeps


class Extrapolation:
    """The ε-table of a growing sequence. ``add`` a term; ``result`` (maybe traced) and
    ``error`` are the best limit so far (``error`` is ``inf`` until one is trusted);
    ``stalls`` counts the terms since it last improved; ``exhausted`` says that the table
    collapsed to a single term, after which extrapolation is pointless."""

    def __init__(self):
        self.table = []           # QELG's epstab: the two newest diagonals, 0-based
        self.recent = []          # QELG's res3la: the last three limits (plain)
        self.calls = 0
        self.result = None
        self.error = onp.inf
        self.stalls = 0
        self.exhausted = False

    def add(self, term):
        """Append ``term`` (from the third term on, extrapolate); whether ``result``
        improved."""
        self.table.append(term)
        if len(self.table) < 3:
            return False
        limit, error = self._extrapolate()
        self.exhausted = len(self.table) == 1
        if error >= self.error:
            self.stalls += 1
            return False
        self.result, self.error, self.stalls = limit, error, 0
        return True

    def _extrapolate(self):
        """QELG: a new diagonal from the newest term; ``(limit, error)``."""
        e = self.table
        n = len(e)
        self.calls += 1
        e.extend([e[-1], e[-1]])          # room for the new diagonal; e[n + 1] = newest
        e[n - 1] = _HUGE                  # ε₋₂ = ∞ beside the new term
        limit, best = e[n + 1], onp.inf
        k, kept = n - 1, n
        for i in range(1, (n - 1) // 2 + 1):
            e0, e1, e2, e3 = e[k - 2], e[k - 1], e[k + 2], e[k]
            c0, c1, c2, c3 = (float(concrete(x)) for x in (e0, e1, e2, e3))
            err2, tol2 = abs(c2 - c1), max(abs(c2), abs(c1)) * _EPS
            err3, tol3 = abs(c1 - c0), max(abs(c1), abs(c0)) * _EPS
            if err2 <= tol2 and err3 <= tol3:           # converged to roundoff
                e[n - 1] = e[n + 1]
                del e[n:]
                return e2, max(err2 + err3, 5 * _EPS * abs(c2))
            e[k] = e1
            err1, tol1 = abs(c1 - c3), max(abs(c1), abs(c3)) * _EPS
            if err1 <= tol1 or err2 <= tol2 or err3 <= tol3:
                kept = 2 * i - 1
                break
            ss = 1 / (c1 - c3) + 1 / (c2 - c1) - 1 / (c1 - c0)
            if abs(ss * c1) <= 1e-4:                    # irregular: a jump of 10⁴ |e1|
                kept = 2 * i - 1
                break
            entry = e1 + 1 / (1 / (e1 - e3) + 1 / (e2 - e1) - 1 / (e1 - e0))
            e[k] = entry
            k -= 2
            spread = err2 + abs(float(concrete(entry)) - c2) + err3
            if spread <= best:
                limit, best = entry, spread
        self._shift(n, kept)
        return limit, self._spread(float(concrete(limit)))

    def _shift(self, n, kept):
        """Move the new diagonal into place and keep the newest ``kept`` terms."""
        e = self.table
        if kept == _LONGEST:
            kept = _LONGEST - 1
        for j in range(1 if n % 2 == 0 else 0, n, 2):
            e[j] = e[j + 2]
        del e[n:]
        del e[:n - kept]

    def _spread(self, limit):
        """The error of ``limit``: its distance to the three limits before it."""
        if self.calls < 4:
            self.recent.append(limit)
            error = onp.inf
        else:
            error = sum(abs(limit - r) for r in reversed(self.recent))
            self.recent = [*self.recent[1:], limit]
        return max(error, 5 * _EPS * abs(limit))
