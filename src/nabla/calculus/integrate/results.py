"""What the integration methods return: objects with named fields, never bare tuples.

Every result has ``value`` (differentiable: computed with ``nabla.numpy`` from the values
of the integrand, so ``nabla.grad`` of a function that returns it works), ``error`` (a
plain number: an estimate of ``|value - integral|``) and ``neval`` (how many points the
integrand was evaluated at).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as onp


@dataclass(frozen=True)
class RuleResult:
    """A fixed rule ``value = Σ weights[i] · f(nodes[i])`` with ``n`` subintervals (or nodes).

    ``error`` compares the rule with the same rule on a coarser grid (``inf`` when there is
    none); ``nodes`` and ``weights`` are the rule's own, on ``[a, b]``.
    """

    value: Any
    error: float
    neval: int
    rule: str
    n: int
    nodes: onp.ndarray
    weights: onp.ndarray


@dataclass(frozen=True)
class QuadResult:
    """An adaptive integral: ``success`` says whether ``error`` met the requested tolerance,
    ``message`` says why the subdivision stopped, ``intervals`` (shape ``(k, 2)``, sorted)
    are the subintervals of the final partition (for ``dblquad``, of the outer integral)."""

    value: Any
    error: float
    neval: int
    success: bool
    message: str
    intervals: onp.ndarray


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo estimate; ``error`` is its standard error ``V·s/√n`` (one standard
    deviation of the estimator), ``neval`` the number of random points ``n``."""

    value: Any
    error: float
    neval: int
