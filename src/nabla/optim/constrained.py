r"""Minimization under constraints: simple bounds by projection, general constraints by
the augmented Lagrangian.

**Bounds** ``l ≤ x ≤ u`` (componentwise, ``±∞`` allowed) are kept by the projection onto
the box, ``P(x) = min(max(x, l), u)``. A point x* of the box is stationary (first-order
KKT) when no feasible direction descends, which is the same as

    P(x* − ∇f(x*)) = x*,        i.e. ∂ᵢf = 0 where lᵢ < xᵢ < uᵢ,
                                 ∂ᵢf ≥ 0 where xᵢ = lᵢ,  ∂ᵢf ≤ 0 where xᵢ = uᵢ,

and the size of the *projected gradient* ``‖P(x − ∇f) − x‖∞`` measures the distance
from it (it is the stopping test, as in SciPy's L-BFGS-B). Both methods move along the
*projection arc* ``x(t) = P(x + t d)`` and backtrack until the Armijo condition holds:

    f(x(t)) ≤ f(x) + c · ∇f(x)ᵀ (x(t) − x),        c = 10⁻⁴.

- ``'projected-gradient'``: ``d = −α ∇f(x)`` with the Barzilai–Borwein step
  ``α = sᵀs / sᵀy`` (``s``, ``y`` the last changes of x and of ∇f), the spectral
  projected gradient method.
- ``'lbfgs'`` (L-BFGS-B style): ``d = −H ∇f`` on the *free* variables, with ``H`` the
  L-BFGS inverse Hessian (two-loop recursion over the last pairs ``(s, y)``) restricted
  to them; a variable is *active*, and does not move, when it sits on a bound with the
  gradient pushing it outward (``xᵢ = lᵢ, ∂ᵢf > 0`` or ``xᵢ = uᵢ, ∂ᵢf < 0``). When the
  quasi-Newton arc finds no decrease, the memory is cleared and the step falls back to
  the steepest-descent arc.

**General constraints** ``c_E(x) = 0`` and ``c_I(x) ≥ 0`` (with multipliers λ and
ν ≥ 0, Lagrangian ``ℒ = f − λᵀc_E − νᵀc_I``) are handled by the augmented Lagrangian
of Powell, Hestenes and Rockafellar: for a penalty ``μ > 0`` minimize, over the box,

    L_A(x; λ, ν, μ) = f(x) − λᵀc_E(x) + (μ/2)‖c_E(x)‖²
                      + (1/2μ) Σᵢ ( max(0, νᵢ − μ c_I,ᵢ(x))² − νᵢ² ),

then update the multipliers from the minimizer,

    λ ← λ − μ c_E(x),        ν ← max(0, ν − μ c_I(x)),

which makes ``∇L_A(x; λ, ν, μ) = ∇f − J_Eᵀλ⁺ − J_Iᵀν⁺ = ∇ₓℒ(x, λ⁺, ν⁺)``: the inner
stopping test is the KKT stationarity of the new multipliers. The penalty grows
(``μ ← 10 μ``) whenever the violation ``max(|c_E|, |min(c_I, ν/μ)|)`` (infeasibility and
complementarity together) has not fallen to a quarter of its previous value. Unlike a
pure penalty method, μ need not go to infinity: with the right multipliers the
minimizer of ``L_A`` is the constrained solution for every large enough μ.

``x0`` may be a pytree (a dict of arrays, say): it is flattened into one vector
(the order of :func:`nabla.tree.flatten`, each leaf raveled in C order), bounds apply to
that vector, and ``x`` comes back in the structure of ``x0``. Gradients come from
:func:`nabla.value_and_grad`. Not converging is reported in the result (``success``,
``status``, ``message``); input that cannot be solved as given raises ``ValueError`` or
``TypeError`` saying what to change.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

import numpy as np

import nabla.numpy as nnp
from nabla import tree
from nabla.optim._vector import Objective
from nabla.optim.result import OptimizeResult
from nabla.transforms import value_and_grad

__all__ = ["ConstrainedResult", "augmented_lagrangian", "minimize_bounded"]

_ARMIJO = 1e-4     # sufficient decrease, as a fraction of the first-order prediction
_HALVINGS = 50     # backtracking gives up after this many halvings of the step
_MEMORY = 10       # (s, y) pairs kept by L-BFGS
_CURVATURE = 1e-10  # a pair is used only when sᵀy > this · yᵀy (positive curvature)
_METHODS = ("lbfgs", "projected-gradient")
_ALIASES = {"lbfgs": "lbfgs", "l-bfgs-b": "lbfgs", "projected-gradient": "projected-gradient"}

_PENALTY_START = 10.0
_PENALTY_GROWTH = 10.0
_PENALTY_MAX = 1e12
_ENOUGH_PROGRESS = 0.25  # the violation must fall to this fraction, or μ grows
_INNER_MAXITER = 2000


@dataclasses.dataclass(repr=False)
class ConstrainedResult(OptimizeResult):
    """An :class:`~nabla.optim.result.OptimizeResult` with what the constraints need.

    ``multipliers``: the Lagrange multipliers (SciPy's SLSQP layout: one flat array,
    the components of the equality constraints first, then those of the inequalities,
    each group in the order given; with ``ℒ = f − λᵀc_E − νᵀc_I``, so ν ≥ 0);
    ``constr_violation``: ``max(|c_E|, max(0, −c_I))`` at ``x``; ``penalty``: the final μ.
    ``history`` adds the violation and the penalty of each outer iteration.
    """

    multipliers: Any = None
    constr_violation: float = 0.0
    penalty: float = 0.0

    def __repr__(self):
        return super().__repr__().replace("OptimizeResult(", "ConstrainedResult(", 1)


# --------------------------------------------------------------------------------------
# A pytree start as one vector
# --------------------------------------------------------------------------------------


def _start(x0, who):
    """``x0`` checked, with every leaf as float64 (a 0-d leaf as a scalar): the start of an
    :class:`~nabla.optim._vector.Objective`. Unlike the unconstrained methods, these
    accept integer entries, and f always sees float64 whatever the dtypes of ``x0``."""
    leaves, treedef = tree.flatten(x0)
    if not leaves:
        raise ValueError(f"{who}: x0 has no numbers in it; give an array or a pytree "
                         f"of arrays")
    arrays = []
    for leaf in leaves:
        a = np.asarray(leaf)
        if a.dtype == bool or not (np.issubdtype(a.dtype, np.integer)
                                   or np.issubdtype(a.dtype, np.floating)):
            raise TypeError(f"{who}: x0 must hold real numbers, got {leaf!r} "
                            f"of dtype {a.dtype}")
        arrays.append(a.astype(np.float64))
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise ValueError(f"{who}: x0 must be finite, got {x0!r}")
    return tree.unflatten(treedef, [a[()] for a in arrays])


def _check_function(f, who):
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, got {type(f).__name__} {f!r}")


# --------------------------------------------------------------------------------------
# Bounds
# --------------------------------------------------------------------------------------


def _bound_value(v, default, who, where):
    if v is None:
        return default
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.ndarray)):
        raise TypeError(f"{who}: {where} must be a real number or None, got {v!r}")
    if np.isnan(v):
        raise ValueError(f"{who}: {where} is NaN; use None (or ±inf) for no bound")
    return float(v)


def _bounds(bounds, n, who):
    """``bounds`` (as SciPy takes them) as arrays ``(lo, hi)`` of length ``n``."""
    if bounds is None:
        return np.full(n, -np.inf), np.full(n, np.inf)
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):  # scipy.optimize.Bounds and alike
        try:
            lo = np.broadcast_to(np.asarray(bounds.lb, dtype=np.float64), (n,)).copy()
            hi = np.broadcast_to(np.asarray(bounds.ub, dtype=np.float64), (n,)).copy()
        except ValueError:
            raise ValueError(f"{who}: bounds.lb and bounds.ub must be scalars or have one "
                             f"entry per variable ({n}), got shapes {np.shape(bounds.lb)} "
                             f"and {np.shape(bounds.ub)}") from None
        if np.isnan(lo).any() or np.isnan(hi).any():
            raise ValueError(f"{who}: bounds contain NaN; use ±inf for no bound")
    else:
        try:
            pairs = list(bounds)
        except TypeError:
            raise TypeError(f"{who}: bounds must be a sequence of (low, high) pairs, an "
                            f"object with lb and ub, or None; got {bounds!r}") from None
        if len(pairs) == 2 and all(p is None or np.ndim(p) == 0 for p in pairs):
            pairs = [tuple(pairs)] * n  # one (low, high) pair for every variable
        if len(pairs) != n:
            raise ValueError(f"{who}: bounds must have one (low, high) pair per variable "
                             f"({n} of them), got {len(pairs)}")
        lo, hi = np.empty(n), np.empty(n)
        for i, pair in enumerate(pairs):
            if np.ndim(pair) != 1 or len(pair) != 2:
                raise ValueError(f"{who}: bounds[{i}] must be a (low, high) pair, "
                                 f"got {pair!r}")
            lo[i] = _bound_value(pair[0], -np.inf, who, f"the low bound of variable {i}")
            hi[i] = _bound_value(pair[1], np.inf, who, f"the high bound of variable {i}")
    bad = np.flatnonzero(lo > hi)
    if bad.size:
        i = bad[0]
        raise ValueError(f"{who}: bounds have low > high for variable {i} "
                         f"({lo[i]} > {hi[i]}); no point satisfies them")
    if np.any(lo == np.inf) or np.any(hi == -np.inf):
        raise ValueError(f"{who}: a low bound of +inf or a high bound of -inf leaves no "
                         f"feasible point")
    return lo, hi


def _projected_step(x, g, lo, hi):
    """``‖P(x − ∇f) − x‖∞``: zero exactly at a stationary point of f on the box."""
    return float(np.max(np.abs(np.clip(x - g, lo, hi) - x), initial=0.0))


# --------------------------------------------------------------------------------------
# Search directions
# --------------------------------------------------------------------------------------


class _SpectralGradient:
    """``d = −α ∇f`` with the Barzilai–Borwein step ``α = sᵀs / sᵀy``."""

    def __init__(self):
        self.alpha = None

    def direction(self, x, g, lo, hi):
        if self.alpha is None:
            self.alpha = 1.0 / max(np.max(np.abs(g)), 1.0)
        return -self.alpha * g

    def update(self, s, y):
        sy = s @ y
        self.alpha = float(np.clip(s @ s / sy, 1e-10, 1e10)) if sy > 0 else None


class _LBFGS:
    """``d = −H ∇f`` on the free variables, H from the last pairs ``(s, y)``."""

    def __init__(self):
        self.pairs = []

    def direction(self, x, g, lo, hi):
        free = ~(((x <= lo) & (g > 0)) | ((x >= hi) & (g < 0)))
        q = np.where(free, g, 0.0)
        used = []
        for s, y in self.pairs:
            s, y = np.where(free, s, 0.0), np.where(free, y, 0.0)
            sy = s @ y
            if sy > _CURVATURE * (y @ y):
                used.append((s, y, 1.0 / sy))
        if not used:  # no curvature known: a steepest-descent step of unit length
            norm = np.linalg.norm(q)
            return -q / norm if norm > 0 else q
        alphas = []
        for s, y, rho in reversed(used):
            a = rho * (s @ q)
            q = q - a * y
            alphas.append(a)
        s, y, _ = used[-1]
        r = (s @ y) / (y @ y) * q
        for (s, y, rho), a in zip(used, reversed(alphas)):
            r = r + (a - rho * (y @ r)) * s
        return -r

    def update(self, s, y):
        self.pairs.append((s, y))
        del self.pairs[:-_MEMORY]

    def reset(self):
        self.pairs = []


def _arc_search(objective, x, fx, g, d, lo, hi):
    """Backtrack along ``P(x + t d)`` to a point with sufficient decrease, or None."""
    t = 1.0
    for _ in range(_HALVINGS):
        xt = np.clip(x + t * d, lo, hi)
        slope = g @ (xt - x)
        if slope < 0:
            ft, gt = objective.value_and_grad(xt)
            if ft <= fx + _ARMIJO * slope:
                return xt, ft, gt
        elif not np.any(xt != x):
            return None
        t *= 0.5
    return None


# --------------------------------------------------------------------------------------
# The projected descent loop, shared by both methods
# --------------------------------------------------------------------------------------


def _method(method, who, name="method"):
    key = method.lower() if isinstance(method, str) else method
    if key not in _ALIASES:
        raise ValueError(f"{who}: unknown {name} {method!r}; choose one of {_METHODS}")
    return _ALIASES[key]


def _descend(objective, x, lo, hi, method, maxiter, gtol, ftol, on_step=None):
    """Projected descent from ``x``: ``(x, f, g, nit, status, message, history)``."""
    steps = _LBFGS() if method == "lbfgs" else _SpectralGradient()
    fx, g = objective.value_and_grad(x)
    if not np.isfinite(fx):
        return x, fx, g, 0, 2, f"f is not finite at the start (f = {fx})", [(x, fx)]
    history, nit = [(x, fx)], 0
    while True:
        pg = _projected_step(x, g, lo, hi)
        if pg <= gtol:
            return x, fx, g, nit, 0, (f"converged: the projected gradient "
                                      f"{pg:.3g} <= gtol"), history
        if nit == maxiter:
            return x, fx, g, nit, 1, (f"stopped at the iteration limit maxiter={maxiter}; "
                                      f"the projected gradient is {pg:.3g}"), history
        found = _arc_search(objective, x, fx, g, steps.direction(x, g, lo, hi), lo, hi)
        if found is None and method == "lbfgs":
            steps.reset()
            found = _arc_search(objective, x, fx, g, -g, lo, hi)
        if found is None:
            return x, fx, g, nit, 2, (f"the line search could not reduce f along the "
                                      f"projected arc; the projected gradient is "
                                      f"{pg:.3g} (gtol={gtol:g})"), history
        x_new, f_new, g_new = found
        steps.update(x_new - x, g_new - g)
        reduction = (fx - f_new) / max(abs(fx), abs(f_new), 1.0)
        x, fx, g, nit = x_new, f_new, g_new, nit + 1
        history.append((x, fx))
        if on_step is not None and on_step(x):
            return x, fx, g, nit, 3, "stopped by the callback", history
        if reduction < ftol:
            return x, fx, g, nit, 0, (f"converged: the relative reduction of f "
                                      f"{reduction:.3g} < ftol"), history


def _check_count(value, who, name, minimum=0):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < minimum:
        raise ValueError(f"{who}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_tolerance(value, who, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not value >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")
    return float(value)


def minimize_bounded(f, x0, bounds, *, method="lbfgs", maxiter=1000, gtol=1e-5,
                     ftol=2.2e-9, callback=None):
    r"""Minimize ``f`` over the box ``l ≤ x ≤ u`` by projected descent.

    Stops when the projected gradient ``‖P(x − ∇f(x)) − x‖∞ ≤ gtol`` (the first-order
    KKT conditions on the box, P the projection), or when an iteration reduces f by a
    relative ``(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) < ftol`` (``ftol=0`` turns
    that test off). Steps follow the projection arc ``P(x + t d)`` with Armijo
    backtracking; ``d`` is ``−∇f`` scaled by the Barzilai–Borwein step
    (``method='projected-gradient'``) or the L-BFGS direction on the variables not held
    by an active bound (``method='lbfgs'``, also spelled ``'L-BFGS-B'``).

    ``bounds`` as in ``scipy.optimize.minimize``: one ``(low, high)`` pair per variable
    (``None`` for no bound), a single pair for all variables, ``None`` for no bounds, or
    an object with ``lb`` and ``ub`` (``scipy.optimize.Bounds``). For a pytree ``x0``
    the variables are those of the flattened vector (module docstring). A start outside
    the box is projected onto it. ``callback(x)`` is called after each iteration; if it
    returns True the method stops (``status=3``).

    Returns an :class:`~nabla.optim.result.OptimizeResult`: ``status`` 0 converged,
    1 iteration limit, 2 the line search failed (no decrease possible, e.g. at the
    limit of floating point, or f not finite), 3 stopped by the callback.

    >>> import numpy as np
    >>> from nabla.optim.constrained import minimize_bounded
    >>> f = lambda x: (x[0] - 2.0) ** 2 + (x[1] + 1.0) ** 2   # unconstrained min (2, -1)
    >>> r = minimize_bounded(f, np.zeros(2), [(0.0, 1.0), (0.0, None)])
    >>> r.success, np.round(r.x, 6)                          # the nearest corner
    (True, array([1., 0.]))
    """
    who = "minimize_bounded"
    method = _method(method, who)
    maxiter = _check_count(maxiter, who, "maxiter")
    gtol = _check_tolerance(gtol, who, "gtol")
    ftol = _check_tolerance(ftol, who, "ftol")
    if callback is not None and not callable(callback):
        raise TypeError(f"{who}: callback must be a function of x or None, got {callback!r}")
    start = _start(x0, who)
    _check_function(f, who)
    objective = Objective(f, start, who=who)
    lo, hi = _bounds(bounds, objective.size, who)
    on_step = None if callback is None else (lambda v: bool(callback(objective.tree(v))))
    x, fx, g, nit, status, message, history = _descend(
        objective, np.clip(objective.start, lo, hi), lo, hi, method, maxiter, gtol, ftol,
        on_step)
    return OptimizeResult(
        x=objective.tree(x), fun=fx, jac=objective.tree(g), nit=nit, nfev=objective.nfev,
        njev=objective.njev, success=status == 0, status=status, message=message,
        history={"x": [objective.tree(v) for v, _ in history], "fun": [v for _, v in history]})


# --------------------------------------------------------------------------------------
# The augmented Lagrangian
# --------------------------------------------------------------------------------------


def _with_args(fun, args):
    return lambda x: fun(x, *args)


class _Constraints:
    """SciPy-style constraint dicts, split into equalities and inequalities."""

    def __init__(self, constraints, who):
        if isinstance(constraints, dict):
            constraints = [constraints]
        if constraints is None:
            constraints = []
        try:
            constraints = list(constraints)
        except TypeError:
            raise TypeError(f"{who}: constraints must be a dict {{'type': 'eq' or 'ineq', "
                            f"'fun': g}} or a list of them, got {constraints!r}") from None
        self.eq, self.ineq = [], []
        for i, con in enumerate(constraints):
            if not isinstance(con, dict) or "fun" not in con or "type" not in con:
                raise TypeError(f"{who}: constraints[{i}] must be a dict with keys 'type' "
                                f"('eq' or 'ineq') and 'fun', got {con!r}")
            if not callable(con["fun"]):
                raise TypeError(f"{who}: constraints[{i}]['fun'] must be a function, "
                                f"got {con['fun']!r}")
            fun = _with_args(con["fun"], tuple(con.get("args", ())))
            kind = str(con["type"]).lower()
            if kind not in ("eq", "ineq"):
                raise ValueError(f"{who}: constraints[{i}]['type'] must be 'eq' or 'ineq' "
                                 f"(meaning fun(x) >= 0), got {con['type']!r}")
            (self.eq if kind == "eq" else self.ineq).append(fun)

    def values(self, x):
        """``(c_E(x), c_I(x))`` as vectors (traced when x is)."""
        return _stacked(self.eq, x), _stacked(self.ineq, x)


def _stacked(funs, x):
    if not funs:
        return np.zeros(0)
    return nnp.concatenate([nnp.reshape(nnp.asarray(g(x)), (-1,)) for g in funs])


def _augmented(f, cons, lam, nu, mu):
    """``x ↦ L_A(x; λ, ν, μ)``, the PHR augmented Lagrangian."""
    def lagrangian(x):
        c_eq, c_in = cons.values(x)
        shifted = nnp.maximum(0.0, nu - mu * c_in)
        return (f(x) - lam @ c_eq + 0.5 * mu * (c_eq @ c_eq)
                + (shifted @ shifted - nu @ nu) / (2.0 * mu))
    return lagrangian


def _multiplier_scale(lam, nu):
    """``max(1, ‖(λ, ν)‖∞)``: gradients of the Lagrangian are measured relative to it."""
    return max(1.0, np.max(np.abs(lam), initial=0.0), np.max(nu, initial=0.0))


def _violation(c_eq, c_in):
    return float(max(np.max(np.abs(c_eq), initial=0.0),
                     np.max(np.maximum(0.0, -c_in), initial=0.0)))


def augmented_lagrangian(f, x0, constraints, bounds=None, *, maxiter=50, tol=1e-8,
                         inner_method="lbfgs"):
    r"""Minimize ``f`` subject to equality and inequality constraints (and bounds).

    ``constraints`` as in ``scipy.optimize.minimize``: a dict ``{'type': 'eq' | 'ineq',
    'fun': g}`` or a list of them (optionally with ``'args'``), meaning ``g(x) = 0`` or
    ``g(x) ≥ 0``; ``g`` returns a scalar or a vector (one constraint per entry) and is
    differentiated by nabla (a ``'jac'`` entry is not needed). ``bounds`` as in
    :func:`minimize_bounded`; they are kept exactly, by the inner solver.

    Each outer iteration minimizes the augmented Lagrangian

        L_A(x) = f − λᵀc_E + (μ/2)‖c_E‖² + (1/2μ) Σ (max(0, ν − μ c_I)² − ν²)

    over the box with :func:`minimize_bounded`'s ``inner_method``, then sets
    ``λ ← λ − μ c_E``, ``ν ← max(0, ν − μ c_I)`` and multiplies μ by 10 unless the
    violation fell to a quarter. It stops, successfully, when the violation
    ``max(|c_E|, |min(c_I, ν/μ)|)`` (feasibility and complementarity) is ≤ ``tol`` and
    so is the stationarity, the projected gradient of the Lagrangian (that of ``L_A``,
    which the inner solver drives down) over ``max(1, ‖(λ, ν)‖∞)``.

    Returns a :class:`ConstrainedResult`: ``x``, ``fun``, ``multipliers`` (equalities
    first, SciPy's SLSQP layout, with ``∇f = Σ λᵢ∇c_E,ᵢ + Σ νᵢ∇c_I,ᵢ``),
    ``constr_violation``, ``penalty``; ``nit`` counts outer iterations, ``nfev`` all
    evaluations of the augmented Lagrangian. ``status`` 0 converged, 1 iteration limit,
    2 the penalty reached its cap with the constraints still violated (likely
    infeasible).

    >>> import numpy as np
    >>> from nabla.optim.constrained import augmented_lagrangian
    >>> r = augmented_lagrangian(lambda x: x[0] ** 2 + x[1] ** 2, np.zeros(2),
    ...                          {'type': 'eq', 'fun': lambda x: x[0] + x[1] - 1.0})
    >>> r.success, np.round(r.x, 6), np.round(r.multipliers, 6)
    (True, array([0.5, 0.5]), array([1.]))
    """
    who = "augmented_lagrangian"
    inner_method = _method(inner_method, who, "inner_method")
    maxiter = _check_count(maxiter, who, "maxiter", minimum=1)
    tol = _check_tolerance(tol, who, "tol")
    _check_function(f, who)
    cons = _Constraints(constraints, who)
    start = _start(x0, who)
    flat = Objective(f, start, who=who)  # the vector of x0's entries and back
    lo, hi = _bounds(bounds, flat.size, who)
    x = np.clip(flat.start, lo, hi)
    c_eq, c_in = (np.asarray(c, dtype=np.float64) for c in cons.values(flat.tree(x)))
    lam, nu, mu = np.zeros(c_eq.size), np.zeros(c_in.size), _PENALTY_START
    history = {"x": [], "fun": [], "violation": [], "penalty": []}
    calls, previous = 0, np.inf
    for _ in range(maxiter):
        objective = Objective(_augmented(f, cons, lam, nu, mu), start, who=who)
        x, _, g, _, _, _, _ = _descend(objective, x, lo, hi, inner_method, _INNER_MAXITER,
                                       tol * _multiplier_scale(lam, nu), 0.0)
        calls += objective.nfev
        c_eq, c_in = (np.asarray(c, dtype=np.float64) for c in cons.values(flat.tree(x)))
        complementarity = np.minimum(c_in, nu / mu)
        lam, nu = lam - mu * c_eq, np.maximum(0.0, nu - mu * c_in)
        stationarity = _projected_step(x, g, lo, hi) / _multiplier_scale(lam, nu)
        violation = max(np.max(np.abs(c_eq), initial=0.0),
                        np.max(np.abs(complementarity), initial=0.0))
        history["x"].append(flat.tree(x))
        history["fun"].append(float(f(flat.tree(x))))
        history["violation"].append(float(violation))
        history["penalty"].append(mu)
        if violation <= tol and stationarity <= tol:
            status, message = 0, (f"converged: constraint violation {violation:.3g} and "
                                  f"stationarity {stationarity:.3g} <= tol")
            break
        if violation > max(tol, _ENOUGH_PROGRESS * previous):
            if mu >= _PENALTY_MAX:
                status, message = 2, (f"the penalty reached {mu:g} with the constraints "
                                      f"still violated by {violation:.3g}; the problem "
                                      f"may be infeasible")
                break
            mu = min(mu * _PENALTY_GROWTH, _PENALTY_MAX)
        previous = violation
    else:
        status, message = 1, (f"stopped at the iteration limit maxiter={maxiter}; "
                              f"violation {violation:.3g}, stationarity "
                              f"{stationarity:.3g} (tol={tol:g})")
    return ConstrainedResult(
        x=flat.tree(x), fun=history["fun"][-1], jac=value_and_grad(f)(flat.tree(x))[1],
        nit=len(history["fun"]), nfev=calls, njev=calls,
        success=status == 0, status=status, message=message, history=history,
        multipliers=np.concatenate([lam, nu]), constr_violation=_violation(c_eq, c_in),
        penalty=mu)
