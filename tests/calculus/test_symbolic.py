"""nabla.calculus.symbolic: derivatives with steps, checked three ways (by hand, by SymPy,
by nabla.grad), and a parser that refuses hostile text."""

import os
import pathlib
import subprocess
import sys
import time

import numpy
import pytest

sympy = pytest.importorskip("sympy")

import nabla  # noqa: E402
import nabla.numpy as np  # noqa: E402
from nabla.calculus.symbolic import (  # noqa: E402
    DerivativeResult,
    GradientResult,
    ParseError,
    derivative,
    formula,
    gradient,
    parse,
    to_function,
)
from tests.calculus.symbolic_cases import CASES  # noqa: E402

x, y = sympy.symbols("x y")


def expected(text):
    return sympy.parse_expr(text, local_dict={"x": x, "y": y})  # trusted test text


def same(a, b):
    difference = a - b
    return difference == 0 or sympy.simplify(difference) == 0


def test_the_table_covers_every_rule():
    assert len(CASES) >= 60
    rules = set().union(*(case[3] for case in CASES))
    assert rules >= {"constant", "power", "sum", "constant multiple", "product", "quotient",
                     "chain", "exp", "log", "trig", "inverse trig", "hyperbolic",
                     "logarithmic differentiation"}


@pytest.mark.parametrize("text, var, want, rules, interval", CASES,
                         ids=[f"{c[0]} d{c[1]}" for c in CASES])
def test_derivative_matches_the_expected_one(text, var, want, rules, interval):
    d = derivative(text, var)
    assert isinstance(d, DerivativeResult)
    assert same(d.result, expected(want)), f"{d.result} != {want}"
    applied = {step.rule for step in d.steps}
    assert applied >= rules, f"missing {rules - applied} in\n{d}"
    real = {s: sympy.Symbol(s.name, real=True) for s in (*d.expr.free_symbols, d.variable)}
    assert same(d.result.subs(real), sympy.diff(d.expr.subs(real), real[d.variable]))


@pytest.mark.parametrize("text, var, want, rules, interval", CASES,
                         ids=[f"{c[0]} d{c[1]}" for c in CASES])
def test_symbolic_agrees_with_nabla_grad(text, var, want, rules, interval):
    d = derivative(text, var)
    variables = [x, y]
    f, df = to_function(d.expr, variables), to_function(d.result, variables)
    argnum = variables.index(d.variable)
    rng = numpy.random.default_rng(len(text))
    for _ in range(3):
        point = rng.uniform(*interval, size=2)
        automatic = nabla.grad(f, argnums=argnum)(*point)
        numpy.testing.assert_allclose(df(*point), automatic, rtol=1e-9, atol=1e-12)


def test_steps_record_rule_subexpression_and_result():
    d = derivative("sin(x**2)")
    chain, outer, inner = d.steps
    assert (chain.rule, chain.expr, chain.result) == ("chain", sympy.sin(x**2),
                                                      2 * x * sympy.cos(x**2))
    u = outer.variable
    assert (outer.rule, outer.expr, outer.result, outer.inner) == (
        "trig", sympy.sin(u), sympy.cos(u), x**2)
    assert (inner.rule, inner.expr, inner.result, inner.depth) == ("power", x**2, 2 * x, 1)


def test_quotient_rule_shows_numerator_and_denominator():
    d = derivative("sin(x)/x**2")
    top = d.steps[0]
    assert top.rule == "quotient"
    assert [s.expr for s in d.steps[1:]] == [sympy.sin(x), x**2]
    assert top.result == (x**2 * sympy.cos(x) - 2 * x * sympy.sin(x)) / x**4


def test_str_is_a_worked_solution_one_line_per_step():
    d = derivative("x^2 * sin(x)")
    lines = str(d).splitlines()
    assert lines[0] == "d/dx(x**2*sin(x)):"
    assert lines[-1] == "  = x**2*cos(x) + 2*x*sin(x)"
    assert len(lines) == len(d.steps) + 2
    assert "product: d/dx(x**2*sin(x)) = x**2*cos(x) + 2*x*sin(x)" in lines[1]
    assert "(f*g)' = f'*g + f*g'" in lines[1]
    assert lines[2].startswith("    power: d/dx(x**2) = 2*x")
    chain = str(derivative("exp(sin(x))")).splitlines()
    assert chain[2].strip() == "exp: d/du(exp(u)) = exp(u), u = sin(x)"


def test_latex():
    assert derivative("sqrt(x)").latex == r"\frac{1}{2 \sqrt{x}}"
    assert derivative("x^3").latex == "3 x^{2}"


@pytest.mark.parametrize("text, order, want", [
    ("x**3*sin(x)", 2, "-x**3*sin(x) + 6*x**2*cos(x) + 6*x*sin(x)"),
    ("x**5", 3, "60*x**2"),
    ("exp(2*x)", 3, "8*exp(2*x)"),
    ("log(x)", 3, "2/x**3"),
    ("1/(1 + exp(-x))", 2, "exp(-x)*(exp(-x) - 1)/(1 + exp(-x))**3"),
    ("sin(x)", 4, "sin(x)"),
])
def test_higher_order(text, order, want):
    d = derivative(text, order=order)
    assert d.order == order
    assert same(d.result, expected(want))
    assert same(d.result, sympy.diff(d.expr, x, order))
    assert {s.order for s in d.steps} == set(range(1, order + 1))
    assert f"derivative {order}:" in str(d)


def test_second_derivative_agrees_with_nabla():
    d = derivative("x**3*sin(x)", order=2)
    f, d2f = to_function(d.expr), to_function(d)
    numpy.testing.assert_allclose(d2f(0.7), nabla.grad(nabla.grad(f))(0.7), rtol=1e-12)


def test_gradient():
    g = gradient("x^2 * y + exp(x*y)", ["x", "y"])
    assert isinstance(g, GradientResult)
    assert g.variables == (x, y)
    assert same(g.result[0], 2 * x * y + y * sympy.exp(x * y))
    assert same(g.result[1], x**2 + x * sympy.exp(x * y))
    assert [p.variable for p in g.partials] == [x, y]
    assert "d/dy(x**2*y + exp(x*y)):" in str(g)
    assert g.latex.startswith(r"\left[\begin{matrix}")
    grad_f = to_function(g)
    f = to_function(g.expr, ["x", "y"])
    numpy.testing.assert_allclose(grad_f(0.3, 0.8), nabla.grad(f, argnums=(0, 1))(0.3, 0.8))
    assert gradient("a*b + c").variables == sympy.symbols("a b c")


def test_chain_placeholder_avoids_the_expression_symbols():
    d = derivative("sin(u**2) + v", var="u")
    [outer] = [step for step in d.steps if step.inner is not None]
    assert outer.inner == sympy.Symbol("u") ** 2 and outer.variable.name == "w"


def test_nabla_calculus_imports_without_sympy():
    code = ("import sys; sys.modules['sympy'] = None\n"
            "import nabla, nabla.calculus\n"
            "try:\n    import nabla.calculus.symbolic\n"
            "except ImportError as error:\n    print(error)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "pip install nabla[symbolic]" in run.stdout


def test_sympy_expressions_and_their_symbols_are_accepted():
    t = sympy.Symbol("t", positive=True)
    d = derivative(sympy.sqrt(t**2), "t")
    assert d.variable is t and d.result == 1
    assert derivative(sympy.sin(x), x).result == sympy.cos(x)


def test_formula_traces_numpy_code():
    f = formula(lambda x: x**2 * np.sin(x))
    assert str(f) == "x**2*sin(x)"
    assert derivative(f).result == x**2 * sympy.cos(x) + 2 * x * sympy.sin(x)
    assert str(derivative(f).result) == "x**2*cos(x) + 2*x*sin(x)"
    assert formula(lambda x: 1 / (1 + numpy.exp(-x))) == 1 / (1 + sympy.exp(-x))
    assert formula(lambda x: np.sqrt(x) * np.log1p(x) + 0.5 * np.tanh(x)) == (
        sympy.sqrt(x) * sympy.log(x + 1) + sympy.tanh(x) / 2)
    assert formula(lambda w, b: np.exp(w * b) - numpy.pi, n_args=2) == (
        sympy.exp(sympy.Symbol("w") * sympy.Symbol("b")) - sympy.pi)
    assert formula(lambda *v: v[0] * v[1], n_args=2) == x * y
    assert formula(lambda x: 3.0) == 3


def test_formula_round_trips_through_to_function():
    def code(x):
        return np.tanh(x) * np.exp(-x**2) + np.arctan(x) / (1 + x**2)

    g = to_function(derivative(formula(code)))
    for point in (-1.5, 0.1, 2.0):
        numpy.testing.assert_allclose(g(point), nabla.grad(code)(point), rtol=1e-12)


@pytest.mark.parametrize("code, phrase", [
    (lambda x: x if x > 0 else -x, "comparisons"),
    (lambda x: __import__("math").sin(x), "conversions to float"),
    (lambda x: np.sum(x), "numpy.sum"),
    (lambda x: (x, x), "scalar"),
    (lambda x: numpy.add(x, 1, dtype=float), "with dtype"),
])
def test_formula_refuses_what_it_cannot_trace(code, phrase):
    with pytest.raises(TypeError, match=phrase):
        formula(code)


def test_to_function_vectorizes_and_names_its_arguments():
    f = to_function("x**3 - 2*y", ["x", "y"])
    numpy.testing.assert_allclose(f(numpy.asarray([1.0, -2.0]), 1.0), [-1.0, -10.0])
    assert f.__doc__ == "(x, y) -> x**3 - 2*y"
    with pytest.raises(TypeError, match="takes 2 argument"):
        f(1.0)
    with pytest.raises(ValueError, match="not one of the variables"):
        to_function("x + y", ["x"])
    with pytest.raises(ValueError, match="no nabla.numpy function for erf"):
        to_function(sympy.erf(x))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="no rule for erf"):
        derivative(sympy.erf(x))
    with pytest.raises(TypeError, match="string or a SymPy expression"):
        derivative([1, 2])
    with pytest.raises(ValueError, match="not a variable name"):
        derivative("x", var="x.y")
    with pytest.raises(ValueError, match="function or a constant"):
        derivative("E*x", var="E")
    with pytest.raises(ValueError, match="positive integer"):
        derivative("x", order=0)
    with pytest.raises(ParseError, match=r"write 2\*x"):
        derivative("2x")
    with pytest.raises(ParseError, match="unknown function 'foo'"):
        parse("foo(x)")
    with pytest.raises(ParseError, match="unknown name 'z'"):
        parse("x + z", variables=["x"])
    with pytest.raises(ParseError, match="takes 1 argument"):
        parse("sin(x, y)")
    assert issubclass(ParseError, ValueError)


def test_parser_grammar():
    assert parse("x^2") == x**2
    assert parse("2^3^2") == 512  # right-associative
    assert parse("-x**2") == -(x**2)
    assert parse("x**-1") == 1 / x
    assert parse("2*x + 3*y - x/y") == 2 * x + 3 * y - x / y
    assert parse("log(x, 2)") == sympy.log(x) / sympy.log(2)
    assert parse("E^x + pi") == sympy.exp(x) + sympy.pi
    assert parse("arcsin(x) + abs(x) + ln(x)") == sympy.asin(x) + sympy.Abs(x) + sympy.log(x)
    assert parse("1.5e3") == sympy.Float(1500)
    assert parse("  x  *\n y ") == x * y


SENTINEL = "nabla_symbolic_sentinel"


def hostile_inputs(path):
    p = str(path)
    return [
        f"__import__('os').system('touch {p}')",
        f"open('{p}', 'w')",
        f"__import__('pathlib').Path('{p}').touch()",
        "exec('import os')",
        "eval('1+1')",
        "x.__class__",
        "().__class__.__bases__[0].__subclasses__()",
        "lambda: 0",
        "lambda x: x",
        "[x for x in range(10)]",
        "{x: 1}",
        "x[0]",
        "x; import os",
        "import os",
        "x if x else 1",
        "'abc'",
        "b'abc'",
        "f'{x}'",
        "1j",
        "x @ y",
        "x % y",
        "x // y",
        "x == 1",
        "~x",
        "sin(x, y=2)",
        "getattr(x, 'y')",
        "globals()",
        "sympy.sin(x)",
        "x # comment",
        "λ*x",
        "",
        "   ",
        "sin",
        "9**9**9**9",
        "2**2**2**2**2",
        "10**10**10",
        "(x + 1)**100000",
        "(x**600)*(x**600)",
        "x**1e308",
        "1e999999",
        "9" * 200,
        "10**300*10**300*10**300*10**300",
        "x/0",
        "log(0)",
        "(" * 150 + "x" + ")" * 150,
        "-" * 500 + "x",
        "sin(" * 120 + "x" + ")" * 120,
        "x" + "**x" * 150,
        "x" + "+x" * 1200,
        "x" * 3000,
    ]


def test_hostile_inputs_are_refused_quickly_without_side_effects(tmp_path):
    target = tmp_path / SENTINEL
    inputs = hostile_inputs(target)
    assert len(inputs) >= 20
    before = set(os.listdir(tmp_path))
    for text in inputs:
        start = time.perf_counter()
        with pytest.raises(ParseError):
            derivative(text)
        assert time.perf_counter() - start < 2.0, f"{text[:40]!r} took too long"
    assert not target.exists()
    assert not pathlib.Path(SENTINEL).exists()
    assert set(os.listdir(tmp_path)) == before


def test_the_parser_never_calls_eval(monkeypatch):
    import builtins

    def refuse(*args, **kwargs):
        raise AssertionError("the parser must not evaluate Python")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy, "parse_expr", refuse)
    assert parse("x**2*sin(x) + log(x, 2) - E**pi/3") == (
        x**2 * sympy.sin(x) + sympy.log(x) / sympy.log(2) - sympy.exp(sympy.pi) / 3)
