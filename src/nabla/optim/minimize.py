r"""``minimize`` and ``maximize``: one entry point to every unconstrained method.

Find a local minimizer ``x* = argmin f(x)`` of a smooth ``f`` from a start ``x0``, which
may be any pytree of floating-point arrays (a dict of weights, say). Gradients come from
``nabla.value_and_grad`` and Hessians from ``nabla.hessian``, so ``f`` is ordinary NumPy
(or ``nabla.numpy``) code and needs no derivative written by hand.

==============  =========================================================================
``method``      iteration (``g = ∇f(x)``)
==============  =========================================================================
``'gd'``        ``x ← x − lr·g`` (gradient descent; option ``lr``, required)
``'momentum'``  heavy ball ``b ← βb + g, x ← x − lr·b`` (``lr`` required, ``beta=0.9``)
``'nesterov'``  ``b ← βb + g, x ← x − lr·(g + βb)`` (``lr`` required, ``beta=0.9``)
``'adam'``      Adam, bias-corrected moments (``lr=1e-3``, ``b1=0.9``, ``b2=0.999``)
``'rmsprop'``   ``x ← x − lr·g/(√v + ε)``, v a running mean of g² (``lr=1e-2``)
``'newton'``    ``(∇²f + τI) p = −g``, τ ≥ 0 the smallest shift found that makes the
                matrix positive definite, then Armijo backtracking from ``α = 1``
                (:mod:`nabla.optim.newton`): quadratic convergence near a minimizer, a
                descent step everywhere
``'bfgs'``      ``p = −Hg``, ``H ≈ ∇²f⁻¹`` by the BFGS update; strong Wolfe line search
``'lbfgs'``     the same with H from the last ``memory=10`` steps (two-loop recursion)
``'cg'``        nonlinear conjugate gradients, Polak–Ribière+ with restarts
==============  =========================================================================

The first five are the optimizers of :mod:`nabla.optim.optimizers` run with exact
gradients; their other hyperparameters (``eps``, ``weight_decay``, ``clip_norm``, …) are
options too. The others are in :mod:`nabla.optim.newton`,
:mod:`nabla.optim.quasi_newton` and :mod:`nabla.optim.conjugate_gradient`, with line
searches from :mod:`nabla.optim.linesearch`.

**Stopping.** After each iteration k, in this order: the callback; then success
(``status=0``) when ``‖∇f(x_k)‖∞ ≤ gtol``, or (when given) ``|f_k − f_{k−1}| ≤
tol·max(1, |f_k|)``, or ``‖x_k − x_{k−1}‖∞ ≤ xtol``; failure at ``maxiter`` (``status=1``,
default 1000 for the first-order methods and 200·n for the others, n the number of
unknowns). The run fails with ``status=2`` when it *diverges* (f or ∇f stops being
finite, or f grows to 10¹⁰·max(1, |f(x0)|) above its start: for the first-order
methods, a learning rate too large), when a line search finds no step that lowers f, or
when (for the line-search methods) f decreased by less than ten rounding errors,
``10·eps·|f|``: at the limit of f's precision, e.g. in float32 with a tight ``gtol``; ``status=3``
when the callback asked to stop. The message says which, and what to change; after a
divergence ``x`` is the last iterate before it, and ``history`` ends there.

**Derivatives supplied by f.** An ``f`` with methods ``f.value_and_grad(x, *args)`` and
``f.hessian(x, *args)`` (as :func:`nabla.distributed.objective` returns: the loss over the
blocks of Dask arrays) is asked for its gradient and Hessian instead of being
differentiated here, so each evaluation runs where f's data are.

The search runs on the float64 vector of all entries of ``x0``; ``f`` is always called
with a pytree shaped like ``x0``, each leaf in its own dtype (float32 code runs in
float32, and ``x`` comes back in float32).
"""

from __future__ import annotations

import dataclasses
import inspect
import numbers
from collections.abc import Callable

import numpy as np

from nabla import tree
from nabla.optim import conjugate_gradient, newton, optimizers, quasi_newton
from nabla.optim._staged import check_jit
from nabla.optim._vector import Objective
from nabla.optim.result import OptimizeResult

__all__ = ["METHODS", "maximize", "minimize"]

_BLOWUP = 1e10  # f this far above its start (relative to max(1, |f(x0)|)) is divergence
_FIRST_ORDER_MAXITER = 1000
_STALL = 10  # a decrease of f below this many rounding errors (eps·|f|) is no progress


def _first_order(factory):
    """The iterates of a :mod:`nabla.optim.optimizers` optimizer with exact gradients."""

    def steps(objective, x, f, g, **hyperparameters):
        optimizer = factory(**hyperparameters)
        state = optimizer.init(x)
        while True:
            x, state = optimizer.update(g, state, x)
            f, g = objective.value_and_grad(x)
            yield x, f, g

    return steps


@dataclasses.dataclass(frozen=True)
class _Method:
    """A method: its iterates ``steps(objective, x, f, g, **options)``, the names of its
    options, and, for the first-order methods, the optimizer factory (which has ``lr``)."""

    steps: Callable
    options: tuple
    factory: Callable | None = None

    def check(self, name, options):
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            accepted = ", ".join(self.options) or "none"
            raise TypeError(f"minimize(method={name!r}) has no option {unknown[0]!r}; "
                            f"its options are: {accepted}")
        if self.factory is not None and "lr" not in options and self.learning_rate({}) is None:
            raise ValueError(f"method={name!r} needs a learning rate: pass lr=..., small "
                             "enough for the steps to shrink the loss (e.g. lr=0.01)")

    def learning_rate(self, options):
        """The ``lr`` a first-order method runs with (None where it has no default)."""
        default = inspect.signature(self.factory).parameters["lr"].default
        return options.get("lr", None if default is inspect.Parameter.empty else default)


def _method_of(steps):
    names = tuple(name for name, parameter in inspect.signature(steps).parameters.items()
                  if parameter.kind is inspect.Parameter.KEYWORD_ONLY)
    return _Method(steps, names)


def _method_of_optimizer(factory):
    names = tuple(name for name in inspect.signature(factory).parameters if name != "maximize")
    return _Method(_first_order(factory), names, factory)


METHODS = {
    "gd": _method_of_optimizer(optimizers.sgd),
    "momentum": _method_of_optimizer(optimizers.momentum),
    "nesterov": _method_of_optimizer(optimizers.nesterov),
    "adam": _method_of_optimizer(optimizers.adam),
    "rmsprop": _method_of_optimizer(optimizers.rmsprop),
    "newton": _method_of(newton.steps),
    "bfgs": _method_of(quasi_newton.bfgs_steps),
    "lbfgs": _method_of(quasi_newton.lbfgs_steps),
    "cg": _method_of(conjugate_gradient.steps),
}


def minimize(f, x0, method="lbfgs", *, args=(), bounds=None, constraints=None, callback=None,
             maxiter=None, gtol=1e-6, tol=None, xtol=None, jit="auto", **options):
    r"""A local minimizer of ``f(x, *args)`` from ``x0``, by ``method`` (module docstring).

    ``x0``: an array, a float, or a pytree of them (``f`` receives the same structure);
    ``callback(intermediate_result)`` is called after every iteration with an
    :class:`~nabla.optim.result.OptimizeResult` (``x``, ``fun``, ``jac``, ``nit``, …);
    returning True (or raising ``StopIteration``) stops the run with ``status=3``.
    ``options`` are those of the method (``lr``, ``beta``, ``memory``, …).

    ``jit``: with ``True`` the gradient (and, for Newton, the Hessian) of f is compiled by
    :func:`nabla.jit` at its first evaluation, for the unconstrained methods: the same
    iterates, faster (Rosenbrock in 100 dimensions by L-BFGS: about 2×). f is then
    traced once, so it must be a function of x and ``args`` alone: where it cannot be
    compiled (it branches on a value, ``if x[0] > 0``: write ``nabla.numpy.where``) or
    its compiled result differs (it draws random numbers), it runs eagerly with a
    ``UserWarning``. ``"auto"`` (the default) does the same without the warning;
    ``False`` always runs f eagerly.

    With ``bounds`` (SciPy's forms: one ``(low, high)`` per entry, ``None`` for no bound)
    the work goes to :func:`nabla.optim.constrained.minimize_bounded` (projected L-BFGS;
    ``method`` is ``'lbfgs'`` or ``'projected-gradient'``), and with ``constraints``
    (SciPy dicts ``{'type': 'eq' | 'ineq', 'fun': c}``, ``'ineq'`` meaning ``c(x) ≥ 0``) to
    :func:`nabla.optim.constrained.augmented_lagrangian`, whose result (with the Lagrange
    multipliers) is returned.

    Returns an :class:`~nabla.optim.result.OptimizeResult`: ``x`` (structure and dtypes
    of ``x0``), ``fun`` = f(x), ``jac`` = ∇f(x) (structure of ``x0``), ``nit``, ``nfev``,
    ``njev``, ``success``, ``status``, ``message`` and ``history`` = ``{'x': [x0, x1, …],
    'fun': [f(x0), f(x1), …]}``. Not converging is reported there, never raised;
    an unknown method or option, or an ``x0`` that is not floating-point or not finite,
    raises ``ValueError`` or ``TypeError``.

    >>> import numpy as np
    >>> from nabla.optim.minimize import minimize
    >>> rosen = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    >>> r = minimize(rosen, np.array([-1.2, 1.0]), method='newton')
    >>> r.success, np.round(r.x, 8), r.nit
    (True, array([1., 1.]), 24)
    """
    return _optimize(f, x0, method, 1.0, args, bounds, constraints, callback, maxiter, gtol,
                     tol, xtol, jit, options, "minimize")


def maximize(f, x0, method="lbfgs", *, args=(), bounds=None, constraints=None, callback=None,
             maxiter=None, gtol=1e-6, tol=None, xtol=None, jit="auto", **options):
    r"""A local maximizer of ``f(x, *args)``: :func:`minimize` applied to ``−f``.

    ``argmax f = argmin (−f)``; the result reports f itself: ``fun`` is the maximum
    found (not negated), ``jac`` and ``history['fun']`` are those of f, and the callback
    sees f's values. Same arguments and methods as :func:`minimize` (first-order methods
    take steps of gradient *ascent*, ``x ← x + lr·∇f``).

    >>> import numpy as np
    >>> from nabla.optim.minimize import maximize
    >>> r = maximize(lambda x: 3.0 - (x - 2.0) ** 2, 0.0, method='gd', lr=0.25)
    >>> r.success, round(float(r.x), 6), round(float(r.fun), 6)
    (True, 2.0, 3.0)
    """
    return _optimize(f, x0, method, -1.0, args, bounds, constraints, callback, maxiter, gtol,
                     tol, xtol, jit, options, "maximize")


# --------------------------------------------------------------------------------------
# Checking what the user passed
# --------------------------------------------------------------------------------------


def _check_tolerance(value, name, who, optional=True):
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0{' or None' if optional else ''}, "
                         f"got {value!r}")
    return float(value)


def _check_call(f, callback, maxiter, who):
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, got {type(f).__name__} {f!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"{who}: callback must be a function of the intermediate result, "
                        f"or None; got {callback!r}")
    if maxiter is not None and (isinstance(maxiter, bool)
                                or not isinstance(maxiter, numbers.Integral) or maxiter < 0):
        raise ValueError(f"{who}: maxiter must be an integer >= 0 or None, got {maxiter!r}")


def _method_named(method, who):
    key = method.lower() if isinstance(method, str) else None
    if key not in METHODS:
        raise ValueError(f"{who}: unknown method {method!r}; the methods are "
                         + ", ".join(repr(name) for name in METHODS)
                         + " (with bounds or constraints see nabla.optim.constrained)")
    return key, METHODS[key]


# --------------------------------------------------------------------------------------
# The run: iterate, record, stop
# --------------------------------------------------------------------------------------


def _optimize(f, x0, method, sign, args, bounds, constraints, callback, maxiter, gtol, tol,
              xtol, jit, options, who):
    _check_call(f, callback, maxiter, who)
    jit = check_jit(jit, who)
    args = args if isinstance(args, tuple) else (args,)
    gtol = _check_tolerance(gtol, "gtol", who, optional=False)
    tol, xtol = _check_tolerance(tol, "tol", who), _check_tolerance(xtol, "xtol", who)
    if bounds is not None or constraints is not None:
        if xtol is not None:
            raise ValueError(f"{who}: xtol is for the unconstrained methods; with bounds or "
                             "constraints use gtol and tol")
        return _constrained(f, x0, method, sign, args, bounds, constraints, callback,
                            maxiter, gtol, tol, options, who)
    name, chosen = _method_named(method, who)
    chosen.check(name, options)
    objective = Objective(f, x0, args, sign, who, jit=jit)
    _use_supplied_derivatives(objective, f, args, sign)
    if maxiter is None:
        maxiter = _FIRST_ORDER_MAXITER if chosen.factory else 200 * objective.size
    lr = chosen.learning_rate(options) if chosen.factory else None
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite values are reported
        run = _Run(objective, sign, callback, (gtol, tol, xtol), lr, who)
        run.iterate(chosen.steps, maxiter, options)
    return run.result()


def _use_supplied_derivatives(objective, f, args, sign):
    """Let ``objective`` take f's own ``value_and_grad`` and ``hessian`` (of ``sign·f``)
    when f has both methods (module docstring)."""
    if not (callable(getattr(f, "value_and_grad", None)) and callable(getattr(f, "hessian",
                                                                              None))):
        return

    def value_and_grad(x):
        value, gradient = f.value_and_grad(x, *args)
        return (value, gradient) if sign > 0 else (-value, _negated(gradient))

    def hessian(x):
        matrix = f.hessian(x, *args)
        return matrix if sign > 0 else _negated(matrix)

    objective._value_and_grad, objective._hessian = value_and_grad, hessian


class _Run:
    """One optimization: the iterates so far and the reason it stopped.

    ``path`` holds ``(x, f, ∇f)`` as vectors, of ``sign·f`` (the function minimized);
    ``lr`` is the learning rate of a first-order method (None for the others), named in
    the advice when the run diverges or runs out of iterations.
    """

    def __init__(self, objective, sign, callback, tolerances, lr, who):
        self.objective, self.sign, self.callback = objective, sign, callback
        self.gtol, self.tol, self.xtol = tolerances
        self.lr = lr
        x = objective.start
        f, g = objective.value_and_grad(x)
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            raise ValueError(f"{who}: f(x0) = {sign * f} and its gradient must be finite to "
                             "start from x0; choose a start inside the domain of f")
        self.path = [(x, f, g)]
        self.status, self.message = 0, ""

    def iterate(self, steps, maxiter, options):
        if self.converged():
            return
        x, f, g = self.path[0]
        iterates = steps(self.objective, x, f, g, **options)
        for k in range(1, maxiter + 1):
            try:
                point = next(iterates)
            except StopIteration as end:
                return self.stop(2, f"stopped at iteration {k} with ‖∇f‖∞ = "
                                    f"{self.gradient_norm():.2e} > gtol = {self.gtol:g}: "
                                    f"{end.value}")
            if self.diverged(point, k):
                return
            self.path.append(point)
            if self.interrupted(k) or self.converged() or self.stalled(k):
                return
        self.stop(1, f"maxiter = {maxiter} iterations reached with ‖∇f‖∞ = "
                     f"{self.gradient_norm():.2e} > gtol = {self.gtol:g}: raise maxiter"
                     + ("" if self.lr is None else f", or lr (it was {self.lr})"))

    def stop(self, status, message):
        self.status, self.message = status, message

    def gradient_norm(self):
        return float(np.max(np.abs(self.path[-1][2])))

    def advice(self):
        if self.lr is None:
            return "f is not differentiable there, or x left the domain of f"
        return f"lower lr (it was {self.lr})"

    def diverged(self, point, k):
        """Whether ``point`` is not finite or f blew up (then the status is set)."""
        x, f, g = point
        shown = "objective" if self.lr is None else "loss"
        if f == -np.inf:
            self.stop(2, f"the {shown} became {self.sign * f} at step {k}: f is unbounded "
                         + ("below" if self.sign > 0 else "above"))
        elif not (np.isfinite(f) and np.all(np.isfinite(x))):
            self.stop(2, f"the {shown} became {self.sign * f} at step {k}: {self.advice()}")
        elif not np.all(np.isfinite(g)):
            self.stop(2, f"the gradient became {g[~np.isfinite(g)][0]} at step {k}: "
                         f"{self.advice()}")
        elif f - self.path[0][1] > _BLOWUP * max(1.0, abs(self.path[0][1])):
            self.stop(2, f"the {shown} grew from {self.sign * self.path[0][1]:.3g} to "
                         f"{self.sign * f:.3g} by step {k}: diverging; {self.advice()}")
        else:
            return False
        return True

    def interrupted(self, k):
        if self.callback is None:
            return False
        try:
            halt = self.callback(self.result(with_history=False))
        except StopIteration:
            halt = True
        if halt is True:
            self.stop(3, f"stopped by the callback at iteration {k}")
        return halt is True

    def converged(self):
        """The stopping tests on the newest iterate; sets the status when one holds."""
        (before, f_before, _), (x, f, _) = self.path[max(0, len(self.path) - 2)], self.path[-1]
        norm = self.gradient_norm()
        if norm <= self.gtol:
            self.stop(0, f"converged: ‖∇f‖∞ = {norm:.2e} ≤ gtol = {self.gtol:g}")
        elif len(self.path) < 2:
            return False
        elif self.tol is not None and abs(f_before - f) <= self.tol * max(1.0, abs(f)):
            self.stop(0, f"converged: f changed by {abs(f_before - f):.2e} ≤ tol·max(1, |f|)")
        elif self.xtol is not None and np.max(np.abs(x - before)) <= self.xtol:
            self.stop(0, f"converged: the step ‖Δx‖∞ = {np.max(np.abs(x - before)):.2e} ≤ "
                         f"xtol = {self.xtol:g}")
        else:
            return False
        return True

    def stalled(self, k):
        """Whether a line-search method's last decrease of f was within its rounding error
        (``_STALL·eps·|f|``): f cannot tell better points apart, so stop (``status=2``)."""
        f_before, f = self.path[-2][1], self.path[-1][1]
        if self.lr is not None or f_before - f > _STALL * self.objective.eps * abs(f_before):
            return False
        self.stop(2, f"stopped at iteration {k}: f decreased by only {f_before - f:.2e}, "
                     f"within its rounding error, with ‖∇f‖∞ = {self.gradient_norm():.2e} > "
                     f"gtol = {self.gtol:g}: f is at the limit of its precision; loosen gtol, "
                     "or compute f in float64")
        return True

    def result(self, with_history=True):
        objective, sign = self.objective, self.sign
        x, f, g = self.path[-1]
        history = ({"x": [objective.tree(v) for v, _, _ in self.path],
                    "fun": [sign * value for _, value, _ in self.path]}
                   if with_history else {"x": [], "fun": []})
        return OptimizeResult(
            x=objective.tree(x), fun=sign * f, jac=objective.tree(sign * g),
            nit=len(self.path) - 1, nfev=objective.nfev,
            njev=objective.njev, success=self.status == 0, status=self.status,
            message=self.message, history=history)


# --------------------------------------------------------------------------------------
# Bounds and constraints: nabla.optim.constrained
# --------------------------------------------------------------------------------------


def _constrained(f, x0, method, sign, args, bounds, constraints, callback, maxiter, gtol, tol,
                 options, who):
    """Hand the problem to :mod:`nabla.optim.constrained`, with ``−f`` to maximize; the
    result is turned back to f's sign (the multipliers stay those of ``−f``)."""
    from nabla.optim import constrained

    objective = (lambda x: f(x, *args)) if sign > 0 else (lambda x: -f(x, *args))
    given = {"maxiter": maxiter}
    if constraints is None:
        given |= {"method": method, "gtol": gtol, "ftol": tol,
                  "callback": None if callback is None else _intermediate(callback, f, args)}
        result = constrained.minimize_bounded(objective, x0, bounds,
                                              **_present(given), **options)
    else:
        if callback is not None:
            raise ValueError(f"{who}: callback is not supported with constraints")
        given |= {"inner_method": method, "tol": tol}
        result = constrained.augmented_lagrangian(objective, x0, constraints, bounds,
                                                  **_present(given), **options)
    if sign < 0:
        result.fun = -result.fun
        result.jac = None if result.jac is None else _negated(result.jac)
        result.history["fun"] = [-value for value in result.history.get("fun", [])]
    return result


def _present(given):
    return {key: value for key, value in given.items() if value is not None}


def _intermediate(callback, f, args):
    """A callback of x (as the constrained solvers call it) that hands on a result."""
    return lambda x: callback(OptimizeResult(x=x, fun=f(x, *args)))


def _negated(pytree):
    return tree.map(lambda leaf: -leaf, pytree)
