"""``derivative`` and ``gradient``: the result, simplified, with the worked steps.

The steps come from nabla's rule engine (:mod:`nabla.calculus.symbolic.rules`); SymPy
represents the expressions and simplifies the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from nabla.calculus.symbolic.parse import to_expression, to_symbol
from nabla.calculus.symbolic.rules import Step, differentiate

__all__ = ["DerivativeResult", "GradientResult", "derivative", "gradient"]


@dataclass(frozen=True)
class DerivativeResult:
    """``dⁿ expr / d variableⁿ``, simplified (``result``), and the ``steps`` that derive it.

    ``str()`` reads as a worked solution, one line per rule applied; ``latex`` is the
    result in LaTeX.
    """

    expr: sympy.Expr
    variable: sympy.Symbol
    order: int
    result: sympy.Expr
    steps: tuple[Step, ...]

    @property
    def latex(self):
        return sympy.latex(self.result)

    def __str__(self):
        x, n = self.variable, self.order
        head = f"d/d{x}" if n == 1 else f"d^{n}/d{x}^{n}"
        lines = [f"{head}({self.expr}):"]
        for k in range(1, n + 1):
            steps = [s for s in self.steps if s.order == k]
            if n > 1:
                lines.append(f"derivative {k}:")
            lines += [f"  {step}" for step in steps]
            answer = self.result if k == n else self._simplified(k)
            lines.append(f"  = {answer}")
        return "\n".join(lines)

    def _simplified(self, k):
        """The simplified ``k``-th derivative: what the first step of order ``k + 1`` takes."""
        return next(s.expr for s in self.steps if s.order == k + 1 and s.depth == 0)


@dataclass(frozen=True)
class GradientResult:
    """The partial derivatives of ``expr`` in each of ``variables``, each a
    :class:`DerivativeResult` with its steps; ``result`` is the tuple of them."""

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    partials: tuple[DerivativeResult, ...]

    @property
    def result(self):
        return tuple(p.result for p in self.partials)

    @property
    def latex(self):
        return sympy.latex(sympy.Matrix(self.result))

    def __str__(self):
        names = ", ".join(map(str, self.variables))
        lines = [f"gradient of {self.expr} in ({names}) = {self.result}"]
        lines += [str(p) for p in self.partials]
        return "\n".join(lines)


def derivative(expr, var="x", order=1):
    """The ``order``-th derivative of ``expr`` in ``var``, with the steps that derive it.

    ``expr`` is a string (SymPy's names: ``E``, ``pi``, ``asin``, ``log(x, b)``, ``^`` or
    ``**`` for powers; parsed safely, see :func:`~nabla.calculus.symbolic.parse.parse`) or
    a SymPy expression. Other symbols are constants, so ``var="y"`` gives the partial
    derivative ∂/∂y. For ``order=n`` the rules are applied n times, each time to the
    simplified previous derivative: f⁽ⁿ⁾ = d/dx f⁽ⁿ⁻¹⁾.

    The result is simplified as follows: the shortest (by SymPy's ``count_ops``) of
    SymPy's ``factor``, ``cancel`` and ``factor_terms`` forms that brings in no function
    the rules' answer did not have, unless the rules' own form is at most one operation
    longer (it reads as the worked answer: ``x**2*cos(x) + 2*x*sin(x)`` rather than
    ``x*(x*cos(x) + 2*sin(x))``). ``sympy.simplify`` is not used: its time is unbounded
    (minutes for some derivatives of twenty operations). Rational simplification grows
    with size too, so a derivative of more than ``SIMPLIFY_MAX_OPS`` (200) operations,
    or whose integer exponents add up to more than ``SIMPLIFY_MAX_DEGREE`` (100), is
    left as the rules build it.

    >>> d = derivative("x^2 * sin(x)")
    >>> d.result
    x**2*cos(x) + 2*x*sin(x)
    >>> [step.rule for step in d.steps]
    ['product', 'power', 'trig']
    >>> print(d)
    d/dx(x**2*sin(x)):
      product: d/dx(x**2*sin(x)) = x**2*cos(x) + 2*x*sin(x)    [(f*g)' = f'*g + f*g']
        power: d/dx(x**2) = 2*x    [(x**n)' = n*x**(n - 1)]
        trig: d/dx(sin(x)) = cos(x)    [sin(u)' = cos(u)]
      = x**2*cos(x) + 2*x*sin(x)
    >>> derivative("x**3 * y", var="y").result, derivative("x**3", order=2).result
    (x**3, 6*x)
    """
    expr = to_expression(expr)
    x = to_symbol(var, expr)
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a positive integer, not {order!r}")
    current, steps = expr, []
    for k in range(1, order + 1):
        raw, new_steps = differentiate(current, x, order=k)
        current = _simplify(raw)
        steps += new_steps
    return DerivativeResult(expr, x, order, current, tuple(steps))


def gradient(expr, vars=None):
    """The gradient ∇f = (∂f/∂x₁, …, ∂f/∂xₙ) of ``expr`` in ``vars`` (names or symbols;
    by default every symbol of ``expr``, sorted by name), each partial with its steps.

    >>> g = gradient("x^2 * y + sin(y)", ["x", "y"])
    >>> g.result
    (2*x*y, x**2 + cos(y))
    """
    expr = to_expression(expr)
    if vars is None:
        vars = sorted(expr.free_symbols, key=lambda s: s.name)
    elif isinstance(vars, (str, sympy.Symbol)):
        vars = [vars]
    variables = tuple(to_symbol(v, expr) for v in vars)
    if not variables:
        raise ValueError(f"{expr} has no variables to take the gradient in; pass vars")
    partials = tuple(derivative(expr, v) for v in variables)
    return GradientResult(expr, variables, partials)


# Simplification costs grow fast with size (many factors, high powers): larger
# derivatives are shown as the rules build them.
SIMPLIFY_MAX_OPS = 200
SIMPLIFY_MAX_DEGREE = 100


def _functions(expr):
    return {e.func for e in sympy.preorder_traversal(expr) if isinstance(e, sympy.Function)}


def _degree(expr):
    """The sum of the integer exponents in ``expr``: what expanding it would cost."""
    return sum(abs(int(e.exp)) for e in sympy.preorder_traversal(expr)
               if e.is_Pow and e.exp.is_Integer)


def _simplify(raw):
    """The form of ``raw`` to show as the answer (see :func:`derivative`)."""
    if sympy.count_ops(raw) > SIMPLIFY_MAX_OPS or _degree(raw) > SIMPLIFY_MAX_DEGREE:
        return raw
    known = _functions(raw)

    def cost(candidate):
        return sympy.count_ops(candidate) + 1000 * len(_functions(candidate) - known)

    shortest = min((sympy.factor(raw), sympy.cancel(raw), sympy.factor_terms(raw)), key=cost)
    return raw if cost(raw) <= cost(shortest) + 1 else shortest
