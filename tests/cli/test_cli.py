"""The ``nabla`` command: each subcommand's output, its help, and its one-line errors."""

import math
import os
import re
import subprocess
import sys

import pytest

from nabla import cli

pytest.importorskip("sympy")


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def value(out, label):
    """The number after ``label`` at the start of a line of ``out``."""
    (match,) = re.findall(rf"^{re.escape(label)}\s*(\S+)$", out, re.M)
    return float(match)


# -- diff -----------------------------------------------------------------------------------

def test_diff_of_square_at_three_is_six_with_the_power_step(capsys):
    status, out, err = run(capsys, "diff", "x**2", "--at", "3", "--steps")
    assert status == 0 and err == ""
    assert "power" in out
    assert value(out, "at x = 3:") == 6


def test_diff_prints_the_formula_and_higher_orders(capsys):
    status, out, _ = run(capsys, "diff", "x^3", "--order", "2", "--at", "2")
    assert status == 0
    assert "= 6*x" in out and value(out, "at x = 2:") == 12


def test_diff_partial_in_another_variable(capsys):
    status, out, _ = run(capsys, "diff", "x^2*y + sin(y)", "--var", "y")
    assert status == 0 and out == "d/dy(x**2*y + sin(y)) = x**2 + cos(y)\n"
    status, out, _ = run(capsys, "diff", "sin(y)", "--var", "y", "--at", "-pi")
    assert status == 0 and value(out, "at y = -pi:") == -1


def test_arguments_may_start_with_a_minus(capsys):
    status, out, _ = run(capsys, "integrate", "-x^2", "-1", "-0.5e0")
    assert status == 0 and value(out, "value:") == pytest.approx(-(1 - 0.125) / 3)
    status, out, _ = run(capsys, "minimize", "--x0", "-1", "-pi", "--", "x^2 + y^2")
    assert status == 0 and value(out, "f =") == pytest.approx(0, abs=1e-12)


# -- integrate ------------------------------------------------------------------------------

def test_integral_of_sine_over_zero_to_pi_is_two(capsys):
    status, out, err = run(capsys, "integrate", "sin(x)", "0", "pi")
    assert status == 0 and err == ""
    assert value(out, "value:") == pytest.approx(2, abs=1e-12)
    assert value(out, "error estimate:") < 1e-8


def test_integral_to_infinity(capsys):
    status, out, _ = run(capsys, "integrate", "exp(-x)", "0", "inf")
    assert status == 0 and value(out, "value:") == pytest.approx(1, abs=1e-9)
    status, out, _ = run(capsys, "integrate", "exp(-t^2)", "-inf", "inf", "--var", "t")
    assert status == 0 and value(out, "value:") == pytest.approx(math.sqrt(math.pi), abs=1e-9)


@pytest.mark.parametrize("rule, n, tolerance", [
    ("simpson", "10", 1e-3), ("trapezoid", "200", 1e-4), ("left", "2000", 2e-3),
    ("right", "2000", 2e-3), ("midpoint", "200", 1e-4), ("gauss", "8", 1e-10)])
def test_fixed_rules(capsys, rule, n, tolerance):
    status, out, _ = run(capsys, "integrate", "sin(x)", "0", "pi", "--rule", rule, "--n", n)
    assert status == 0 and f"({rule}, n = {n})" in out
    assert value(out, "value:") == pytest.approx(2, abs=tolerance)


def test_quad_short_of_its_tolerance_exits_one(capsys):
    status, out, _ = run(capsys, "integrate", "1/x", "0", "1")
    assert status == 1 and "note:" in out


def test_a_constant_integrand(capsys):
    status, out, _ = run(capsys, "integrate", "3", "0", "pi/2", "--rule", "simpson")
    assert status == 0 and value(out, "value:") == pytest.approx(1.5 * math.pi)


# -- minimize -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["lbfgs", "bfgs", "newton", "cg"])
def test_minimize_a_bowl(capsys, method):
    status, out, _ = run(capsys, "minimize", "(x-1)**2 + (y+2)**2", "--x0", "0", "0",
                         "--method", method)
    assert status == 0
    assert value(out, "x =") == pytest.approx(1, abs=1e-6)
    assert value(out, "y =") == pytest.approx(-2, abs=1e-6)
    assert value(out, "f =") == pytest.approx(0, abs=1e-10)
    assert "iterations:" in out and "message: converged" in out


def test_minimize_by_gradient_descent_with_a_learning_rate(capsys):
    status, out, _ = run(capsys, "minimize", "(x-1)^2 + (y+2)^2", "--x0", "5", "5",
                         "--method", "gd", "--lr", "0.1")
    assert status == 0 and value(out, "y =") == pytest.approx(-2, abs=1e-5)


def test_minimize_variable_order(capsys):
    # x, y, z come first in that order, then the others sorted by name
    status, out, _ = run(capsys, "minimize", "(a-3)^2 + (x-1)^2", "--x0", "0", "0")
    assert status == 0
    assert out.splitlines()[:2] == ["x = 1", "a = 3"]
    status, out, _ = run(capsys, "minimize", "(a-3)^2 + (x-1)^2", "--x0", "0", "0",
                         "--vars", "a", "x")
    assert out.splitlines()[:2] == ["a = 3", "x = 1"]


def test_minimize_without_convergence_exits_one(capsys):
    status, out, err = run(capsys, "minimize", "x", "--x0", "0", "--maxiter", "3",
                           "--method", "gd", "--lr", "0.1")
    assert status == 1 and "success: False" in out and err == ""
    status, out, _ = run(capsys, "minimize", "exp(x^2)", "--x0", "3", "--method", "gd",
                         "--lr", "10")
    assert status == 1 and "lower lr" in out


def test_minimize_plots_the_path(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("nabla.plot")
    figure = tmp_path / "path.png"
    status, out, _ = run(capsys, "minimize", "(x-1)^2 + 10*(y-x^2)^2", "--x0", "-1", "1",
                         "--plot", str(figure))
    assert status == 0 and f"plot: {figure}" in out
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- train and tour -------------------------------------------------------------------------

def test_train_iris_logistic(capsys):
    pytest.importorskip("sklearn")
    status, out, _ = run(capsys, "train", "iris", "--model", "logistic", "--seed", "0")
    assert status == 0
    assert value(out, "train accuracy:") > 0.9 and value(out, "test accuracy:") > 0.9


def test_train_diabetes_regression(capsys):
    pytest.importorskip("sklearn")
    status, out, _ = run(capsys, "train", "diabetes")
    assert status == 0 and value(out, "test R^2:") > 0.3


def test_train_mlp(capsys):
    pytest.importorskip("sklearn")
    status, out, _ = run(capsys, "train", "wine", "--model", "mlp", "--epochs", "100")
    assert status == 0 and "MLPClassifier" in out and value(out, "test accuracy:") > 0.8


def test_tour(capsys, tmp_path):
    status, out, _ = run(capsys, "tour", "--quick", "--only", "slopes", "--out",
                         str(tmp_path / "report"))
    assert status == 0 and out.startswith("nabla — calculus for machine learning")
    assert (tmp_path / "report" / "index.html").exists()


# -- help and errors ------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [[], ["--help"], ["diff", "--help"], ["integrate", "--help"],
                                  ["minimize", "--help"], ["train", "--help"],
                                  ["tour", "--help"]])
def test_help(capsys, argv):
    status, out, _ = run(capsys, *argv)
    assert status == 0 and "usage: nabla" in out


@pytest.mark.parametrize("argv, phrase", [
    (["diff", "x +* 1"], "expected a number"),
    (["diff", "-h2"], "-h"),
    (["diff", "x**2", "--at", "abc"], "not a number"),
    (["diff", "x**2", "--order", "0"], "at least 1"),
    (["diff", "x*y", "--at", "1"], "depends on y"),
    (["diff", "1/x", "--at", "0"], "not finite"),
    (["integrate", "sin(x)", "0", "nope"], "not a number"),
    (["integrate", "x*y", "0", "1"], "depends on y"),
    (["integrate", "x", "0", "inf", "--rule", "simpson"], "finite limits"),
    (["integrate", "x", "0", "inf"], "does not converge"),
    (["integrate", "x", "0", "1", "--rule", "boole"], "invalid choice"),
    (["minimize", "x^2 + y^2", "--x0", "1"], "needs 2 number"),
    (["minimize", "x^2", "--x0", "1", "--method", "magic"], "invalid choice"),
    (["minimize", "x^2", "--x0", "1", "--method", "gd"], "--lr"),
    (["minimize", "x^2", "--x0", "1", "--method", "newton", "--lr", "0.1"], "lr"),
    (["minimize", "x^2", "--x0", "1", "--method", "gd", "--lr", "-1"], "positive"),
    (["minimize", "x^2", "--x0", "inf"], "finite"),
    (["minimize", "log(x)", "--x0", "-1"], "domain"),
    (["minimize", "7", "--x0", "1"], "no variables"),
    (["minimize", "x^2"], "--x0"),
    (["minimize", "x^2", "--x0", "1", "--plot", "out.png"], "two variables"),
    (["minimize", "x^2+y^2", "--x0", "1", "1", "--plot", "/nonexistent/dir/out.png"],
     "No such file"),
    (["train", "mnist"], "unknown data set"),
    (["train", "diabetes", "--model", "logistic"], "regression"),
    (["train", "iris", "--model", "linear"], "classification"),
    (["frobnicate"], "invalid choice"),
])
def test_mistakes_are_one_line_and_status_two(capsys, argv, phrase):
    status, out, err = run(capsys, *argv)
    assert status == 2, out
    assert err.startswith("nabla: error: ") and err.count("\n") == 1
    assert phrase in err and "Traceback" not in err


def test_a_hostile_expression_is_refused_without_side_effect(capsys, tmp_path):
    sentinel = tmp_path / "sentinel"
    attack = f"__import__('os').system('touch {sentinel}')"
    for argv in (["diff", attack], ["integrate", attack, "0", "1"],
                 ["minimize", attack, "--x0", "0"], ["diff", "x", "--at", attack],
                 ["integrate", "x", attack, "1"]):
        status, _, err = run(capsys, *argv)
        assert status == 2 and err.startswith("nabla: error: ") and err.count("\n") == 1
    assert not sentinel.exists()


def test_python_dash_m_nabla(tmp_path):
    sentinel = tmp_path / "sentinel"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "nabla", "diff", "x**2", "--at", "3"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and "at x = 3: 6" in done.stdout
    done = subprocess.run([sys.executable, "-m", "nabla", "diff",
                           f"__import__('os').system('touch {sentinel}')"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("nabla: error: ") and done.stderr.count("\n") == 1
    assert not sentinel.exists()
