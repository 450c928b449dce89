"""Derivatives as formulas, with the worked steps; needs SymPy (``pip install nabla[symbolic]``).

* :func:`derivative` — dⁿf/dxⁿ of a string or SymPy expression, simplified, with one
  :class:`Step` per rule of differentiation applied (nabla's own rule engine,
  :mod:`~nabla.calculus.symbolic.rules`); partial derivatives with ``var="y"``;
* :func:`gradient` — ∇f = (∂f/∂x₁, …, ∂f/∂xₙ), each partial with its steps;
* :func:`to_function` — a formula as a ``nabla.numpy`` function, to differentiate,
  plot or check against :func:`nabla.grad`;
* :func:`formula` — the formula a Python numeric function computes;
* :func:`parse` — text to SymPy without evaluating Python (strings are untrusted);
  anything else raises :class:`ParseError`.

>>> from nabla.calculus.symbolic import derivative
>>> d = derivative("1/(1 + exp(-x))")              # the sigmoid σ(x): σ' = σ·(1 − σ)
>>> d.result
exp(x)/(exp(x) + 1)**2
>>> sorted({step.rule for step in d.steps})
['chain', 'constant', 'constant multiple', 'exp', 'identity', 'quotient', 'sum']
"""

try:
    import sympy  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "nabla.calculus.symbolic needs SymPy; install it with: pip install nabla[symbolic]"
    ) from error

from nabla.calculus.symbolic.convert import Symbolic, formula, to_function
from nabla.calculus.symbolic.derivatives import (
    DerivativeResult,
    GradientResult,
    derivative,
    gradient,
)
from nabla.calculus.symbolic.parse import ParseError, parse
from nabla.calculus.symbolic.rules import Step

__all__ = [
    "DerivativeResult",
    "GradientResult",
    "ParseError",
    "Step",
    "Symbolic",
    "derivative",
    "formula",
    "gradient",
    "parse",
    "to_function",
]
