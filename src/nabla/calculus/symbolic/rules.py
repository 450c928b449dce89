"""nabla's own rule engine: the rules of differentiation, applied one step at a time.

SymPy represents the expressions; the rules here decide how to take them apart, and every
rule applied is recorded as a :class:`Step` (its name, the sub-expression, its derivative).
The rules, by the shape of the expression ``e`` being differentiated in ``x``:

==============================  ========================================================
``e`` free of ``x``             **constant**: ``c' = 0``
``e = x``                       **identity**: ``x' = 1``
``f + g + ...``                 **sum**: ``(f + g)' = f' + g'``
``c·f`` (``c`` free of ``x``)   **constant multiple**: ``(c·f)' = c·f'``
``f·g·...``                     **product**: ``(f·g)' = f'·g + f·g'`` (any number of factors)
``f/g`` (SymPy: ``f·g**-1``)    **quotient**: ``(f/g)' = (f'·g − f·g')/g²``
``x**n``                        **power**: ``(xⁿ)' = n·xⁿ⁻¹``
``a**x``                        **exp**: ``(aˣ)' = aˣ·ln a``
``f**g``, both depending on x   **logarithmic differentiation**: ``(f^g)' = f^g·(g·ln f)'``
``F(x)`` for F in the table     the table's rule: **exp**, **log**, **trig**,
                                **inverse trig**, **hyperbolic**, **inverse hyperbolic**,
                                **absolute value**
``F(g)``, ``g**n``, ``a**g``    **chain**: ``F(g)' = F'(g)·g'``, recorded with a step for
                                the outer derivative ``F'(u)``, ``u = g``, and the steps
                                of the inner derivative ``g'``
==============================  ========================================================

A reciprocal ``1/g`` (``g`` not ``x`` itself) is taken by the quotient rule, which reads
better than the power rule with exponent −1: ``(1/g)' = −g'/g²``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

__all__ = ["Step", "differentiate", "FUNCTION_RULES", "LAWS"]

# The outer derivative F'(u) of each function F SymPy may hold, with the rule's name.
# (The inverse functions take SymPy's branches, so the results agree with sympy.diff.)
FUNCTION_RULES = {
    sympy.exp: ("exp", lambda u: sympy.exp(u)),
    sympy.log: ("log", lambda u: 1 / u),
    sympy.sin: ("trig", lambda u: sympy.cos(u)),
    sympy.cos: ("trig", lambda u: -sympy.sin(u)),
    sympy.tan: ("trig", lambda u: 1 + sympy.tan(u) ** 2),
    sympy.cot: ("trig", lambda u: -1 - sympy.cot(u) ** 2),
    sympy.sec: ("trig", lambda u: sympy.sec(u) * sympy.tan(u)),
    sympy.csc: ("trig", lambda u: -sympy.csc(u) * sympy.cot(u)),
    sympy.asin: ("inverse trig", lambda u: 1 / sympy.sqrt(1 - u**2)),
    sympy.acos: ("inverse trig", lambda u: -1 / sympy.sqrt(1 - u**2)),
    sympy.atan: ("inverse trig", lambda u: 1 / (1 + u**2)),
    sympy.acot: ("inverse trig", lambda u: -1 / (1 + u**2)),
    sympy.asec: ("inverse trig", lambda u: 1 / (u**2 * sympy.sqrt(1 - 1 / u**2))),
    sympy.acsc: ("inverse trig", lambda u: -1 / (u**2 * sympy.sqrt(1 - 1 / u**2))),
    sympy.sinh: ("hyperbolic", lambda u: sympy.cosh(u)),
    sympy.cosh: ("hyperbolic", lambda u: sympy.sinh(u)),
    sympy.tanh: ("hyperbolic", lambda u: 1 - sympy.tanh(u) ** 2),
    sympy.coth: ("hyperbolic", lambda u: 1 - sympy.coth(u) ** 2),
    sympy.sech: ("hyperbolic", lambda u: -sympy.sech(u) * sympy.tanh(u)),
    sympy.csch: ("hyperbolic", lambda u: -sympy.csch(u) * sympy.coth(u)),
    sympy.asinh: ("inverse hyperbolic", lambda u: 1 / sympy.sqrt(u**2 + 1)),
    sympy.acosh: ("inverse hyperbolic", lambda u: 1 / (sympy.sqrt(u - 1) * sympy.sqrt(u + 1))),
    sympy.atanh: ("inverse hyperbolic", lambda u: 1 / (1 - u**2)),
    sympy.acoth: ("inverse hyperbolic", lambda u: 1 / (1 - u**2)),
    sympy.asech: ("inverse hyperbolic", lambda u: -1 / (u * sympy.sqrt(1 - u**2))),
    sympy.acsch: ("inverse hyperbolic", lambda u: -1 / (u**2 * sympy.sqrt(1 + 1 / u**2))),
    sympy.Abs: ("absolute value", lambda u: sympy.sign(u)),  # for real u; |u|' = 0 at 0
}

# The general statement of each structural rule, as printed beside its steps.
LAWS = {
    "constant": "c' = 0",
    "identity": "x' = 1",
    "sum": "(f + g)' = f' + g'",
    "constant multiple": "(c*f)' = c*f'",
    "product": "(f*g)' = f'*g + f*g'",
    "quotient": "(f/g)' = (f'*g - f*g')/g**2",
    "power": "(x**n)' = n*x**(n - 1)",
    "exp": "(a**x)' = a**x*log(a)",
    "chain": "F(g)' = F'(g)*g'",
    "logarithmic differentiation": "(f**g)' = f**g*(g*log(f))'",
}


@dataclass(frozen=True)
class Step:
    """One rule applied: ``d/d(variable) expr = result`` by ``rule``.

    ``depth`` is how deep the step sits in the derivation (0 for the whole expression);
    ``law`` is the rule in general. The outer step of a chain rule differentiates in a
    placeholder ``variable`` ``u`` that stands for ``inner``; other steps have
    ``inner=None``. ``order`` counts the derivatives taken (2 for steps of ``f''``).
    """

    rule: str
    expr: sympy.Expr
    result: sympy.Expr
    variable: sympy.Symbol
    depth: int
    law: str
    inner: sympy.Expr | None = None
    order: int = 1

    def __str__(self):
        line = (f"{'  ' * self.depth}{self.rule}: d/d{self.variable}({self.expr}) = "
                f"{self.result}")
        if self.inner is not None:  # the line states the law itself, in u
            return f"{line}, {self.variable} = {self.inner}"
        return f"{line}    [{self.law}]"


def differentiate(expr, x, order=1):
    """The derivative of ``expr`` in the symbol ``x`` and the :class:`Step` s that built it.

    The result is as the rules assemble it, not simplified.

    >>> x = sympy.Symbol("x")
    >>> result, steps = differentiate(x**2 * sympy.sin(x), x)
    >>> result
    x**2*cos(x) + 2*x*sin(x)
    >>> [step.rule for step in steps]
    ['product', 'power', 'trig']
    """
    derivation = _Derivation(x, _placeholder(expr, x), order)
    return derivation.of(expr), tuple(derivation.steps)


def _placeholder(expr, x):
    """A symbol for the inner function of a chain that neither ``expr`` nor ``x`` use."""
    taken = {s.name for s in expr.free_symbols} | {x.name}
    for name in ("u", "v", "w", *(f"u{i}" for i in range(1, len(taken) + 2))):
        if name not in taken:
            return sympy.Symbol(name)


def _function_law(function):
    """The rule for ``function`` from the table, as a formula in ``u``."""
    u = sympy.Symbol("u")
    return f"{function(u)}' = {FUNCTION_RULES[function][1](u)}"


class _Derivation:
    """The derivative of one expression, recording a step for each rule it applies."""

    def __init__(self, x, u, order):
        self.x, self.u, self.order = x, u, order
        self.steps = []
        self.depth = 0

    def of(self, e):
        """``de/dx``, recording this rule's step before the steps of its parts."""
        slot = len(self.steps)
        self.steps.append(None)
        self.depth += 1
        try:
            rule, result = self._apply(e)
        finally:
            self.depth -= 1
        by_table = e.func in FUNCTION_RULES and FUNCTION_RULES[e.func][0] == rule
        law = _function_law(e.func) if by_table else LAWS[rule]
        self.steps[slot] = self._step(rule, e, result, law, depth=self.depth)
        return result

    def _step(self, rule, expr, result, law, depth, variable=None, inner=None):
        return Step(rule, expr, result, variable or self.x, depth, law, inner, self.order)

    def _apply(self, e):
        x = self.x
        if x not in e.free_symbols:
            return "constant", sympy.S.Zero
        if e == x:
            return "identity", sympy.S.One
        if e.is_Add:
            return "sum", sympy.Add(*[self.of(term) for term in e.args])
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            return self._pow(e)
        if e.func in FUNCTION_RULES and len(e.args) == 1:
            rule, outer = FUNCTION_RULES[e.func]
            return self._outer(rule, e.func, outer, e.args[0])
        raise ValueError(
            f"nabla's rule table has no rule for {e.func.__name__} (in {e}); it knows "
            f"+, -, *, /, powers and {', '.join(sorted(f.__name__ for f in FUNCTION_RULES))}"
        )

    def _mul(self, e):
        constant, f = e.as_independent(self.x, as_Add=False)
        if constant != 1:
            return "constant multiple", constant * self.of(f)
        numerator, denominator = [], []
        for factor in e.args:
            if factor.is_Pow and factor.exp.is_number and factor.exp.is_negative:
                denominator.append(factor.base ** -factor.exp)
            else:
                numerator.append(factor)
        if denominator:
            return self._quotient(sympy.Mul(*numerator), sympy.Mul(*denominator))
        derivatives = [self.of(factor) for factor in e.args]
        return "product", sympy.Add(*[
            sympy.Mul(*e.args[:i], d, *e.args[i + 1:]) for i, d in enumerate(derivatives)
        ])

    def _quotient(self, f, g):
        df, dg = self.of(f), self.of(g)
        return "quotient", (df * g - f * dg) / g**2

    def _pow(self, e):
        base, exponent = e.as_base_exp()
        x = self.x
        if x not in exponent.free_symbols:
            if exponent == -1 and base != x:
                return self._quotient(sympy.S.One, base)
            return self._outer("power", lambda u: u**exponent,
                               lambda u: exponent * u ** (exponent - 1), base)
        if x not in base.free_symbols:
            return self._outer("exp", lambda u: base**u,
                               lambda u: base**u * sympy.log(base), exponent)
        return "logarithmic differentiation", e * self.of(exponent * sympy.log(base))

    def _outer(self, rule, function, derivative, inner):
        """``F(inner)'``: the rule itself when ``inner`` is ``x``, else the chain rule."""
        if inner == self.x:
            return rule, derivative(inner)
        u = self.u
        law = _function_law(function) if function in FUNCTION_RULES else LAWS[rule]
        self.steps.append(self._step(rule, function(u), derivative(u), law,
                                     depth=self.depth, variable=u, inner=inner))
        return "chain", derivative(inner) * self.of(inner)
