"""Roots of equations f(x) = 0: Newton–Raphson, the secant method and bisection.

- **Newton–Raphson** follows the tangent to where it crosses zero,

      x_{k+1} = x_k − f(x_k) / f'(x_k)      (systems: x_{k+1} = x_k − J(x_k)⁻¹ f(x_k)),

  with f' (or the Jacobian J) from automatic differentiation. Near a simple root the
  error squares each step (*quadratic* convergence, e_{k+1} ≈ |f''/2f'|·e_k²); at a root
  of multiplicity m it only shrinks by (m−1)/m (*linear*); far from a root it can wander
  off, which damping (backtracking on |f|) or a bracket with bisection fallback prevents.
- **Secant** replaces f' by the slope through the last two iterates; no derivative, and
  convergence of order (1+√5)/2 ≈ 1.618 (*superlinear*).
- **Bisection** keeps an interval [a, b] where f changes sign and halves it every step:
  slow (one bit per step) but certain, for any continuous f.

Each returns a :class:`RootResult`. Not converging is an outcome, reported in the result
(``converged=False`` and the ``reason``), never an exception; input that cannot be
solved as given (f not callable, a start that is not a real number or vector, a bracket
without a sign change) raises ``TypeError`` or ``ValueError`` with what to change.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from nabla.transforms import jacobian, value_and_grad

__all__ = ["RootResult", "bisect", "newton", "secant"]

_ARMIJO = 1e-4  # backtracking accepts a step that reduces ‖f‖ by this fraction of t
_HALVINGS = 40  # backtracking gives up after this many halvings of the step


@dataclass(frozen=True)
class RootResult:
    """What a root finder found, and why it stopped.

    ``x``: the last iterate (a float64 scalar, or a 1-D array for a system); ``fun``:
    f(x); ``converged``: whether a stopping test was met; ``nit``: iterations;
    ``nfev``: calls of f (autodiff counts one per derivative); ``history``: the iterates,
    starting point(s) first; ``reason``: a short sentence saying why it stopped.
    ``success`` and ``message`` are the same as ``converged`` and ``reason``, under the
    names of ``scipy.optimize.OptimizeResult``.
    """

    x: object
    fun: object
    converged: bool
    nit: int
    nfev: int
    history: np.ndarray = field(repr=False)
    reason: str

    @property
    def success(self):
        return self.converged

    @property
    def message(self):
        return self.reason


# --------------------------------------------------------------------------------------
# Checking what the user passed
# --------------------------------------------------------------------------------------


class _Counted:
    """``f`` with a count of its calls."""

    def __init__(self, f, who):
        if not callable(f):
            raise TypeError(f"{who}: f must be a function, got {type(f).__name__} {f!r}")
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


def _as_start(x0, who, name="x0", vectors=True):
    """A starting point as float64: a 0-d array, or (if ``vectors``) a 1-D array."""
    kinds = "a real number or a 1-D array of reals" if vectors else "a real number"
    if isinstance(x0, (bool, np.bool_)) or not isinstance(x0, (numbers.Real, np.ndarray,
                                                                list, tuple)):
        raise TypeError(f"{who}: {name} must be {kinds}, got {type(x0).__name__} {x0!r}")
    x = np.asarray(x0)
    if x.dtype == bool or not (np.issubdtype(x.dtype, np.integer)
                               or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"{who}: {name} must be {kinds}, got {x!r} of dtype {x.dtype}")
    if x.ndim > (1 if vectors else 0) or x.size == 0:
        raise TypeError(f"{who}: {name} must be {kinds}, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{who}: {name} must be finite, got {x0!r}")
    return x.astype(np.float64)


def _checked_value(fx, x, who):
    """f(x) as an array of x's shape (one equation per unknown), or a clear error."""
    value = np.asarray(fx)
    if value.shape != x.shape:
        need = "a scalar" if x.ndim == 0 else f"an array of shape {x.shape}, one per unknown"
        raise ValueError(f"{who}: f must return {need}, got shape {value.shape}")
    return value


def _norm(v):
    """The Euclidean norm, without overflow for huge entries (|v| for a scalar)."""
    return float(np.hypot.reduce(np.ravel(v)))


def _done(x, fx, converged, nit, history, nfev, reason):
    return RootResult(x=np.asarray(x)[()], fun=np.asarray(fx)[()], converged=converged,
                      nit=nit, nfev=nfev, history=np.array(history), reason=reason)


# --------------------------------------------------------------------------------------
# Newton–Raphson
# --------------------------------------------------------------------------------------


def _linearize(f, x):
    """``(f(x), f'(x))``: the derivative by ``grad`` for scalars, ``jacobian`` for systems."""
    if x.ndim == 0:
        value, slope = value_and_grad(f)(x)
        return np.asarray(value), np.asarray(slope)
    return np.asarray(f(x)), np.asarray(jacobian(f)(x))


def _newton_step(fx, slope):
    """The step Δ with f'(x)·Δ = f(x), or None where f'(x) (or J) is singular."""
    if fx.ndim == 0:
        return fx / slope if slope != 0 and np.isfinite(slope) else None
    try:
        return np.linalg.solve(slope, fx)
    except np.linalg.LinAlgError:
        return None


def _backtrack(f, x, fx, step):
    """``x − t·step`` for the largest t in 1, ½, ¼, … with ‖f‖ ≤ (1 − 10⁻⁴t)‖f(x)‖, or None."""
    t, size = 1.0, _norm(fx)
    for _ in range(_HALVINGS):
        trial = x - t * step
        if _norm(f(trial)) <= (1 - _ARMIJO * t) * size:  # False for NaN: keep halving
            return trial
        t /= 2
    return None


@dataclass
class _Bracket:
    """An interval [a, b] on which f changes sign, shrunk as points inside are evaluated."""

    a: float
    fa: float
    b: float
    fb: float

    @classmethod
    def checked(cls, f, bracket, who):
        if not (isinstance(bracket, (tuple, list)) and len(bracket) == 2):
            raise TypeError(f"{who}: the bracket must be a pair (a, b), got {bracket!r}")
        a, b = (float(_as_start(v, who, "each end of the bracket", vectors=False))
                for v in bracket)
        if a == b:
            raise ValueError(f"{who}: the bracket [{a}, {b}] is empty: a and b must differ")
        a, b = min(a, b), max(a, b)
        fa, fb = (float(_checked_value(f(np.float64(v)), np.float64(v), who)) for v in (a, b))
        if np.sign(fa) * np.sign(fb) > 0:
            raise ValueError(f"{who}: f(a) = {fa:.6g} and f(b) = {fb:.6g} have the same sign, "
                             f"so [{a}, {b}] does not bracket a root; choose a and b where f "
                             "changes sign")
        return cls(a, fa, b, fb)

    def guard(self, candidate):
        """The Newton point if it lies inside the bracket, else the midpoint (bisection)."""
        if candidate is not None and self.a < candidate < self.b:
            return candidate
        return np.float64((self.a + self.b) / 2)

    def shrink(self, x, fx):
        """Keep the half of the bracket on which f still changes sign."""
        if np.sign(fx) == np.sign(self.fa):
            self.a, self.fa = float(x), float(fx)
        else:
            self.b, self.fb = float(x), float(fx)


def newton(f, x0, *, tol=1e-12, xtol=1e-12, maxiter=50, damping=False, bracket=None):
    """A root of ``f`` by Newton–Raphson, with derivatives by automatic differentiation.

    ``x_{k+1} = x_k − f(x_k)/f'(x_k)`` for a scalar ``x0``, and
    ``x_{k+1} = x_k − J(x_k)⁻¹ f(x_k)`` for a 1-D array ``x0`` (a system f: Rⁿ → Rⁿ; f'
    from ``nabla.grad``, J from ``nabla.jacobian``, so f is written with ``nabla.numpy``
    or plain NumPy).

    Stops, converged, when ``‖f(x)‖ ≤ tol`` or the last step was at most
    ``xtol·max(1, ‖x‖)``; stops, not converged, after ``maxiter`` steps, at a zero
    derivative (singular J), or when f(x) or x stops being finite (``reason`` says
    which). Options:

    - ``damping=True``: take the step ``t·Δ`` with the largest t in 1, ½, ¼, … that
      reduces ‖f‖ (backtracking, Armijo's condition); this keeps Newton from being flung
      away, at the risk of stalling at a local minimum of ‖f‖ that is not a root;
    - ``bracket=(a, b)`` (scalars only), f(a) and f(b) of opposite signs: a Newton step
      leaving the bracket is replaced by bisection, and the bracket shrinks around the
      root, so the iteration cannot wander off.

    >>> from nabla.calculus.roots import newton
    >>> result = newton(lambda x: x ** 3 - 2 * x - 5, 2.0)   # Newton's own example (1669)
    >>> print(f"{result.x:.15f}", result.converged, result.nit)
    2.094551481542327 True 4
    """
    fc = _Counted(f, "newton")
    x = _as_start(x0, "newton")
    if bracket is not None and x.ndim:
        raise ValueError("newton: bracket=(a, b) is for one equation in one unknown; "
                         f"x0 has shape {x.shape}")
    _checked_value(fc(x), x, "newton")
    guard = None
    if bracket is not None:
        guard = _Bracket.checked(fc, bracket, "newton")
        if not guard.a <= x <= guard.b:
            raise ValueError(f"newton: x0 = {float(x)} lies outside the bracket "
                             f"[{guard.a}, {guard.b}]")
    history, moved = [x], np.inf

    def stop(converged, reason):
        return _done(x, fx, converged, len(history) - 1, history, fc.calls, reason)

    while True:
        fx, slope = _linearize(fc, x)
        if guard is not None:
            guard.shrink(x, fx)
        if not np.all(np.isfinite(fx)):
            return stop(False, f"f(x) is not finite at x = {x}")
        if _norm(fx) <= tol:
            return stop(True, f"‖f(x)‖ = {_norm(fx):.1e} ≤ tol")
        if moved <= xtol * max(1.0, _norm(x)):
            return stop(True, f"the last step, {moved:.1e}, is below xtol·max(1, ‖x‖)")
        if len(history) > maxiter:
            return stop(False, f"maxiter = {maxiter} steps without convergence "
                               f"(‖f(x)‖ = {_norm(fx):.1e})")
        step = _newton_step(fx, slope)
        if guard is not None:
            new = guard.guard(None if step is None else x - step)
        elif step is None:
            return stop(False, f"f'(x) = 0 at x = {x}: the tangent is horizontal" if x.ndim == 0
                        else f"the Jacobian is singular at x = {x}")
        elif damping:
            new = _backtrack(fc, x, fx, step)
            if new is None:
                return stop(False, "backtracking could not reduce ‖f‖ along the Newton step: "
                                   "x is near a local minimum of ‖f‖ that is not a root")
        else:
            new = x - step
        if not np.all(np.isfinite(new)):
            return stop(False, "the iterates diverged to infinity")
        moved, x = _norm(new - x), new
        history.append(x)


# --------------------------------------------------------------------------------------
# Secant and bisection
# --------------------------------------------------------------------------------------


def secant(f, x0, x1, *, tol=1e-12, xtol=1e-12, maxiter=50):
    """A root of a scalar ``f`` by the secant method: Newton with the derivative replaced
    by the slope through the last two iterates,

        x_{k+1} = x_k − f(x_k)·(x_k − x_{k−1}) / (f(x_k) − f(x_{k−1})).

    No derivative is needed; near a simple root the order of convergence is the golden
    ratio (1+√5)/2 ≈ 1.618. Stops as :func:`newton` does (``tol`` on |f|, ``xtol`` on the
    step, ``maxiter``), or, not converged, when the secant is horizontal
    (f(x_k) = f(x_{k−1})). ``history`` starts with x0 and x1.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.roots import secant
    >>> result = secant(lambda x: np.cos(x) - x, 0.0, 1.0)
    >>> print(f"{result.x:.12f}", result.converged)
    0.739085133215 True
    """
    fc = _Counted(f, "secant")
    prev = _as_start(x0, "secant", "x0", vectors=False)
    x = _as_start(x1, "secant", "x1", vectors=False)
    if prev == x:
        raise ValueError(f"secant: x0 and x1 must differ (both are {float(x)}): the first "
                         "secant needs two points")
    f_prev = _checked_value(fc(prev), prev, "secant")
    fx = _checked_value(fc(x), x, "secant")
    history, moved = [prev, x], np.inf

    def stop(converged, reason):
        return _done(x, fx, converged, len(history) - 2, history, fc.calls, reason)

    while True:
        if not np.isfinite(fx):
            return stop(False, f"f(x) is not finite at x = {x}")
        if abs(fx) <= tol:
            return stop(True, f"|f(x)| = {abs(fx):.1e} ≤ tol")
        if moved <= xtol * max(1.0, abs(x)):
            return stop(True, f"the last step, {moved:.1e}, is below xtol·max(1, |x|)")
        if len(history) - 2 >= maxiter:
            return stop(False, f"maxiter = {maxiter} steps without convergence "
                               f"(|f(x)| = {abs(fx):.1e})")
        if fx == f_prev:
            return stop(False, f"f takes the same value {float(fx):.6g} at the last two "
                               "points: the secant is horizontal")
        new = x - fx * (x - prev) / (fx - f_prev)
        if not np.isfinite(new):
            return stop(False, "the iterates diverged to infinity")
        moved, prev, f_prev, x = abs(new - x), x, fx, new
        fx = _checked_value(fc(x), x, "secant")
        history.append(x)


def bisect(f, a, b, *, tol=1e-12, xtol=1e-12, maxiter=100):
    """A root of a continuous scalar ``f`` in [a, b] by bisection.

    If f(a) and f(b) have opposite signs, f has a root between them (intermediate value
    theorem); f at the midpoint m = (a + b)/2 has the sign of one end, and the half with
    the sign change is kept. After k steps the root is known to within (b − a)/2^k.
    Stops, converged, when |f(m)| ≤ ``tol``, the bracket is at most ``xtol·max(1, |m|)``
    wide, or it cannot be halved further in floating point; not converged after
    ``maxiter`` steps. ``history`` holds the midpoints. A bracket without a sign change
    raises ``ValueError``.

    >>> from nabla.calculus.roots import bisect
    >>> result = bisect(lambda x: x ** 2 - 2, 0.0, 2.0)
    >>> print(f"{result.x:.12f}", result.converged, result.nit)
    1.414213562373 True 39
    """
    fc = _Counted(f, "bisect")
    guard = _Bracket.checked(fc, (a, b), "bisect")
    for end, f_end in ((guard.a, guard.fa), (guard.b, guard.fb)):
        if f_end == 0:
            return _done(end, f_end, True, 0, [], fc.calls, "f is zero at an end of the bracket")
    history = []
    while True:
        m = (guard.a + guard.b) / 2
        if not guard.a < m < guard.b:  # a and b are neighbouring floats
            end, f_end = (guard.a, guard.fa) if m <= guard.a else (guard.b, guard.fb)
            return _done(end, f_end, True, len(history), history, fc.calls,
                         "the bracket cannot be halved further in floating point")
        fm = float(_checked_value(fc(np.float64(m)), np.float64(m), "bisect"))
        history.append(m)
        guard.shrink(m, fm)
        verdict = _bisection_verdict(m, fm, guard.b - guard.a, len(history), tol, xtol, maxiter)
        if verdict is not None:
            converged, reason = verdict
            return _done(m, fm, converged, len(history), history, fc.calls, reason)


def _bisection_verdict(m, fm, width, steps, tol, xtol, maxiter):
    """``(converged, reason)`` if bisection stops after evaluating f(m), else None."""
    if not np.isfinite(fm):
        return False, f"f(m) is not finite at m = {m}: is f continuous on [a, b]?"
    if abs(fm) <= tol:
        return True, f"|f(m)| = {abs(fm):.1e} ≤ tol"
    if width <= xtol * max(1.0, abs(m)):
        return True, f"the bracket, {width:.1e} wide, is below xtol·max(1, |m|)"
    if steps >= maxiter:
        return False, f"maxiter = {maxiter} halvings without convergence ({width:.1e} wide)"
    return None
