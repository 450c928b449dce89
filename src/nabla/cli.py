"""Layer 8: the ``nabla`` command — calculus and learning from the shell.

==============================  ==========================================================
``nabla diff EXPR``             dⁿf/dxⁿ as a formula (``--order``), its value at a point
                                (``--at``) and the worked steps (``--steps``)
``nabla integrate EXPR A B``    ∫ₐᵇ f(x) dx by adaptive quadrature or a fixed rule
                                (``--rule``), with an error estimate; A and B may be
                                ``inf``, ``-inf``, ``pi``, ``pi/2``, ``2.5``, …
``nabla minimize EXPR --x0 …``  a local minimizer of f(x, y, …) by
                                :func:`nabla.optim.minimize` (``--method``, ``--lr``)
``nabla train DATASET``         a model from :mod:`nabla.models` fitted on a bundled data
                                set of :mod:`nabla.datasets`; train and test scores
``nabla tour``                  the guided tour (:mod:`nabla.tour`)
==============================  ==========================================================

Expressions are untrusted text: they are read by
:func:`nabla.calculus.symbolic.parse`, which evaluates no Python, and turned into
``nabla.numpy`` code by :func:`~nabla.calculus.symbolic.to_function`.

**Exit status.** 0 on success; 1 when an optimization stops without converging or
``quad`` misses its tolerance (the result is still printed, with why); 2 for a mistake
in the input — an expression that does not parse, a number that is not one, an unknown
data set, method or option, a result that is not finite, a file that cannot be written.
A mistake is reported as one line, ``nabla: error: …``, on stderr, never as a traceback.
``python -m nabla`` is the same command.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings

__all__ = ["CLIError", "main"]

RULES = ("quad", "simpson", "trapezoid", "left", "right", "midpoint", "gauss")
MINIMIZE_METHODS = ("lbfgs", "bfgs", "newton", "cg", "gd", "momentum", "nesterov", "adam",
                    "rmsprop")
MODELS = ("logistic", "mlp", "linear")
_INFINITIES = {"inf": math.inf, "+inf": math.inf, "infinity": math.inf, "+infinity": math.inf,
               "oo": math.inf, "-inf": -math.inf, "-infinity": -math.inf, "-oo": -math.inf}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class CLIError(Exception):
    """A mistake in the command line: reported as ``nabla: error: …``, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises :class:`CLIError` instead of printing usage and exiting, so
    every mistake is reported the same way, on one line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # every single-dash word but -h is an argument: -1, -inf, -pi/2, -x^2
        self._negative_number_matcher = re.compile(r"^-(?!-)(?!h$).")

    def error(self, message):
        raise CLIError(f"{message} (see: {self.prog} --help)")


# -- reading the input -----------------------------------------------------------------------

def _symbolic():
    import nabla.calculus.symbolic as symbolic  # needs SymPy: the ImportError names the extra
    return symbolic


def _number(text, what="number"):
    """A float from ``inf``/``-inf``, a plain number, or a constant expression (``pi/2``)."""
    key = text.strip().lower()
    if key in _INFINITIES:
        return _INFINITIES[key]
    try:
        return float(key)
    except ValueError:
        pass
    symbolic = _symbolic()
    try:
        expr = symbolic.parse(text, variables=[])
    except symbolic.ParseError as error:
        raise CLIError(f"{what} {text!r} is not a number ({error})") from None
    value = complex(expr.evalf())
    if value.imag != 0 or math.isnan(value.real):
        raise CLIError(f"{what} {text!r} is not a real number")
    return value.real


def _finite_number(text, what):
    value = _number(text, what)
    if not math.isfinite(value):
        raise CLIError(f"{what} must be finite, got {text!r}")
    return value


def _variable(name):
    if not _NAME.match(name):
        raise CLIError(f"{name!r} is not a variable name (letters, digits and _)")
    return name


def _variables(expr, given):
    """The variables of ``expr``: ``given``, else x, y, z (those present) then the other
    free symbols sorted by name."""
    names = sorted(s.name for s in expr.free_symbols)
    if given:
        given = [_variable(v) for v in given]
        if len(set(given)) != len(given):
            raise CLIError(f"--vars names a variable twice: {' '.join(given)}")
        missing = [n for n in names if n not in given]
        if missing:
            raise CLIError(f"the expression depends on {', '.join(missing)}, "
                           f"not in --vars {' '.join(given)}")
        return given
    first = [n for n in ("x", "y", "z") if n in names]
    return first + [n for n in names if n not in first]


def _check_finite(value, what):
    import numpy
    array = numpy.asarray(value, dtype=float)
    if not numpy.all(numpy.isfinite(array)):
        raise CLIError(f"{what} is not finite ({_format(value)})")
    return value


def _format(value):
    import numpy
    array = numpy.asarray(value, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.12g}"
    return "[" + ", ".join(f"{v:.12g}" for v in array.ravel()) + "]"


# -- diff ----------------------------------------------------------------------------------

def _diff(args, out):
    symbolic = _symbolic()
    var = _variable(args.var)
    expr = symbolic.parse(args.expr)
    d = symbolic.derivative(expr, var=var, order=args.order)
    if args.steps:
        print(d, file=out)
    else:
        head = f"d/d{var}" if args.order == 1 else f"d^{args.order}/d{var}^{args.order}"
        print(f"{head}({d.expr}) = {d.result}", file=out)
    if args.at is not None:
        at = _finite_number(args.at, "--at")
        others = sorted(s.name for s in d.result.free_symbols if s.name != var)
        if others:
            raise CLIError(f"the derivative depends on {', '.join(others)} besides {var}; "
                           f"--at gives a value to {var} only")
        value = symbolic.to_function(d, [var])(at)
        _check_finite(value, f"the derivative at {var} = {args.at}")
        print(f"at {var} = {args.at}: {_format(value)}", file=out)
    return 0


# -- integrate -----------------------------------------------------------------------------

def _integrate(args, out):
    import nabla.numpy as np
    from nabla.calculus import integrate

    symbolic = _symbolic()
    var = _variable(args.var)
    expr = symbolic.parse(args.expr)
    others = sorted(s.name for s in expr.free_symbols if s.name != var)
    if others:
        raise CLIError(f"the integrand depends on {', '.join(others)} besides {var} "
                       "(choose the variable with --var)")
    a, b = _number(args.a, "A"), _number(args.b, "B")
    if math.isnan(a) or math.isnan(b):
        raise CLIError("the limits must be numbers")
    f = symbolic.to_function(expr, [var])

    def integrand(x):                       # one value per point, even for a constant
        return np.broadcast_to(f(x), np.shape(x)) if np.ndim(f(x)) == 0 else f(x)

    rule, n = args.rule, args.n
    if n is not None and rule == "quad":
        raise CLIError("--n is for the fixed rules; quad chooses its own points")
    with warnings.catch_warnings(), _quiet_numpy():
        warnings.simplefilter("ignore", RuntimeWarning)
        if rule == "quad":
            result = integrate.quad(integrand, a, b)
        elif rule in ("left", "right", "midpoint"):
            result = integrate.riemann(integrand, a, b, 100 if n is None else n, point=rule)
        elif rule == "gauss":
            result = integrate.gauss_legendre(integrand, a, b, 10 if n is None else n)
        else:
            method = getattr(integrate, rule)
            result = method(integrand, a, b, 100 if n is None else n)
    if rule == "quad" and not result.success and "divergent" in result.message:
        raise CLIError(f"the integral does not converge: {result.message}")
    _check_finite(result.value, "the integral")
    print(f"integral of {expr} d{var} from {args.a} to {args.b} ({rule}"
          + ("" if rule == "quad" else f", n = {result.n}") + ")", file=out)
    print(f"value: {_format(result.value)}", file=out)
    print(f"error estimate: {float(result.error):.3g}", file=out)
    print(f"evaluations: {result.neval}", file=out)
    if rule == "quad" and not result.success:
        print(f"note: {result.message}", file=out)
        return 1
    return 0


def _quiet_numpy():
    import numpy
    return numpy.errstate(all="ignore")


# -- minimize ------------------------------------------------------------------------------

def _minimize(args, out):
    import numpy

    from nabla.optim import minimize

    symbolic = _symbolic()
    expr = symbolic.parse(args.expr)
    names = _variables(expr, args.vars)
    if not names:
        raise CLIError("the expression has no variables to minimize over")
    if len(args.x0) != len(names):
        raise CLIError(f"--x0 needs {len(names)} number(s), one for each of "
                       f"{', '.join(names)}; got {len(args.x0)}")
    x0 = numpy.array([_finite_number(v, "--x0") for v in args.x0])
    f = symbolic.to_function(expr, names)
    options = {} if args.lr is None else {"lr": args.lr}
    if args.lr is None and args.method in ("gd", "momentum", "nesterov"):
        raise CLIError(f"--method {args.method} needs a learning rate: pass --lr, small "
                       "enough for the steps to shrink f (e.g. --lr 0.1)")
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise CLIError(f"--lr must be a positive number, got {args.lr}")

    def objective(v):
        return f(*(v[i] for i in range(len(names))))

    with _quiet_numpy():
        result = minimize(objective, x0, method=args.method, maxiter=args.maxiter, **options)
    if not numpy.isfinite(result.fun):
        raise CLIError(f"the minimization diverged: {result.message}")
    for name, value in zip(names, numpy.atleast_1d(result.x)):
        print(f"{name} = {float(value):.10g}", file=out)
    print(f"f = {float(result.fun):.10g}", file=out)
    print(f"iterations: {result.nit}", file=out)
    print(f"success: {bool(result.success)}", file=out)
    print(f"message: {result.message}", file=out)
    if args.plot:
        _plot_minimize(args.plot, objective, result, names)
        print(f"plot: {args.plot}", file=out)
    return 0 if result.success else 1


def _plot_minimize(path, objective, result, names):
    """Save the optimizer's path over the contours of f (:func:`nabla.plot.optimizer_paths`)."""
    import numpy
    if len(names) != 2:
        raise CLIError(f"--plot draws functions of two variables; this one has {len(names)} "
                       f"({', '.join(names)})")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import nabla.plot

    path_x = numpy.array([numpy.asarray(x, dtype=float).ravel() for x in result.history["x"]])
    low, high = path_x.min(axis=0), path_x.max(axis=0)
    margin = numpy.maximum(0.25 * (high - low), 1.0)
    limits = [(lo - m, hi + m) for lo, hi, m in zip(low, high, margin)]
    figure = nabla.plot.optimizer_paths(objective, result, *limits, labels=[_label(result)])
    ax = figure.axes[0]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    try:
        figure.savefig(path)
    finally:
        plt.close(figure)


def _label(result):
    return f"{result.nit} iterations"


# -- train ---------------------------------------------------------------------------------

def _train(args, out, err):
    from nabla import datasets, models

    if args.dataset not in datasets.NAMES:
        raise CLIError(f"unknown data set {args.dataset!r}; the data sets are "
                       f"{', '.join(datasets.NAMES)}")
    if args.epochs is not None and args.epochs < 1:
        raise CLIError(f"--epochs must be at least 1, got {args.epochs}")
    split = datasets.load(args.dataset, seed=args.seed, standardize=True)
    regression = split.task == "regression"
    kind = args.model or ("linear" if regression else "logistic")
    epochs = {} if args.epochs is None else {"max_iter": args.epochs}
    if kind == "logistic":
        if regression:
            raise CLIError(f"{args.dataset} is a regression data set; use --model linear "
                           "or --model mlp")
        model = models.LogisticRegression(max_iter=args.epochs or 1000)
    elif kind == "linear":
        if not regression:
            raise CLIError(f"{args.dataset} is a classification data set; use --model "
                           "logistic or --model mlp")
        model = models.LinearRegression(solver="gd" if args.epochs else "normal", **epochs)
    else:
        cls = models.MLPRegressor if regression else models.MLPClassifier
        # a progress bar on the terminal (nabla.nn.fit shows none when output is redirected)
        model = cls(hidden_layer_sizes=(64,), random_state=args.seed, verbose=True, **epochs)
    print(f"{split!r}", file=out)
    print(f"model: {type(model).__name__}", file=out)
    with warnings.catch_warnings(record=True) as caught, _quiet_numpy():
        warnings.simplefilter("always")
        model.fit(split.X_train, split.y_train)
    for warning in caught:
        if issubclass(warning.category, (UserWarning, RuntimeWarning)):
            print(f"nabla: warning: {_one_line(warning.message)}", file=err)
    score = "R^2" if regression else "accuracy"
    train = _check_finite(model.score(split.X_train, split.y_train), f"the train {score}")
    test = _check_finite(model.score(split.X_test, split.y_test), f"the test {score}")
    print(f"train {score}: {float(train):.4f}", file=out)
    print(f"test {score}: {float(test):.4f}", file=out)
    return 0


# -- the command ---------------------------------------------------------------------------

def _parser():
    parser = _Parser(prog="nabla", description="Calculus for machine learning: derivatives, "
                     "integrals, minimization and training from the command line.",
                     epilog="Arguments may start with '-' (-1, -inf, -x^2); only -h is an "
                     "option. Exit status: 0 success, 1 no convergence, 2 a mistake in "
                     "the input.")
    from nabla import __version__
    parser.add_argument("--version", action="version", version=f"nabla {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("diff", help="symbolic derivative, with the steps",
                       description="The derivative of EXPR (e.g. 'x^2*sin(x)'), simplified; "
                       "its value at a point with --at; the rules applied with --steps.")
    p.add_argument("expr", metavar="EXPR", help="the expression, e.g. 'exp(-x^2)'")
    p.add_argument("--var", default="x", help="the variable (default x); others are constants")
    p.add_argument("--order", type=_positive_int, default=1, help="the order n (default 1)")
    p.add_argument("--at", metavar="X", help="also evaluate the derivative at X (e.g. 3, pi/4)")
    p.add_argument("--steps", action="store_true", help="show the worked steps")

    p = sub.add_parser("integrate", help="definite integral, with an error estimate",
                       description="The integral of EXPR from A to B. A and B are numbers, "
                       "constant expressions (pi/2) or inf/-inf (quad only).")
    p.add_argument("expr", metavar="EXPR", help="the integrand, e.g. 'exp(-x)'")
    p.add_argument("a", metavar="A", help="lower limit (a number, pi, -inf, …)")
    p.add_argument("b", metavar="B", help="upper limit (a number, pi, inf, …)")
    p.add_argument("--var", default="x", help="the variable of integration (default x)")
    p.add_argument("--rule", choices=RULES, default="quad",
                   help="adaptive quad (default) or a fixed rule: " + ", ".join(RULES[1:]))
    p.add_argument("--n", type=_positive_int, default=None,
                   help="subintervals of a fixed rule (nodes for gauss); default 100 (10)")

    p = sub.add_parser("minimize", help="local minimizer of a function of x, y, …",
                       description="A local minimizer of EXPR from --x0 (one number per "
                       "variable; the variables are --vars, else x, y, z then the others "
                       "sorted by name).")
    p.add_argument("expr", metavar="EXPR", help="the function, e.g. '(x-1)^2 + (y+2)^2'")
    p.add_argument("--x0", nargs="+", required=True, metavar="X0", help="the start")
    p.add_argument("--vars", nargs="+", metavar="VAR", help="the variables, in --x0's order")
    p.add_argument("--method", choices=MINIMIZE_METHODS, default="lbfgs",
                   help="the method (default lbfgs); gd, momentum and nesterov need --lr")
    p.add_argument("--lr", type=float, default=None, help="learning rate (first-order methods)")
    p.add_argument("--maxiter", type=_positive_int, default=None, help="iteration limit")
    p.add_argument("--plot", metavar="FILE", help="save the path over the contours of f to "
                   "FILE (.png, .pdf, .svg; two variables; needs matplotlib)")

    p = sub.add_parser("train", help="fit a model on a bundled data set",
                       description="Fit a model on a bundled data set (standardized, 75/25 "
                       "stratified split) and print its train and test scores.")
    p.add_argument("dataset", metavar="DATASET",
                   help="digits, iris, breast_cancer, wine or diabetes (regression)")
    p.add_argument("--model", choices=MODELS, default=None,
                   help="logistic (default for classification), linear (default for "
                   "diabetes) or mlp")
    p.add_argument("--epochs", type=int, default=None, help="iterations / epochs of training")
    p.add_argument("--seed", type=int, default=0, help="seed of the split and the model")

    p = sub.add_parser("tour", help="the guided tour of the library",
                       description="Run the guided tour and write its HTML report "
                                   "(python -m nabla.tour).")
    p.add_argument("--out", default="nabla-tour", help="folder of the report (nabla-tour)")
    p.add_argument("--only", metavar="NAME", help="run one lesson only")
    p.add_argument("--quick", action="store_true", help="small sizes: a quick look")
    return parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _one_line(message):
    return " ".join(str(message).split())


def main(argv=None):
    """Run the ``nabla`` command with ``argv`` (default ``sys.argv[1:]``); return the exit
    status: 0 success, 1 no convergence, 2 a mistake, reported on one line of stderr.

    >>> main(["diff", "x^3", "--at", "2"])
    d/dx(x**3) = 3*x**2
    at x = 2: 12
    0
    >>> main(["integrate", "x^2", "0", "3"])  # doctest: +ELLIPSIS
    integral of x**2 dx from 0 to 3 (quad)
    value: 9
    ...
    0
    >>> main(["diff", "x +* 1"])       # a mistake: one line on stderr, status 2
    2
    """
    out, err = sys.stdout, sys.stderr
    try:
        args = _parser().parse_args(argv)
        if args.command is None:
            _parser().print_help(out)
            return 0
        if args.command == "tour":
            import nabla.tour

            return nabla.tour.main(["--out", args.out, *(["--only", args.only] if args.only
                                                          else []),
                                    *(["--quick"] if args.quick else [])])
        with _quiet_numpy():     # a 1/0 on the way is reported as a non-finite result
            if args.command == "diff":
                return _diff(args, out)
            if args.command == "integrate":
                return _integrate(args, out)
            if args.command == "minimize":
                return _minimize(args, out)
            return _train(args, out, err)
    except SystemExit as exit:                      # --help and --version
        return exit.code if isinstance(exit.code, int) else 0
    except KeyboardInterrupt:
        print("nabla: interrupted", file=err)
        return 130
    except (CLIError, ValueError, TypeError, ArithmeticError, ImportError, OSError) as error:
        # ParseError is a ValueError; the library's errors say what was wrong and what to do
        print(f"nabla: error: {_one_line(error) or type(error).__name__}", file=err)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
