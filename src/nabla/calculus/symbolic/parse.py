"""A safe parser: text in, SymPy expression out, no Python evaluated on the way.

Strings are untrusted input. ``eval``, ``exec``, ``sympy.sympify`` and ``parse_expr`` all
run Python on their argument, so none of them ever sees the text. Instead a tokenizer and
a recursive-descent parser accept this grammar and nothing else::

    sum     := product (("+" | "-") product)*
    product := signed (("*" | "/") signed)*
    signed  := ("+" | "-") signed | power
    power   := atom (("**" | "^") signed)?          # right-associative: 2**3**2 = 2**9
    atom    := number | constant | variable | function "(" sum ("," sum)* ")" | "(" sum ")"

``^`` means power, as in mathematics (not Python's exclusive or). Numbers are decimal
literals (``3``, ``0.5``, ``1e-3``). The constants are SymPy's ``E`` and ``pi``; the
functions are SymPy's names (``sin``, ``asin``, ``log``, ``log(x, b)``, ``sqrt``, ``Abs``,
...; see :data:`FUNCTIONS`), plus NumPy's spellings ``arcsin``, ``arctanh``, ... and
``ln``/``abs``. Every other identifier ``[A-Za-z][A-Za-z0-9_]*`` that is not a Python
keyword is a variable, unless ``variables`` lists the allowed ones. SymPy objects are built
directly from the parsed pieces.

Limits keep hostile input cheap to refuse: at most :data:`MAX_LENGTH` characters and
:data:`MAX_TOKENS` tokens, nesting at most :data:`MAX_DEPTH` deep, integer literals of at
most :data:`MAX_LITERAL_DIGITS` digits, numeric exponents of magnitude at most
:data:`MAX_EXPONENT`, and no number of more than :data:`MAX_DIGITS` digits, checked
*before* SymPy computes a power (so ``9**9**9**9`` is refused at once, not evaluated).
Anything outside the grammar or the limits raises :class:`ParseError`.
"""

from __future__ import annotations

import keyword
import math
import re

import sympy

__all__ = ["ParseError", "parse", "to_expression", "to_symbol", "FUNCTIONS", "CONSTANTS"]

MAX_LENGTH = 2000
MAX_TOKENS = 1000
MAX_DEPTH = 100
MAX_LITERAL_DIGITS = 100
MAX_DIGITS = 1000
MAX_EXPONENT = 1000


class ParseError(ValueError):
    """The text is not an expression nabla accepts; the message says where and why."""


def _log(x, base=None):
    return sympy.log(x) if base is None else sympy.log(x, base)


# name -> (SymPy function, how many arguments it takes)
FUNCTIONS = {
    **{name: (getattr(sympy, name), (1,)) for name in (
        "exp", "sqrt", "cbrt", "Abs",
        "sin", "cos", "tan", "cot", "sec", "csc",
        "asin", "acos", "atan", "acot", "asec", "acsc",
        "sinh", "cosh", "tanh", "coth", "sech", "csch",
        "asinh", "acosh", "atanh", "acoth", "asech", "acsch",
    )},
    **{"arc" + name[1:]: (getattr(sympy, name), (1,)) for name in (
        "asin", "acos", "atan", "asinh", "acosh", "atanh",
    )},
    "log": (_log, (1, 2)),
    "ln": (sympy.log, (1,)),
    "abs": (sympy.Abs, (1,)),
}

CONSTANTS = {"E": sympy.E, "pi": sympy.pi}

_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^(),])",
    re.ASCII,
)
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
_DESCRIPTION = ("numbers, variable names, + - * / ** ^, parentheses, and calls of the "
                "functions " + ", ".join(sorted(FUNCTIONS)))


def parse(text, variables=None):
    """The SymPy expression that ``text`` writes, parsed without evaluating any Python.

    ``variables`` (names), if given, are the only identifiers allowed besides the
    functions and constants; otherwise any identifier is a variable. Raises
    :class:`ParseError` for anything outside the grammar or the limits of this module.

    >>> parse("x^2 * sin(x) + log(x, 2)")
    x**2*sin(x) + log(x)/log(2)
    >>> parse("x.__class__")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nabla.calculus.symbolic.parse.ParseError: unexpected character '.' at position 1; ...
    """
    if not isinstance(text, str):
        raise TypeError(f"parse takes a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text)} characters long; "
                         f"the limit is {MAX_LENGTH}")
    allowed = None if variables is None else {str(v) for v in variables}
    return _Parser(_tokens(text), allowed).parse()


def to_expression(expr):
    """``expr`` as a SymPy expression: a string is parsed with :func:`parse`.

    >>> to_expression("x + 1") == to_expression(sympy.Symbol("x") + 1)
    True
    """
    if isinstance(expr, str):
        return parse(expr)
    if isinstance(expr, sympy.Expr):
        return expr
    raise TypeError(f"expected a string or a SymPy expression, not {type(expr).__name__}")


def to_symbol(var, expr):
    """The symbol named by ``var``: the one ``expr`` already has (with its assumptions),
    else a new one.

    >>> to_symbol("y", sympy.Symbol("y", positive=True) + 1).is_positive
    True
    """
    if isinstance(var, sympy.Symbol):
        return var
    if not isinstance(var, str):
        raise TypeError(f"a variable is a name or a SymPy symbol, not {type(var).__name__}")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", var, re.ASCII) or keyword.iskeyword(var):
        raise ValueError(f"{var!r} is not a variable name (a letter, then letters, digits "
                         "or underscores)")
    if var in FUNCTIONS or var in CONSTANTS:
        raise ValueError(f"{var!r} names a function or a constant, not a variable")
    same = [s for s in expr.free_symbols if s.name == var]
    return same[0] if same else sympy.Symbol(var)


def _tokens(text):
    """``(kind, text, position)`` for each token, and an end marker."""
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ParseError(f"unexpected character {text[position]!r} at position "
                             f"{position}; an expression may contain {_DESCRIPTION}")
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group(), position))
            if len(tokens) > MAX_TOKENS:
                raise ParseError(f"the expression has more than {MAX_TOKENS} tokens")
        position = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the tokens, one method per rule of the grammar."""

    def __init__(self, tokens, variables):
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.variables = variables

    # --- the grammar ---------------------------------------------------------------------
    def parse(self):
        if self.peek()[0] == "end":
            raise ParseError("the expression is empty")
        expr = self.sum()
        kind, text, position = self.peek()
        if kind == "name" and keyword.iskeyword(text):
            self.name(text, position)  # refuses it, naming the keyword
        if kind != "end":
            raise ParseError(f"unexpected {text!r} at position {position}"
                             + _hint(self.tokens[self.index - 1], self.peek()))
        return expr

    def sum(self):
        expr = self.product()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.product()
            expr = _checked(expr + right if op == "+" else expr - right)
        return expr

    def product(self):
        expr = self.signed()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.signed()
            if op == "/" and right == 0:
                raise ParseError("division by zero")
            expr = _checked(expr * right if op == "*" else expr / right)
        return expr

    def signed(self):
        if self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            with self.nested():
                operand = self.signed()
            return operand if op == "+" else _checked(-operand)
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek()[1] in ("**", "^"):
            self.take()
            with self.nested():
                exponent = self.signed()
            return _power(base, exponent)
        return base

    def atom(self):
        kind, text, position = self.take()
        if kind == "number":
            return _number(text)
        if kind == "name":
            if self.peek()[1] == "(":
                return self.call(text, position)
            return self.name(text, position)
        if text == "(":
            with self.nested():
                expr = self.sum()
            self.expect(")", "(", position)
            return expr
        where = "the end" if kind == "end" else f"{text!r} at position {position}"
        raise ParseError(f"expected a number, a name or '(' but found {where}")

    def call(self, name, position):
        if name not in FUNCTIONS:
            raise ParseError(f"unknown function {name!r} at position {position}; the "
                             f"functions are {', '.join(sorted(FUNCTIONS))}")
        function, arities = FUNCTIONS[name]
        self.take()  # "("
        args = []
        with self.nested():
            args.append(self.sum())
            while self.peek()[1] == ",":
                self.take()
                args.append(self.sum())
        self.expect(")", f"{name}(", position)
        if len(args) not in arities:
            takes = " or ".join(map(str, arities))
            raise ParseError(f"{name} takes {takes} argument(s), not {len(args)}")
        if function is _log and len(args) == 2 and args[1] in (0, 1):
            raise ParseError(f"log(x, b) needs a base b other than 0 and 1, not {args[1]}")
        return _checked(function(*args))

    def name(self, name, position):
        if keyword.iskeyword(name):
            raise ParseError(f"{name!r} at position {position} is a Python keyword; "
                             "expressions are mathematics, not Python")
        if name in FUNCTIONS:
            raise ParseError(f"{name!r} at position {position} is a function: "
                             f"write {name}(...)")
        if name in CONSTANTS:
            return CONSTANTS[name]
        if self.variables is not None and name not in self.variables:
            raise ParseError(f"unknown name {name!r} at position {position}; the variables "
                             f"are {', '.join(sorted(self.variables)) or '(none)'}")
        return sympy.Symbol(name)

    # --- helpers -------------------------------------------------------------------------
    def peek(self):
        return self.tokens[self.index]

    def take(self):
        token = self.tokens[self.index]
        if token[0] != "end":
            self.index += 1
        return token

    def expect(self, text, opened, position):
        if self.peek()[1] != text:
            kind, found, at = self.peek()
            where = "the end" if kind == "end" else f"{found!r} at position {at}"
            raise ParseError(f"expected {text!r} to close {opened!r} from position "
                             f"{position}, found {where}")
        self.take()

    def nested(self):
        return _Depth(self)


class _Depth:
    """Context manager counting how deep the parser has descended."""

    def __init__(self, parser):
        self.parser = parser

    def __enter__(self):
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_DEPTH} deep")

    def __exit__(self, *exc):
        self.parser.depth -= 1


def _hint(previous, current):
    """Why two operands in a row are refused: implicit multiplication is not allowed."""
    if previous[0] in ("number", "name") and current[0] in ("number", "name") or (
            current[1] == "(" and previous[0] == "number"):
        return f" (write {previous[1]}*{current[1]} for a product)"
    return ""


def _number(text):
    if re.fullmatch(r"\d+", text, re.ASCII):
        if len(text.lstrip("0")) > MAX_LITERAL_DIGITS:
            raise ParseError(f"the number {text[:20]}... has more than "
                             f"{MAX_LITERAL_DIGITS} digits")
        return sympy.Integer(int(text))
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(f"the number {text} is too large")
    return sympy.Float(value)


def _digits(number):
    """About how many decimal digits the larger of numerator and denominator has."""
    if number.is_Rational:
        return max(abs(number.p).bit_length(), number.q.bit_length()) * 0.30103
    return 1 + abs(math.log10(max(abs(float(number)), 1e-300)))


def _power(base, exponent):
    """``base ** exponent``, refused when the exponent or the number it makes is too big."""
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            raise ParseError(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
        if base.is_Number and abs(float(exponent)) * _digits(base) > MAX_DIGITS:
            raise ParseError(f"{base}**{exponent} has more than {MAX_DIGITS} digits")
    return _checked(base ** exponent)


def _checked(expr):
    """``expr``, after checking that SymPy's automatic simplification (which merges powers
    and multiplies numbers) kept exponents and numbers within the limits."""
    for part in (expr, *expr.args):
        if part.is_Pow and part.exp.is_Number and abs(part.exp) > MAX_EXPONENT:
            raise ParseError(f"the exponent {part.exp} is larger than {MAX_EXPONENT}")
        if part in _UNDEFINED:
            raise ParseError("the expression is undefined (infinite or not a number: a division "
                             "by zero, log(0), ...)")
        if part.is_Rational and _digits(part) > MAX_DIGITS:
            raise ParseError(f"a number in the expression has more than {MAX_DIGITS} digits")
    return expr
