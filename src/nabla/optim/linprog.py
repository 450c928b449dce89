r"""Linear programs by a primal–dual interior-point method: Newton's method on the KKT
conditions, kept inside the positive orthant and led along the central path.

Every linear program is brought to *standard form*

    minimize cᵀx   subject to   A x = b,   x ≥ 0,

and its optimality conditions are those of calculus with a sign condition: x is optimal
exactly when there are multipliers y (one per row, free) and z ≥ 0 (one per variable)
with (the **KKT conditions**)

    A x = b,          Aᵀy + z = c,          xᵢ zᵢ = 0 for every i,          x, z ≥ 0.

The first is primal feasibility, the second is ``∇ₓ(cᵀx − yᵀ(Ax − b) − zᵀx) = 0`` (dual
feasibility: y is a solution of the dual program, maximize bᵀy subject to Aᵀy ≤ c), the
third *complementarity*: a variable and its reduced cost are not both positive. Unlike
the smooth problems of :mod:`nabla.optim.constrained`, the minimum of a linear function
sits at a corner of the feasible polyhedron, where the gradient c never vanishes; the
combinatorics of *which* corner hides in the complementarity equations.

**The central path.** Replacing ``xᵢ zᵢ = 0`` by ``xᵢ zᵢ = μ`` gives, for each μ > 0, the
KKT conditions of the *barrier* problem ``minimize cᵀx − μ Σ log xᵢ subject to Ax = b``
(``zᵢ = μ/xᵢ``). Its solutions ``(x(μ), y(μ), z(μ))`` form a smooth curve, the central
path, that ends at an optimal solution as ``μ → 0``; the duality gap along it is
``cᵀx − bᵀy = xᵀz = nμ``.

**Newton's method.** The conditions are the root of a nonlinear (bilinear) map
``F(x, y, z) = (Ax − b, Aᵀy + z − c, XZe − σμe)`` (``X = diag(x)``). One Newton step
``J_F Δ = −F`` reads

    A Δx = r_p,        AᵀΔy + Δz = r_d,        Z Δx + X Δz = σμe − XZe,

and eliminating Δz, then Δx, leaves the *normal equations* ``(A D Aᵀ) Δy = r`` with
``D = X Z⁻¹``: a symmetric positive definite system, solved by a Cholesky factorization
(:func:`nabla.numpy.linalg.cholesky` and triangular solves). The step is cut short
(to 99.5 % of the way) so that x and z stay positive. Mehrotra's predictor–corrector
takes each step in two solves with the same factor: the *affine* direction (σ = 0)
says how far pure Newton could go, that sets the centering ``σ = (μ_aff/μ)³``, and the
corrector adds the second-order term ``ΔX_aff ΔZ_aff e`` that the linearization left out.

**Infeasible and unbounded problems.** The method above assumes a solution exists.
Following Ye, Todd and Mizuno (and SciPy's former ``'interior-point'``, after Andersen
and Andersen), the program is embedded in the *homogeneous self-dual* system

    A x − b τ = 0,    Aᵀy + z − c τ = 0,    bᵀy − cᵀx − κ = 0,    x, z, τ, κ ≥ 0,

whose iterates ``(x, y, z, τ, κ)`` follow the same kind of Newton steps (with ``τκ`` as
one more complementary pair). It always has a solution with ``τ κ = 0``: if ``τ > 0``,
``x/τ`` and ``y/τ`` are optimal; if ``τ = 0 < κ``, then ``bᵀy − cᵀx > 0`` is a
certificate: ``bᵀy > 0`` with ``Aᵀy ≤ 0`` proves the program infeasible (Farkas), and
``cᵀx < 0`` with ``Ax = 0, x ≥ 0`` is a ray along which the objective decreases
without end (the program is unbounded, if it has a feasible point at all).

**Standard form.** Bounds ``l ≤ x ≤ u`` become ``x = l + p`` (``p ≥ 0``, plus a row
``p + w = u − l`` when u is finite), ``x = u − p`` when only u is finite, ``x = p − q``
for a free variable, and a fixed variable (``l = u``) is substituted; each inequality
row ``A_ub x ≤ b_ub`` gets a slack ``s ≥ 0``.
"""

from __future__ import annotations

import dataclasses
import numbers
import types
from typing import Any

import numpy as np

from nabla.numpy import linalg
from nabla.optim.constrained import _bounds
from nabla.optim.result import OptimizeResult
from nabla.scipy.linalg import solve_triangular

__all__ = ["LinprogResult", "linprog"]

_BOUNDARY = 0.995        # steps go this fraction of the way to the boundary x, z ≥ 0
_REGULARIZE = 1e-13      # the first diagonal shift tried, relative to max diag(A D Aᵀ)
_REGULARIZE_MAX = 1e-5   # the largest shift, before giving up (status 4)
_SMALLEST_STEP = 1e-12   # a step length below this means numerical trouble

_MESSAGES = {
    0: "optimal: the primal and dual residuals and the duality gap are below tol",
    1: "stopped at the iteration limit maxiter={maxiter} before reaching tol",
    2: "the problem is infeasible: a Farkas certificate y (Aᵀy ≤ 0, bᵀy > 0) was found",
    3: ("the problem is unbounded: a ray x ≥ 0 (Ax = 0) along which cᵀx decreases "
        "without end was found, and the dual program is infeasible"),
    4: "numerical difficulties: {why}",
}


@dataclasses.dataclass(repr=False)
class LinprogResult(OptimizeResult):
    """A linear program's result, with the fields of ``scipy.optimize.linprog``.

    Besides ``x``, ``fun``, ``nit``, ``success``, ``status`` (0 optimal, 1 iteration
    limit, 2 infeasible, 3 unbounded, 4 numerical trouble) and ``message``:
    ``slack = b_ub − A_ub x`` (≥ 0 when feasible), ``con = b_eq − A_eq x`` (≈ 0), and
    ``ineqlin`` / ``eqlin`` with ``residual`` (the slack / con) and ``marginals``, the
    dual values ``∂fun/∂b_ub`` and ``∂fun/∂b_eq`` (the sensitivity of the optimal value
    to each right-hand side; ≤ 0 for inequalities). ``history`` holds the iterates
    ``x/τ`` and their objective values: the path the method took through the interior.
    As with SciPy's HiGHS, an infeasible or unbounded program has ``x = fun = None``.
    """

    slack: Any = None
    con: Any = None
    ineqlin: Any = None
    eqlin: Any = None

    def __repr__(self):
        return super().__repr__().replace("OptimizeResult(", "LinprogResult(", 1)


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


def _finite_array(value, name, ndim):
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"linprog: {name} must be an array of real numbers, "
                        f"got {value!r}") from None
    if ndim == 1 and a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != ndim:
        raise ValueError(f"linprog: {name} must be {'a vector' if ndim == 1 else 'a matrix'}"
                         f" ({ndim}-D), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"linprog: {name} must be finite (no NaN or inf)")
    return a


def _rows(A, b, n, kind):
    """The constraint rows ``A_kind``, ``b_kind`` checked against n variables."""
    if (A is None or np.size(A) == 0) and (b is None or np.size(b) == 0):
        return np.zeros((0, n)), np.zeros(0)
    if A is None or b is None:
        given, missing = ("A", "b") if b is None else ("b", "A")
        raise ValueError(f"linprog: {given}_{kind} is given without {missing}_{kind}; "
                         f"give both or neither")
    A = _finite_array(A, f"A_{kind}", 2)
    b = _finite_array(b, f"b_{kind}", 1)
    if A.shape[1] != n:
        raise ValueError(f"linprog: A_{kind} has {A.shape[1]} columns but c has {n} "
                         f"entries; A_{kind} needs one column per variable")
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"linprog: A_{kind} has {A.shape[0]} rows but b_{kind} has "
                         f"{b.shape[0]} entries; they need one per constraint")
    return A, b


# --------------------------------------------------------------------------------------
# Standard form: min cᵀx, Ax = b, x ≥ 0
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Standard:
    """``min cᵀv, Av = b, v ≥ 0``, where the original ``x = offset + T v[:T.shape[1]]``."""

    A: np.ndarray
    b: np.ndarray
    c: np.ndarray
    T: np.ndarray
    offset: np.ndarray


def _standard_form(c, A_ub, b_ub, A_eq, b_eq, lo, hi):
    n = c.size
    columns, offset, upper_rows = [], np.zeros(n), []
    for i in range(n):
        if lo[i] == hi[i]:                       # fixed: substituted
            offset[i] = lo[i]
        elif np.isfinite(lo[i]):                 # x = l + p (and p + w = u − l)
            offset[i] = lo[i]
            columns.append((i, 1.0))
            if np.isfinite(hi[i]):
                upper_rows.append((len(columns) - 1, hi[i] - lo[i]))
        elif np.isfinite(hi[i]):                 # x = u − p
            offset[i] = hi[i]
            columns.append((i, -1.0))
        else:                                    # x = p − q
            columns += [(i, 1.0), (i, -1.0)]
    T = np.zeros((n, len(columns)))
    for j, (i, sign) in enumerate(columns):
        T[i, j] = sign
    m_ub, m_eq, m_up, k = len(b_ub), len(b_eq), len(upper_rows), len(columns)
    A = np.zeros((m_ub + m_eq + m_up, k + m_ub + m_up))
    A[:m_ub, :k] = A_ub @ T
    A[:m_ub, k:k + m_ub] = np.eye(m_ub)
    A[m_ub:m_ub + m_eq, :k] = A_eq @ T
    for r, (j, _) in enumerate(upper_rows):
        A[m_ub + m_eq + r, j] = 1.0
        A[m_ub + m_eq + r, k + m_ub + r] = 1.0
    b = np.concatenate([b_ub - A_ub @ offset, b_eq - A_eq @ offset,
                        [width for _, width in upper_rows]])
    cost = np.concatenate([T.T @ c, np.zeros(m_ub + m_up)])
    return _Standard(A=A, b=b, c=cost, T=T, offset=offset)


# --------------------------------------------------------------------------------------
# The homogeneous self-dual interior-point method
# --------------------------------------------------------------------------------------


class _NumericalTrouble(Exception):
    pass


class _NormalEquations:
    """A Cholesky factor of ``A D Aᵀ`` (shifted a little if it is not numerically PD)."""

    def __init__(self, A, d):
        M = (A * d) @ A.T
        scale = max(float(np.max(np.diag(M), initial=0.0)), 1.0)
        shift = 0.0
        while True:
            try:
                self.L = linalg.cholesky(M if shift == 0 else M + shift * np.eye(len(M)))
                break
            except linalg.LinAlgError:
                shift = _REGULARIZE * scale if shift == 0 else shift * 100
                if shift > _REGULARIZE_MAX * scale:
                    raise _NumericalTrouble("the normal equations A D Aᵀ are singular "
                                            "(dependent rows?)") from None

    def solve(self, r):
        return solve_triangular(self.L, solve_triangular(self.L, r, lower=True),
                                lower=True, trans=1)


def _direction(A, b, c, point, normal, q, v, eta, r_xz, r_tk):
    """The Newton direction of the embedding for the given right-hand sides.

    ``q, v``: ``(A D Aᵀ)⁻¹(A D c + b)`` and ``D(Aᵀq − c)``, shared by every solve.
    """
    x, y, z, tau, kappa = point
    d = x / z
    r_p = b * tau - A @ x
    r_d = c * tau - A.T @ y - z
    r_g = c @ x - b @ y + kappa
    r_hat = eta * r_d - r_xz / x
    p = normal.solve(eta * r_p + A @ (d * r_hat))
    u = d * (A.T @ p - r_hat)
    dtau = ((eta * r_g + c @ u - b @ p + r_tk / tau)
            / (b @ q - c @ v + kappa / tau))
    dx = u + v * dtau
    dy = p + q * dtau
    dz = (r_xz - z * dx) / x
    dkappa = (r_tk - kappa * dtau) / tau
    return dx, dy, dz, dtau, dkappa


def _longest_step(point, step):
    """The largest α ≤ 1 with x, z, τ, κ + α·Δ ≥ 0 (y is free)."""
    alpha = 1.0
    for i in (0, 2, 3, 4):
        value, change = np.atleast_1d(point[i]), np.atleast_1d(step[i])
        falling = change < 0
        if np.any(falling):
            alpha = min(alpha, float(np.min(-value[falling] / change[falling])))
    return alpha


def _move(point, step, alpha):
    return tuple(v + alpha * s for v, s in zip(point, step))


def _interior_point(A, b, c, tol, maxiter):
    """``(x, y, status, nit, why, path)`` for ``min cᵀx, Ax = b, x ≥ 0``."""
    m, n = A.shape
    point = (np.ones(n), np.zeros(m), np.ones(n), 1.0, 1.0)
    x, y, z, tau, kappa = point
    norms0 = (max(1.0, np.linalg.norm(b - A @ x)), max(1.0, np.linalg.norm(c - z)),
              max(1.0, abs(c @ x + kappa)))
    mu0 = (x @ z + tau * kappa) / (n + 1)
    path, nit = [], 0
    while True:
        x, y, z, tau, kappa = point
        path.append(x / tau)
        rho_p = np.linalg.norm(b * tau - A @ x) / norms0[0]
        rho_d = np.linalg.norm(c * tau - A.T @ y - z) / norms0[1]
        rho_g = abs(c @ x - b @ y + kappa) / norms0[2]
        rho_gap = abs(c @ x - b @ y) / (tau + abs(b @ y))
        mu = (x @ z + tau * kappa) / (n + 1)
        if rho_p <= tol and rho_d <= tol and rho_gap <= tol:
            return x / tau, y / tau, 0, nit, "", path
        if ((rho_p <= tol and rho_d <= tol and rho_g <= tol and tau <= tol * max(1, kappa))
                or (mu / mu0 <= tol and tau <= tol * min(1, kappa))):
            return x, y, 2 if b @ y > 0 else 3, nit, "", path
        if nit == maxiter:
            return x / tau, y / tau, 1, nit, "", path
        try:
            step = _predictor_corrector(A, b, c, point, mu)
        except _NumericalTrouble as trouble:
            return x / tau, y / tau, 4, nit, str(trouble), path
        alpha = min(1.0, _BOUNDARY * _longest_step(point, step))
        if not alpha > _SMALLEST_STEP or not all(np.all(np.isfinite(s)) for s in step):
            return x / tau, y / tau, 4, nit, "the step length fell to zero", path
        point, nit = _move(point, step, alpha), nit + 1


def _predictor_corrector(A, b, c, point, mu):
    """Mehrotra's step: an affine predictor, then a centered, second-order corrector."""
    x, y, z, tau, kappa = point
    d = x / z
    normal = _NormalEquations(A, d)
    q = normal.solve(A @ (d * c) + b)
    v = d * (A.T @ q - c)
    affine = _direction(A, b, c, point, normal, q, v, 1.0, -x * z, -tau * kappa)
    alpha = _longest_step(point, affine)
    xa, _, za, ta, ka = _move(point, affine, alpha)
    sigma = min(1.0, (xa @ za + ta * ka) / (len(x) + 1) / mu) ** 3
    return _direction(A, b, c, point, normal, q, v, 1.0 - sigma,
                      sigma * mu - x * z - affine[0] * affine[2],
                      sigma * mu - tau * kappa - affine[3] * affine[4])


# --------------------------------------------------------------------------------------
# linprog
# --------------------------------------------------------------------------------------


def linprog(c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=(0, None), *,
            method="interior-point", tol=1e-9, maxiter=100):
    r"""Minimize ``cᵀx`` subject to ``A_ub x ≤ b_ub``, ``A_eq x = b_eq``, ``l ≤ x ≤ u``.

    Arguments as in ``scipy.optimize.linprog``: ``bounds`` is one ``(low, high)`` pair
    for every variable (default ``(0, None)``: x ≥ 0; ``None`` means the same), a pair
    per variable (``None`` for no bound), or an object with ``lb`` and ``ub``. Solved by
    the homogeneous self-dual interior-point method with Mehrotra's predictor–corrector
    (module docstring): Newton steps on the KKT conditions ``Ax = b, Aᵀy + z = c,
    xᵢzᵢ = μ → 0``, each solving the normal equations ``A D Aᵀ Δy = r`` by Cholesky.
    It stops when the relative primal and dual residuals and the relative duality gap
    ``|cᵀx − bᵀy| / (1 + |bᵀy|)`` are at most ``tol``.

    Returns a :class:`LinprogResult`: ``x``, ``fun``, ``slack``, ``con``, ``ineqlin``
    and ``eqlin`` (residuals and dual values), ``nit``, ``success``, ``status`` (0
    optimal, 1 iteration limit, 2 infeasible, 3 unbounded, 4 numerical trouble) and
    ``message``. Shapes that do not match, non-finite data and bounds with low > high
    raise ``ValueError``.

    A factory makes x₁ tables (profit 3) and x₂ chairs (profit 5) with 4, 12 and 18
    hours of three machines: x₁ ≤ 4, 2x₂ ≤ 12, 3x₁ + 2x₂ ≤ 18. Maximize the profit:

    >>> from nabla.optim.linprog import linprog
    >>> r = linprog([-3, -5], A_ub=[[1, 0], [0, 2], [3, 2]], b_ub=[4, 12, 18])
    >>> r.status, r.x.round(6), round(r.fun, 6)
    (0, array([2., 6.]), -36.0)
    >>> r.ineqlin.marginals.round(6)          # what one more hour of each machine earns
    array([-0. , -1.5, -1. ])
    """
    if not (isinstance(method, str) and method.lower() == "interior-point"):
        raise ValueError(f"linprog: unknown method {method!r}; the method here is "
                         f"'interior-point' (for HiGHS use scipy.optimize.linprog)")
    if isinstance(maxiter, (bool, np.bool_)) or not isinstance(maxiter, numbers.Integral) \
            or maxiter < 0:
        raise ValueError(f"linprog: maxiter must be an integer >= 0, got {maxiter!r}")
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, numbers.Real) or not tol > 0:
        raise ValueError(f"linprog: tol must be a number > 0, got {tol!r}")
    c = _finite_array(c, "c", 1)
    n = c.size
    if n == 0:
        raise ValueError("linprog: c is empty; give one cost per variable")
    A_ub, b_ub = _rows(A_ub, b_ub, n, "ub")
    A_eq, b_eq = _rows(A_eq, b_eq, n, "eq")
    lo, hi = _bounds((0, None) if bounds is None else bounds, n, "linprog")

    std = _standard_form(c, A_ub, b_ub, A_eq, b_eq, lo, hi)
    v, y, status, nit, why, path = _interior_point(std.A, std.b, std.c, float(tol),
                                                   int(maxiter))
    k = std.T.shape[1]
    history = {"x": [std.offset + std.T @ p[:k] for p in path]}
    history["fun"] = [float(c @ p) for p in history["x"]]
    message = _MESSAGES[status].format(maxiter=maxiter, why=why)
    if status in (2, 3):
        return LinprogResult(x=None, fun=None, nit=nit, success=False, status=status,
                             message=message, history=history)
    x = std.offset + std.T @ v[:k]
    slack, con = b_ub - A_ub @ x, b_eq - A_eq @ x
    m_ub, m_eq = len(b_ub), len(b_eq)
    return LinprogResult(
        x=x, fun=float(c @ x), nit=nit, success=status == 0, status=status,
        message=message, history=history, slack=slack, con=con,
        ineqlin=types.SimpleNamespace(residual=slack, marginals=y[:m_ub]),
        eqlin=types.SimpleNamespace(residual=con, marginals=y[m_ub:m_ub + m_eq]))
