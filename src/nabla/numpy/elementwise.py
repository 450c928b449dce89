"""Elementwise functions, each given by its partial derivatives.

Read each line as a rule of calculus: the function, then ∂f/∂x (and ∂f/∂y for functions
of two arguments), written with the arguments and ``ans``, the function's value. The
core turns every line into both a reverse-mode rule (``g * ∂f/∂x``, summed back over
broadcast axes) and a forward-mode rule (``Σ tᵢ * ∂f/∂xᵢ``). ``1`` and ``-1`` are
constant partials; they cost nothing.

Conventions at kinks, as in NumPy/JAX: ``abs'(0) = 0``; where ``maximum``/``minimum`` tie,
each argument gets half; ``sqrt'(0) = inf``.
"""

from __future__ import annotations

import math

import numpy as np

from nabla.core import Tracer, concrete, elementwise, example_value, implements
from nabla.numpy._api import composite, constant, refuse_unsupported
from nabla.numpy.nondiff import floor, sign, signbit, trunc

__all__ = [
    "add",
    "subtract",
    "negative",
    "positive",
    "multiply",
    "divide",
    "true_divide",
    "reciprocal",
    "square",
    "sqrt",
    "cbrt",
    "power",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "absolute",
    "abs",
    "maximum",
    "minimum",
    "where",
    "clip",
    "float_power",
    "remainder",
    "mod",
    "fmod",
    "logaddexp2",
    "hypot",
    "arctan2",
    "deg2rad",
    "rad2deg",
    "radians",
    "degrees",
    "sinc",
    "fmax",
    "fmin",
    "fabs",
    "copysign",
    "nan_to_num",
    "acos",
    "asin",
    "atan",
    "acosh",
    "asinh",
    "atanh",
    "atan2",
    "pow",
    "ldexp",
    "real",
    "imag",
    "conj",
    "conjugate",
]


def _rule(numpy_function, *partials):
    """The differentiable version of an elementwise NumPy function, from its partials."""
    return implements(numpy_function)(elementwise(numpy_function, *partials))


# --- arithmetic ------------------------------------------------------------------------
add = _rule(np.add, 1, 1)
subtract = _rule(np.subtract, 1, -1)
negative = _rule(np.negative, -1)
positive = _rule(np.positive, 1)
multiply = _rule(np.multiply, lambda x, y, ans: y, lambda x, y, ans: x)
divide = _rule(np.divide, lambda x, y, ans: 1 / y, lambda x, y, ans: -ans / y)
reciprocal = _rule(np.reciprocal, lambda x, ans: -(ans * ans))
square = _rule(np.square, lambda x, ans: 2 * x)
sqrt = _rule(np.sqrt, lambda x, ans: 0.5 / ans)
cbrt = _rule(np.cbrt, lambda x, ans: 1 / (3 * ans * ans))


def _power_dx(x, y, ans):
    # y·x^(y−1); an integer power keeps x^(y−1) exact at x = 0
    return y * x ** (y - 1)


def _power_dy(x, y, ans):
    # log(x)·x^y, taken as 0 where x = 0 (x^y is flat in y there for y > 0)
    zero = x == 0
    return where(zero, 0.0, log(where(zero, 1.0, x)) * ans)


power = _rule(np.power, _power_dx, _power_dy)
float_power = _rule(np.float_power, _power_dx, _power_dy)
# x mod y = x − floor(x/y)·y  (and fmod with trunc): piecewise linear, jumps where x/y is whole
remainder = _rule(np.remainder, 1, lambda x, y, ans: -floor(x / y))
fmod = _rule(np.fmod, 1, lambda x, y, ans: -trunc(x / y))

# --- exponentials and logarithms -------------------------------------------------------
exp = _rule(np.exp, lambda x, ans: ans)
exp2 = _rule(np.exp2, lambda x, ans: ans * math.log(2))
expm1 = _rule(np.expm1, lambda x, ans: ans + 1)
log = _rule(np.log, lambda x, ans: 1 / x)
log2 = _rule(np.log2, lambda x, ans: 1 / (x * math.log(2)))
log10 = _rule(np.log10, lambda x, ans: 1 / (x * math.log(10)))
log1p = _rule(np.log1p, lambda x, ans: 1 / (1 + x))
logaddexp = _rule(
    np.logaddexp, lambda x, y, ans: exp(x - ans), lambda x, y, ans: exp(y - ans)
)
logaddexp2 = _rule(
    np.logaddexp2, lambda x, y, ans: exp2(x - ans), lambda x, y, ans: exp2(y - ans)
)

# --- trigonometric and hyperbolic ------------------------------------------------------
sin = _rule(np.sin, lambda x, ans: cos(x))
cos = _rule(np.cos, lambda x, ans: -sin(x))
tan = _rule(np.tan, lambda x, ans: 1 + ans * ans)
arcsin = _rule(np.arcsin, lambda x, ans: 1 / sqrt(1 - x * x))
arccos = _rule(np.arccos, lambda x, ans: -1 / sqrt(1 - x * x))
arctan = _rule(np.arctan, lambda x, ans: 1 / (1 + x * x))
sinh = _rule(np.sinh, lambda x, ans: cosh(x))
cosh = _rule(np.cosh, lambda x, ans: sinh(x))
tanh = _rule(np.tanh, lambda x, ans: 1 - ans * ans)
arcsinh = _rule(np.arcsinh, lambda x, ans: 1 / sqrt(x * x + 1))
arccosh = _rule(np.arccosh, lambda x, ans: 1 / sqrt(x * x - 1))
arctanh = _rule(np.arctanh, lambda x, ans: 1 / (1 - x * x))
arctan2 = _rule(np.arctan2, lambda y, x, ans: x / (x * x + y * y),
                lambda y, x, ans: -y / (x * x + y * y))
hypot = _rule(np.hypot, lambda x, y, ans: x / ans, lambda x, y, ans: y / ans)
deg2rad = _rule(np.deg2rad, lambda x, ans: math.pi / 180)
rad2deg = _rule(np.rad2deg, lambda x, ans: 180 / math.pi)
radians = implements(np.radians)(deg2rad)
degrees = implements(np.degrees)(rad2deg)


def _sinc_dx(x, ans):
    # sinc x = sin(πx)/(πx): (cos(πx) − sinc x)/x, and 0 at x = 0 (sinc is even)
    zero = x == 0
    safe = where(zero, 1.0, x)
    return where(zero, 0.0, (cos(math.pi * safe) - ans) / safe)


sinc = _rule(np.sinc, _sinc_dx)

# --- pieces ----------------------------------------------------------------------------
absolute = _rule(np.absolute, lambda x, ans: sign(x))


def _wins(a, b, ans):
    # 1 where a is the chosen one, 1/2 where a and b tie, 0 where b is chosen (in the
    # result's dtype, so that float32 stays float32 throughout)
    chosen = (a == ans).astype(ans.dtype)
    return where(a == b, chosen * 0.5, chosen)


maximum = _rule(np.maximum, _wins, lambda x, y, ans: _wins(y, x, ans))
minimum = _rule(np.minimum, _wins, lambda x, y, ans: _wins(y, x, ans))
fmax = _rule(np.fmax, _wins, lambda x, y, ans: _wins(y, x, ans))  # NaN-ignoring maximum
fmin = _rule(np.fmin, _wins, lambda x, y, ans: _wins(y, x, ans))
fabs = _rule(np.fabs, lambda x, ans: sign(x))
# copysign(x, y) = |x|·sign(y): ±1 in x, flat in y
copysign = _rule(np.copysign, lambda x, y, ans: where(signbit(x) == signbit(y), 1.0, -1.0),
                 None)

# where(condition, x, y): the condition is a decision, with no derivative.
_where = elementwise(np.where, None, lambda c, x, y, ans: c, lambda c, x, y, ans: ~c)


@implements(np.where)
def where(condition, x=None, y=None):
    """``x`` where ``condition`` holds, else ``y``; differentiable in ``x`` and ``y``.

    With the condition alone it is ``nonzero(condition)``, as in NumPy.
    """
    if x is None and y is None:
        return np.nonzero(concrete(condition))
    if x is None or y is None:
        raise ValueError("where needs both x and y, or neither")
    condition = concrete(condition)
    if isinstance(condition, Tracer):  # staged by jit: its value is known only at run time
        return _where(condition if condition.dtype == bool else condition != 0, x, y)
    if hasattr(condition, "astype"):  # an array, of whichever backend: it stays there
        return _where(condition.astype(bool, copy=False), x, y)
    return _where(np.asarray(condition, dtype=bool), x, y)



@composite(np.clip)
def clip(a, a_min=None, a_max=None, out=None, **kwargs):
    """``a`` limited to ``[a_min, a_max]``: derivative 1 inside, 0 outside (½ at the ends)."""
    refuse_unsupported("clip", out=out)
    if a_min is not None:
        a = maximum(a, a_min)
    if a_max is not None:
        a = minimum(a, a_max)
    return a


@composite(np.nan_to_num)
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN and ±inf replaced by numbers: derivative 1 at finite entries, else 0."""
    finite = np.isfinite(concrete(x))
    replaced = constant(np.nan_to_num, x, nan=nan, posinf=posinf, neginf=neginf)
    return where(finite, x, replaced)


# ldexp(x, i) = x·2ⁱ, with integer exponents i
ldexp = _rule(np.ldexp, lambda x, i, ans: exp2(i), None)


def _real_only(name):
    def check(x):
        if np.iscomplexobj(example_value(x)):
            raise TypeError(f"nabla.numpy.{name}: complex arrays are not supported")

    return check


@composite(np.real)
def real(val):
    """The real part; nabla differentiates real arrays only, where this is ``val`` itself."""
    _real_only("real")(val)
    return val


@composite(np.imag)
def imag(val):
    """The imaginary part: zeros for the real arrays nabla differentiates."""
    _real_only("imag")(val)
    return np.zeros_like(concrete(val))


@composite(np.conj)
def conj(x, /, out=None):
    """The complex conjugate: ``x`` itself for the real arrays nabla differentiates."""
    refuse_unsupported("conj", out=out)
    _real_only("conj")(x)
    return x


conjugate = implements(np.conjugate)(conj)
true_divide = implements(np.true_divide)(divide)
mod = remainder
abs = absolute  # NumPy's name
# The array-API spellings NumPy 2 added, which are the same functions
acos, asin, atan = arccos, arcsin, arctan
acosh, asinh, atanh = arccosh, arcsinh, arctanh
atan2, pow = arctan2, power
