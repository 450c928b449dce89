r"""Newton's method for minimization, made globally convergent by damping and backtracking.

Newton's method minimizes the local quadratic model
``m(p) = f(x) + ∇f(x)·p + ½ pᵀ ∇²f(x) p``: its stationary point solves

    ∇²f(x) p = −∇f(x),        x ← x + p,

and near a minimizer where ∇²f is positive definite (and Lipschitz) the error squares
every step, ``‖x_{k+1} − x*‖ ≤ C ‖x_k − x*‖²``: *quadratic* convergence. Far from a
minimizer the pure step can go uphill (∇²f indefinite: p may point to a saddle or a
maximum) or too far. This module uses the **modified Newton** method with a **line
search** (Nocedal & Wright, *Numerical Optimization*, §3.4, Algorithm 3.3):

1. *Cholesky with added multiple of the identity.* Factor ``∇²f(x) + τI = LLᵀ``, with
   ``τ = 0`` when the Hessian is positive definite, else ``τ`` doubled from
   ``max(β, β − min diag ∇²f)`` (``β = 10⁻³·max(1, max |∇²f_ii|)``) until the Cholesky
   factorization succeeds. Then ``p = −(∇²f + τI)⁻¹ ∇f`` is a descent direction:
   ``∇f·p = −∇fᵀ(∇²f + τI)⁻¹∇f < 0``.
2. *Backtracking line search* from the full step ``α = 1`` until Armijo's sufficient
   decrease condition holds (:func:`nabla.optim.linesearch.armijo`).

Near a strict local minimizer τ = 0 and α = 1 are accepted, so the pure Newton step and
its quadratic convergence are recovered; far from it every step decreases f. The exact
Hessian comes from automatic differentiation (``nabla.hessian``, forward over reverse):
n forward passes through the gradient, and an n × n matrix, so this suits problems up to
a few thousand unknowns.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from nabla.optim.linesearch import armijo

__all__ = ["damped_cholesky", "steps"]

_BETA = 1e-3  # the first shift, relative to the Hessian's largest diagonal entry


def damped_cholesky(H):
    r"""``(c, τ)``: the Cholesky factor of ``H + τI`` for the smallest τ tried that makes
    it positive definite (0 when H already is), as ``scipy.linalg.cho_factor`` returns it.

    τ starts at 0 if every diagonal entry is positive, else at ``β − min Hᵢᵢ``, and is
    doubled (at least to β) after each failed factorization, with
    ``β = 10⁻³·max(1, max |Hᵢᵢ|)``.

    >>> import numpy as np
    >>> from nabla.optim.newton import damped_cholesky
    >>> _, tau = damped_cholesky(np.array([[2.0, 0.0], [0.0, -1.0]]))   # indefinite
    >>> round(tau, 3)
    1.002
    """
    diagonal = np.diag(H)
    beta = _BETA * max(1.0, float(np.max(np.abs(diagonal))))
    tau = 0.0 if np.min(diagonal) > 0 else beta - float(np.min(diagonal))
    identity = np.eye(len(H))
    while True:
        try:
            return scipy.linalg.cho_factor(H + tau * identity), tau
        except np.linalg.LinAlgError:
            tau = max(2 * tau, beta)


def steps(objective, x, f, g):
    r"""The iterates ``(x, f(x), ∇f(x))`` of modified Newton with backtracking.

    A generator over :class:`nabla.optim._vector.Objective` vectors: each step solves
    ``(∇²f + τI) p = −∇f`` (:func:`damped_cholesky`) and takes ``x + αp`` with α from
    :func:`nabla.optim.linesearch.armijo` starting at 1. It returns (ends) with a message
    when the Hessian is not finite or no step decreases f. ``nabla.optim.minimize``
    drives it and decides when to stop.

    >>> import numpy as np
    >>> from nabla.optim._vector import Objective
    >>> from nabla.optim import newton
    >>> obj = Objective(lambda x: (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, np.zeros(2))
    >>> x, f, g = next(newton.steps(obj, obj.start, *obj.value_and_grad(obj.start)))
    >>> x, round(f, 15)                          # a quadratic: one step to its minimum
    (array([ 1., -2.]), 0.0)
    """
    while True:
        H = objective.hessian(x)
        if not np.all(np.isfinite(H)):
            return "the Hessian of f is not finite at the current point"
        p = -scipy.linalg.cho_solve(damped_cholesky(H)[0], g)
        slope = float(g @ p)
        if not slope < 0:
            return "the Newton direction does not descend to working precision"
        ray = objective.along(x, p)
        search = armijo(ray.value, f, slope)
        if not search.success:
            return (f"the line search found no step that decreases f ({search.message}); f may "
                    "be flat to rounding here: loosen gtol, or compute f in float64")
        x, f, g = ray.point(search.alpha)
        yield x, f, g
