r"""Line searches: how far to go along a descent direction.

An optimizer at ``x`` with a descent direction ``p`` (``∇f(x)·p < 0``) looks at f on the
ray ``x + αp``, a function of one variable,

    φ(α) = f(x + αp),        φ'(α) = ∇f(x + αp)·p,        φ'(0) < 0,

and picks a step ``α > 0`` that makes enough progress. With constants ``0 < c₁ < c₂ < 1``:

- **Armijo** (sufficient decrease): ``φ(α) ≤ φ(0) + c₁ α φ'(0)`` — f drops by at least a
  fraction c₁ of what the tangent line promises. Backtracking from a first guess satisfies
  it for every small enough α, so on its own it cannot rule out steps that are too short;
  it is the right test for Newton's method, whose full step α = 1 is usually right.
- **strong Wolfe**: Armijo and the curvature condition ``|φ'(α)| ≤ c₂ |φ'(0)|`` — the
  slope has flattened, so α is near a minimizer of φ and not too short. Quasi-Newton
  updates need it: it guarantees ``sᵀy > 0`` (with ``s = αp``, ``y = ∇f(x+αp) − ∇f(x)``),
  which keeps their Hessian approximations positive definite.

Both functions here work on φ itself (a function of a float ``α``) so they serve any
optimizer; ``armijo`` needs the values φ(α), ``wolfe`` the pairs ``(φ(α), φ'(α))``. Each
returns a :class:`LineSearchResult`. A failed search (no acceptable step within the
iteration limit, e.g. when f is flat to rounding) is reported in the result, never raised;
a direction that does not descend (``φ'(0) ≥ 0``) raises ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_GROW = 2.0  # wolfe: while the step is too short, the next trial is this many times longer
_MARGIN = 0.1  # zoom: a cubic step closer than this fraction of the interval to an end
#                 is replaced by the midpoint

__all__ = ["LineSearchResult", "armijo", "initial_step", "wolfe"]


@dataclass(frozen=True)
class LineSearchResult:
    """The step a line search chose, and why it stopped.

    ``alpha``: the step (0.0 when no step decreased φ); ``fun``: φ(alpha); ``slope``:
    φ'(alpha) (None for ``armijo``, which uses values only); ``nfev``: evaluations of φ;
    ``success``: whether the search's conditions hold at ``alpha``; ``message``: why it
    stopped. When the search fails, ``alpha`` is the lowest point found that satisfies
    Armijo's condition, if any, so a caller may still take it.
    """

    alpha: float
    fun: float
    slope: float | None
    nfev: int
    success: bool
    message: str


def initial_step(slope0, decrease=None):
    r"""A first trial step: ``α₀ = min(1, 2Δf / |φ'(0)|)`` (Nocedal & Wright, eq. 3.60).

    The parabola with slope φ'(0) at 0 that drops by ``Δf`` has its minimum at
    ``2Δf/|φ'(0)|``; with ``Δf`` the decrease of the previous iteration this guesses a
    step that achieves as much again. With no previous decrease (None, or not positive),
    ``Δf = √|φ'(0)| / 2``: along steepest descent, ``p = −∇f``, that is ``α₀ = 1/‖∇f‖``,
    a step of length 1.

    >>> from nabla.optim.linesearch import initial_step
    >>> initial_step(-400.0), initial_step(-4.0, decrease=0.5)   # ‖∇f‖ = 20; Δf = 0.5
    (0.05, 0.25)
    """
    if decrease is None or not decrease > 0:
        decrease = abs(slope0) ** 0.5 / 2
    return min(1.0, 2 * decrease / abs(slope0))


def _check_descent(phi0, slope0, c1, c2=None):
    if not (math.isfinite(phi0) and math.isfinite(slope0)):
        raise ValueError(f"the line search needs a finite φ(0) and φ'(0), got {phi0} and "
                         f"{slope0}")
    if slope0 >= 0:
        raise ValueError(f"φ'(0) = {slope0:.3g} ≥ 0: the direction does not descend; "
                         "search along a direction p with ∇f(x)·p < 0 (e.g. p = −∇f(x))")
    if not (0 < c1 < 1 if c2 is None else 0 < c1 < c2 < 1):
        need, got = ("0 < c1 < 1", f"c1={c1}") if c2 is None else (
            "0 < c1 < c2 < 1", f"c1={c1}, c2={c2}")
        raise ValueError(f"the line search needs {need}, got {got}")


def armijo(phi, phi0, slope0, *, alpha0=1.0, c1=1e-4, maxiter=60):
    r"""The first step ``α`` from ``alpha0`` down with ``φ(α) ≤ φ(0) + c₁ α φ'(0)``.

    Backtracking with interpolation (Nocedal & Wright, *Numerical Optimization*, §3.5):
    when α fails, the next trial is the minimizer of the parabola through ``φ(0)``,
    ``φ'(0)`` and ``φ(α)``,

        α ← −φ'(0) α² / (2 (φ(α) − φ(0) − φ'(0) α)),

    kept within ``[α/10, α/2]`` (α/2 when φ(α) is not finite). ``phi(α)`` returns the value
    of f at ``x + αp``; ``phi0 = φ(0)`` and ``slope0 = φ'(0) < 0``.

    >>> from nabla.optim.linesearch import armijo
    >>> r = armijo(lambda a: (a - 0.25) ** 2, 0.0625, -0.5)   # φ(α) = (α − ¼)², from 0
    >>> r.success, r.alpha, r.nfev
    (True, 0.25, 2)
    """
    _check_descent(phi0, slope0, c1)
    alpha = float(alpha0)
    for nfev in range(1, maxiter + 1):
        value = float(phi(alpha))
        if value <= phi0 + c1 * alpha * slope0:  # False for NaN
            return LineSearchResult(alpha, value, None, nfev, True,
                                    "Armijo's sufficient decrease condition holds")
        alpha = _backtrack(alpha, value, phi0, slope0)
    return LineSearchResult(0.0, phi0, None, maxiter, False,
                            f"no step in {maxiter} trials satisfies Armijo's condition: "
                            "f does not decrease along p to working precision")


def _backtrack(alpha, value, phi0, slope0):
    """The next, shorter trial step after ``alpha`` failed (safeguarded quadratic fit)."""
    if not math.isfinite(value):
        return alpha / 2
    curvature = value - phi0 - slope0 * alpha  # > 0 when Armijo fails
    guess = -slope0 * alpha * alpha / (2 * curvature)
    return min(max(guess, alpha / 10), alpha / 2)


def wolfe(phi, phi0, slope0, *, alpha0=1.0, c1=1e-4, c2=0.9, alpha_max=1e10, maxiter=30):
    r"""A step ``α`` satisfying the strong Wolfe conditions.

    ``φ(α) ≤ φ(0) + c₁ α φ'(0)`` and ``|φ'(α)| ≤ c₂ |φ'(0)|``, found by Nocedal & Wright's
    Algorithm 3.5: try ``alpha0``, then double the step while φ keeps decreasing and
    sloping down; once a trial is too long (Armijo fails, φ rises, or the slope turns
    positive) an interval that must contain acceptable steps is known, and *zoom*
    (Algorithm 3.6) shrinks it, each trial the minimizer of the cubic matching φ and φ'
    at its ends (bisection when that point is unsafe or undefined). ``phi(α)`` returns
    ``(φ(α), φ'(α))``. Use ``c2 = 0.9`` for Newton and quasi-Newton methods, ``0.1`` to
    ``0.4`` for nonlinear conjugate gradients.

    >>> from nabla.optim.linesearch import wolfe
    >>> phi = lambda a: ((a - 3) ** 2, 2 * (a - 3))   # φ(α) = (α − 3)²
    >>> r = wolfe(phi, 9.0, -6.0, c2=0.1)   # α = 1, 2 are too short, 4 too long: zoom
    >>> r.success, r.alpha, r.nfev
    (True, 3.0, 4)
    """
    _check_descent(phi0, slope0, c1, c2)
    search = _Search(phi, phi0, slope0, c1, c2)
    prev, alpha = (0.0, phi0, slope0), float(alpha0)
    for _ in range(maxiter):
        value, slope = search.at(alpha)
        if not search.decreases(alpha, value) or (prev[0] > 0 and value >= prev[1]):
            return search.zoom(prev, (alpha, value, slope), maxiter)
        if search.flat(slope):
            return search.found(alpha, value, slope)
        if slope >= 0:
            return search.zoom((alpha, value, slope), prev, maxiter)
        if alpha >= alpha_max:
            return search.failed(f"the step reached alpha_max = {alpha_max:g} with f still "
                                 "decreasing: f may be unbounded below along p")
        prev, alpha = (alpha, value, slope), min(_GROW * alpha, alpha_max)
    return search.failed(f"no step in {maxiter} trials satisfies the strong Wolfe conditions")


class _Search:
    """The state of one strong-Wolfe search: φ, its counts, and the best step so far."""

    def __init__(self, phi, phi0, slope0, c1, c2):
        self.phi, self.phi0, self.slope0, self.c1, self.c2 = phi, phi0, slope0, c1, c2
        self.nfev = 0
        self.best = (0.0, phi0, slope0)  # the lowest trial with sufficient decrease

    def at(self, alpha):
        value, slope = self.phi(alpha)
        self.nfev += 1
        value, slope = float(value), float(slope)
        if self.decreases(alpha, value) and value < self.best[1]:
            self.best = (alpha, value, slope)
        return value, slope

    def decreases(self, alpha, value):
        return value <= self.phi0 + self.c1 * alpha * self.slope0  # False for NaN

    def flat(self, slope):
        return abs(slope) <= -self.c2 * self.slope0

    def found(self, alpha, value, slope):
        return LineSearchResult(alpha, value, slope, self.nfev, True,
                                "the strong Wolfe conditions hold")

    def failed(self, why):
        alpha, value, slope = self.best
        taken = (f"; returning the lowest step with sufficient decrease, α = {alpha:.3g}"
                 if alpha > 0 else "; no trial step decreased f enough")
        return LineSearchResult(alpha, value, slope, self.nfev, False, why + taken)

    def zoom(self, lo, hi, maxiter):
        """Shrink [lo, hi] (``lo`` the trial with lower φ that satisfies Armijo, and
        ``φ'(lo)·(hi − lo) < 0``) until a trial meets the strong Wolfe conditions."""
        for _ in range(maxiter):
            alpha = _cubic_step(lo, hi)
            if alpha == lo[0] or alpha == hi[0]:
                return self.failed("the bracketing interval shrank below rounding")
            value, slope = self.at(alpha)
            if not self.decreases(alpha, value) or value >= lo[1]:
                hi = (alpha, value, slope)
                continue
            if self.flat(slope):
                return self.found(alpha, value, slope)
            if slope * (hi[0] - lo[0]) >= 0:
                hi = lo
            lo = (alpha, value, slope)
        return self.failed(f"zoom did not meet the strong Wolfe conditions in {maxiter} "
                           "trials")


def _cubic_step(lo, hi):
    r"""The minimizer of the cubic through ``(a, φ(a), φ'(a))`` at both ends (N&W 3.59),
    or the midpoint if that is undefined or within a tenth of the interval of an end."""
    (a, fa, da), (b, fb, db) = lo, hi
    mid = (a + b) / 2
    if not (math.isfinite(fb) and math.isfinite(db)):
        return mid
    d1 = da + db - 3 * (fa - fb) / (a - b)
    radicand = d1 * d1 - da * db
    if radicand < 0:
        return mid
    d2 = math.copysign(math.sqrt(radicand), b - a)
    denominator = db - da + 2 * d2
    if denominator == 0:
        return mid
    alpha = b - (b - a) * (db + d2 - d1) / denominator
    margin = abs(b - a) * _MARGIN
    if not (min(a, b) + margin <= alpha <= max(a, b) - margin):
        return mid
    return alpha
