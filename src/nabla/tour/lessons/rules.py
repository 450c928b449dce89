"""Lesson 2: the rules of differentiation, worked step by step (needs SymPy)."""

from __future__ import annotations

import math

import nabla
import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "rules"
TITLE = "Derivative rules, step by step"
EXAMPLES = {
    "power": "x**5",
    "product": "x**2*sin(x)",
    "quotient": "sin(x)/x",
    "chain": "exp(-x**2/2)",
}
AT = 1.3

CODE = """\
from nabla.calculus.symbolic import derivative
d = derivative("x**2*sin(x)")
d.result                     # x**2*cos(x) + 2*x*sin(x)
[s.rule for s in d.steps]    # ['product', 'power', 'trig']
print(d)                     # the worked steps"""


def run(out, quick=False):
    from nabla.calculus.symbolic import derivative, to_function
    from nabla.plot import function_and_derivative
    from nabla.tour.report import save

    numbers = {}
    for rule, expr in EXAMPLES.items():
        d = derivative(expr)
        numbers[f"{rule} rule: d/dx {expr}"] = str(d.result)
        numbers[f"{rule} rule: steps"] = str(d)
        f = to_function(str(d.result))
        numbers[f"{rule} rule: derivative at x = {AT}"] = float(f(AT))
    bell = to_function(EXAMPLES["chain"])
    fig = function_and_derivative(bell, -4.0, 4.0, name="exp(−x²/2)")
    figures = [save(fig, out, f"{NAME}-chain.png")]
    numbers["chain rule: nabla.grad of exp(−x²/2) at 1.3"] = float(
        nabla.grad(lambda x: np.exp(-x ** 2 / 2))(AT))
    numbers["chain rule: exact −x·exp(−x²/2) at 1.3"] = -AT * math.exp(-AT ** 2 / 2)
    return Lesson(
        NAME, TITLE,
        "Every derivative is built from a few rules: the power rule (xⁿ)' = n·xⁿ⁻¹, the "
        "product rule (fg)' = f'g + fg', the quotient rule (f/g)' = (f'g − fg')/g², and the "
        "chain rule (f∘g)' = f'(g)·g'. nabla's symbolic engine applies them one at a time "
        "and records each step, so the worked derivation can be read back. The chain rule is "
        "the one that matters most in machine learning: backpropagation is the chain rule "
        "applied through a whole network.",
        CODE, numbers, figures)
