"""Integration, from Riemann sums to adaptive Gauss–Kronrod quadrature, differentiable.

==================================  ===================================================
:func:`riemann`                     left, right and midpoint Riemann sums
:func:`trapezoid`, :func:`simpson`  the composite Newton–Cotes rules
:func:`gauss_legendre`              Gauss–Legendre quadrature with ``n`` nodes
:func:`quad`                        adaptive Gauss–Kronrod (QUADPACK's QAGS/QAGI):
                                    tolerances, error estimate, infinite limits,
                                    end-point singularities
:func:`dblquad`                     double integrals (SciPy's argument order)
:func:`monte_carlo`                 Monte Carlo with a standard error
:func:`convergence`                 the error of a rule against ``n``, and its order
==================================  ===================================================

Integrands are functions of an *array* of points, returning one value per point. Every
method computes its value with ``nabla.numpy``, so the integral can be differentiated
with respect to parameters of the integrand and to the limits (Leibniz's rule), and the
derivative is the exact derivative of the quadrature formula used. Results are objects
with ``value``, ``error`` and ``neval``.

>>> import nabla, nabla.numpy as np
>>> from nabla.calculus import integrate
>>> round(float(integrate.quad(lambda x: 1 / (1 + x ** 2), 0.0, np.inf).value), 14)  # π/2
1.5707963267949
>>> d = nabla.grad(lambda s: integrate.quad(lambda x: np.exp(-x ** 2 / (2 * s ** 2)),
...                                         -np.inf, np.inf).value)
>>> round(float(d(1.0)), 14)                                              # d/dσ √(2π)σ
2.506628274631
"""

from nabla.calculus.integrate.adaptive import quad
from nabla.calculus.integrate.double import dblquad
from nabla.calculus.integrate.fixed import gauss_legendre, riemann, simpson, trapezoid
from nabla.calculus.integrate.montecarlo import monte_carlo
from nabla.calculus.integrate.results import MonteCarloResult, QuadResult, RuleResult
from nabla.calculus.integrate.table import ConvergenceTable, convergence

__all__ = [
    "ConvergenceTable",
    "MonteCarloResult",
    "QuadResult",
    "RuleResult",
    "convergence",
    "dblquad",
    "gauss_legendre",
    "monte_carlo",
    "quad",
    "riemann",
    "simpson",
    "trapezoid",
]
