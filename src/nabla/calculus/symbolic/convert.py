"""From formulas to code and back: :func:`to_function` and :func:`formula`.

``to_function`` walks a SymPy expression tree and maps each node to a ``nabla.numpy``
function (no strings, no ``eval``, no ``lambdify``), so the function it returns can be
differentiated by :func:`nabla.grad` and compared with the symbolic derivative.

``formula`` goes the other way: it calls a Python function on :class:`Symbolic` values,
which build SymPy expressions from operators and from NumPy's ufuncs (``nabla.numpy``
functions reach them through NumPy's dispatch, NEP 13), and returns the formula the code
computes.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import operator

import numpy
import sympy

import nabla.numpy as np
from nabla.calculus.symbolic.derivatives import DerivativeResult, GradientResult
from nabla.calculus.symbolic.parse import to_expression, to_symbol

__all__ = ["to_function", "formula", "Symbolic"]

# SymPy function -> the nabla.numpy function that computes it (elementwise, real).
NABLA_FUNCTIONS = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.cot: lambda u: 1 / np.tan(u),
    sympy.sec: lambda u: 1 / np.cos(u),
    sympy.csc: lambda u: 1 / np.sin(u),
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.acot: lambda u: np.arctan(1 / u),
    sympy.asec: lambda u: np.arccos(1 / u),
    sympy.acsc: lambda u: np.arcsin(1 / u),
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.coth: lambda u: 1 / np.tanh(u),
    sympy.sech: lambda u: 1 / np.cosh(u),
    sympy.csch: lambda u: 1 / np.sinh(u),
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.acoth: lambda u: np.arctanh(1 / u),
    sympy.asech: lambda u: np.arccosh(1 / u),
    sympy.acsch: lambda u: np.arcsinh(1 / u),
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
    sympy.atan2: np.arctan2,
    sympy.Max: np.maximum,
    sympy.Min: np.minimum,
}

# NumPy ufunc name -> the SymPy expression it computes, for formula().
SYMPY_UFUNCS = {
    "add": operator.add,
    "subtract": operator.sub,
    "multiply": operator.mul,
    "divide": operator.truediv,
    "negative": operator.neg,
    "positive": operator.pos,
    "power": operator.pow,
    "float_power": operator.pow,
    "square": lambda a: a**2,
    "sqrt": sympy.sqrt,
    "reciprocal": lambda a: 1 / a,
    "exp": sympy.exp,
    "exp2": lambda a: 2**a,
    "expm1": lambda a: sympy.exp(a) - 1,
    "log": sympy.log,
    "log2": lambda a: sympy.log(a, 2),
    "log10": lambda a: sympy.log(a, 10),
    "log1p": lambda a: sympy.log(1 + a),
    "logaddexp": lambda a, b: sympy.log(sympy.exp(a) + sympy.exp(b)),
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "arctan2": sympy.atan2,
    "hypot": lambda a, b: sympy.sqrt(a**2 + b**2),
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "arcsinh": sympy.asinh,
    "arccosh": sympy.acosh,
    "arctanh": sympy.atanh,
    "absolute": sympy.Abs,
    "fabs": sympy.Abs,
    "sign": sympy.sign,
    "maximum": sympy.Max,
    "minimum": sympy.Min,
}


def to_function(result, vars=None):
    """A Python function computing ``result`` with ``nabla.numpy``, so it can be
    differentiated, vectorized and traced like any nabla code.

    ``result`` is a SymPy expression, a string, a :class:`DerivativeResult` (its
    ``result``) or a :class:`GradientResult` (the function then returns a tuple). ``vars``
    (names or symbols) are the positional arguments, by default every symbol sorted by
    name. Each SymPy node maps to its ``nabla.numpy`` function (``Add`` → ``add``,
    ``Pow`` → ``power``/``sqrt``, ``asin`` → ``arcsin``, ``sec u`` → ``1/cos u``, ...);
    numbers become floats (integer exponents stay integers, so x**3 is exact at x < 0).

    >>> import nabla
    >>> from nabla.calculus.symbolic import derivative
    >>> d = derivative("x**2 * sin(x)")
    >>> f, df = to_function(d.expr), to_function(d)
    >>> bool(abs(nabla.grad(f)(1.3) - df(1.3)) < 1e-12)
    True
    """
    if isinstance(result, GradientResult):
        expressions = list(result.result)
    elif isinstance(result, DerivativeResult):
        expressions = [result.result]
    else:
        expressions = [to_expression(result)]
    every = sympy.Tuple(*expressions)
    if vars is None:
        vars = sorted(every.free_symbols, key=lambda s: s.name)
    elif isinstance(vars, (str, sympy.Symbol)):
        vars = [vars]
    variables = [to_symbol(v, every) for v in vars]
    index = {v: i for i, v in enumerate(variables)}
    programs = [_compile(e, index) for e in expressions]
    single = not isinstance(result, GradientResult)

    def function(*args):
        if len(args) != len(variables):
            names = ", ".join(map(str, variables))
            raise TypeError(f"this function takes {len(variables)} argument(s) ({names}), "
                            f"not {len(args)}")
        values = tuple(program(args) for program in programs)
        return values[0] if single else values

    shown = expressions[0] if single else tuple(expressions)
    function.__doc__ = f"({', '.join(map(str, variables))}) -> {shown}"
    return function


def _compile(node, index):
    """``node`` as a function of the tuple of arguments, built from closures."""
    if node.is_Symbol:
        if node not in index:
            raise ValueError(f"{node} is not one of the variables "
                             f"{', '.join(map(str, index))}; pass it in vars")
        i = index[node]
        return lambda args: args[i]
    if node.is_Number or node.is_NumberSymbol:
        if not node.is_finite:
            raise ValueError(f"{node} is not a finite number")
        value = float(node)
        return lambda args: value
    if node.is_Add or node.is_Mul:
        parts = [_compile(a, index) for a in node.args]
        combine = np.add if node.is_Add else np.multiply
        return lambda args: functools.reduce(combine, [part(args) for part in parts])
    if node.is_Pow:
        return _compile_power(node, index)
    if node.func in NABLA_FUNCTIONS:
        function = NABLA_FUNCTIONS[node.func]
        parts = [_compile(a, index) for a in node.args]
        if len(parts) > 2 and node.func in (sympy.Max, sympy.Min):
            return lambda args: functools.reduce(function, [part(args) for part in parts])
        return lambda args: function(*[part(args) for part in parts])
    raise ValueError(f"to_function has no nabla.numpy function for {node.func.__name__} "
                     f"(in {node})")


def _compile_power(node, index):
    base = _compile(node.base, index)
    exponent = node.exp
    if exponent == sympy.S.Half:
        return lambda args: np.sqrt(base(args))
    if exponent == -sympy.S.Half:
        return lambda args: 1 / np.sqrt(base(args))
    if exponent.is_Integer:
        n = int(exponent)
        return lambda args: np.power(base(args), n)
    power = _compile(exponent, index)
    return lambda args: np.power(base(args), power(args))


class Symbolic:
    """A SymPy expression that Python operators and NumPy ufuncs build on; what
    :func:`formula` calls the function with.

    >>> x = Symbolic(sympy.Symbol("x"))
    >>> numpy.exp(2 * x + 1).expr
    exp(2*x + 1)
    """

    __slots__ = ("expr",)

    def __init__(self, expr):
        self.expr = expr

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs or ufunc.__name__ not in SYMPY_UFUNCS:
            raise TypeError(
                f"formula cannot trace numpy.{ufunc.__name__}"
                f"{'' if method == '__call__' else '.' + method}"
                f"{' with ' + ', '.join(kwargs) if kwargs else ''}; it follows the "
                f"elementwise functions {', '.join(sorted(SYMPY_UFUNCS))}")
        return Symbolic(SYMPY_UFUNCS[ufunc.__name__](*map(_sympy, inputs)))

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"formula cannot trace numpy.{func.__name__}: it traces scalar "
                        "functions written with elementwise math (operators and ufuncs)")

    def _refuse(self, *args):
        raise TypeError("formula cannot trace comparisons, branches or conversions to "
                        "float of its argument: the formula must be the same for every x "
                        "(use nabla.numpy functions instead of math and if)")

    __bool__ = __float__ = __int__ = __index__ = __complex__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse

    def __repr__(self):
        return f"Symbolic({self.expr})"


def _binary(op):
    forward = lambda self, other: Symbolic(op(self.expr, _sympy(other)))
    reflected = lambda self, other: Symbolic(op(_sympy(other), self.expr))
    return forward, reflected


for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("pow", operator.pow)]:
    _forward, _reflected = _binary(_op)
    setattr(Symbolic, f"__{_name}__", _forward)
    setattr(Symbolic, f"__r{_name}__", _reflected)
Symbolic.__neg__ = lambda self: Symbolic(-self.expr)
Symbolic.__pos__ = lambda self: self
Symbolic.__abs__ = lambda self: Symbolic(sympy.Abs(self.expr))


def _sympy(value):
    """``value`` (a :class:`Symbolic`, or a real number) as a SymPy expression.

    Floats that are whole numbers, simple fractions (denominator up to 1000), π or e
    become exact SymPy numbers (``0.5 * x`` is ``x/2``); other floats stay floats.
    """
    if isinstance(value, Symbolic):
        return value.expr
    if isinstance(value, numpy.ndarray) and value.ndim == 0 or isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"formula traces scalar functions; it met {type(value).__name__} "
                        f"{value!r}")
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    value = float(value)
    if value == math.pi:
        return sympy.pi
    if value == math.e:
        return sympy.E
    if value.is_integer():
        return sympy.Integer(int(value))
    fraction = sympy.Rational(value).limit_denominator(1000)
    return fraction if float(fraction) == value else sympy.Float(value)


def formula(f, n_args=1):
    """The formula the Python function ``f`` computes, as a SymPy expression.

    ``f`` is called once with ``n_args`` symbolic arguments, named after its parameters
    (else ``x, y, z`` or ``x1, …, xn``). Operators and NumPy's elementwise functions
    (``nabla.numpy.sin``, ``numpy.exp``, ``np.sqrt``, ...) build the expression; anything
    that needs a number (``math.sin``, ``if x > 0``) raises ``TypeError``. Differentiate
    the result with :func:`derivative` to see the formula of the gradient.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.symbolic import derivative
    >>> f = formula(lambda x: x**2 * np.sin(x))
    >>> f, derivative(f).result
    (x**2*sin(x), x**2*cos(x) + 2*x*sin(x))
    >>> formula(lambda w, b: np.tanh(0.5 * w + b), n_args=2)
    tanh(b + w/2)
    """
    if isinstance(n_args, bool) or not isinstance(n_args, int) or n_args < 1:
        raise ValueError(f"n_args must be a positive integer, not {n_args!r}")
    names = _argument_names(f, n_args)
    value = f(*(Symbolic(sympy.Symbol(name)) for name in names))
    return _sympy(value)


def _argument_names(f, n_args):
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= n_args and all(name.isidentifier() for name in positional):
        return positional[:n_args]
    if n_args <= 3:
        return ["x", "y", "z"][:n_args]
    return [f"x{i}" for i in range(1, n_args + 1)]
