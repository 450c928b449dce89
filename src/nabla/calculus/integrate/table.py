r"""How fast a rule converges: the error against ``n``, and its order.

A rule of order ``p`` has error :math:`E_n \approx C n^{-p}`: a straight line of slope
``−p`` on log–log axes, and each doubling of ``n`` divides the error by :math:`2^p`. The
*observed order* between two rows is :math:`\log(E_{n_1}/E_{n_2}) / \log(n_2/n_1)`; the
fitted ``order`` is the least-squares slope of :math:`-\log E` against :math:`\log n`.
Gauss–Legendre converges faster than any power for analytic integrands,
:math:`E_n \approx C e^{-r n}` (its observed orders keep growing); ``rate`` is the fitted
``r`` (the slope of :math:`-\log E` against ``n``), and the table says which of the two
lines fits better. Errors at the level of roundoff (``1000 ε`` times the size of the
values) are left out of the fits.

>>> import nabla.numpy as np
>>> table = convergence(np.exp, 0.0, 1.0, "simpson", [4, 8, 16, 32])
>>> round(float(table.order), 1)
4.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as onp

from nabla.calculus.integrate.adaptive import quad
from nabla.calculus.integrate.fixed import RULES, apply_rule
from nabla.calculus.integrate.integrand import check_count
from nabla.core import concrete

_EPS = onp.finfo(float).eps


@dataclass(frozen=True)
class ConvergenceTable:
    """The error of ``rule`` for each ``n``: ``value[i]`` and ``error[i] = |value[i] −
    reference|``; ``order`` and ``rate`` fitted as the module explains, ``exponential``
    whether ``e^(−r n)`` fits better than ``n^(−p)``."""

    rule: str
    n: onp.ndarray
    value: onp.ndarray
    error: onp.ndarray
    order: float
    rate: float
    exponential: bool
    reference: float
    reference_error: float
    roundoff: float

    def observed_orders(self):
        """``log(E_i−1 / E_i) / log(n_i / n_i−1)`` for each row after the first (NaN where
        either error is at the level of roundoff, ``error <= roundoff``)."""
        with onp.errstate(divide="ignore", invalid="ignore"):
            orders = onp.log(self.error[:-1] / self.error[1:]) / onp.log(self.n[1:] / self.n[:-1])
        resolved = self.error > self.roundoff
        return onp.where(resolved[:-1] & resolved[1:], orders, onp.nan)

    def __str__(self):
        lines = [f"convergence of {self.rule} (reference {self.reference!r}, "
                 f"± {self.reference_error:.1e})",
                 f"{'n':>8}  {'value':>22}  {'error':>9}  {'observed order':>14}"]
        observed = ["", *("roundoff" if onp.isnan(p) else f"{p:.2f}"
                          for p in self.observed_orders())]
        for n, value, error, p in zip(self.n, self.value, self.error, observed):
            lines.append(f"{n:>8}  {value:>22.16g}  {error:>9.2e}  {p:>14}")
        if self.exponential:
            lines.append(f"error ≈ C·exp(−{self.rate:.3g}·n): exponential convergence")
        else:
            lines.append(f"error ≈ C·n^−{self.order:.2f}: order {self.order:.2f}")
        return "\n".join(lines)


def convergence(f, a, b, rule, ns, *, exact=None):
    """The :class:`ConvergenceTable` of ``rule`` on :math:`\\int_a^b f` for each ``n`` in ``ns``.

    ``rule`` is the name of a fixed rule (``"left"``, ``"right"``, ``"midpoint"``,
    ``"trapezoid"``, ``"simpson"``, ``"gauss_legendre"``) or a function ``rule(f, a, b,
    n)`` returning a result with ``.value``. The errors are measured against ``exact``,
    or else against ``quad`` at a tolerance of ``1e-13`` (its error estimate is kept as
    ``reference_error``). ``print(table)`` shows the table.

    >>> import nabla.numpy as np
    >>> t = convergence(np.exp, 0.0, 1.0, "trapezoid", [10, 20, 40], exact=np.e - 1)
    >>> print(t)
    convergence of trapezoid (reference 1.718281828459045, ± 0.0e+00)
           n                   value      error  observed order
          10       1.719713491389315   1.43e-03
          20       1.718639788925221   3.58e-04            2.00
          40       1.718371321372064   8.95e-05            2.00
    error ≈ C·n^−2.00: order 2.00
    """
    if isinstance(rule, str):
        if rule not in RULES:
            raise ValueError(f"rule must be one of {tuple(RULES)} or a function "
                             f"rule(f, a, b, n), got {rule!r}")
        name = rule
        rule = lambda f, a, b, n: apply_rule(name, f, a, b, n)
    elif callable(rule):
        name = getattr(rule, "__name__", repr(rule))
    else:
        raise TypeError(f"rule must be a rule's name or a function, got {type(rule).__name__}")
    ns = onp.array([check_count(n, "each n") for n in ns], dtype=int)
    if ns.size == 0:
        raise ValueError("ns must hold at least one n")
    if exact is None:
        reference = quad(f, a, b, epsabs=0.0, epsrel=1e-13, limit=200)
        exact, reference_error = float(concrete(reference.value)), reference.error
    else:
        exact, reference_error = float(exact), 0.0
    values = onp.array([float(concrete(rule(f, a, b, int(n)).value)) for n in ns])
    errors = onp.abs(values - exact)
    roundoff = 1e3 * _EPS * max(abs(exact), *abs(values))
    order, rate, exponential = _fit(ns, errors, roundoff)
    return ConvergenceTable(name, ns, values, errors, order, rate, exponential, exact,
                            reference_error, roundoff)


def _fit(ns, errors, floor):
    """``(order, rate, exponential)``: slopes of ``−log E`` against ``log n`` and against
    ``n``, over the errors above ``floor``, and whether the second line fits better."""
    keep = errors > floor
    if keep.sum() < 2:
        return onp.nan, onp.nan, False
    y = onp.log(errors[keep])
    (slope_log, _), residual_log = _line(onp.log(ns[keep]), y)
    (slope_lin, _), residual_lin = _line(ns[keep].astype(float), y)
    return -slope_log, -slope_lin, bool(residual_lin < residual_log)


def _line(x, y):
    coefficients = onp.polyfit(x, y, 1)
    return coefficients, float(onp.sum((onp.polyval(coefficients, x) - y) ** 2))
