r"""Nonlinear conjugate gradients: Polak–Ribière+ with restarts.

Each direction is the steepest descent direction plus a multiple of the previous one,

    p_{k+1} = −∇f_{k+1} + β_{k+1} p_k,
    β_{k+1} = max(0, ∇f_{k+1}·(∇f_{k+1} − ∇f_k) / ‖∇f_k‖²)        (Polak–Ribière+),

with a strong Wolfe line search (:func:`nabla.optim.linesearch.wolfe`, c₂ = 0.1, so that
the steps are nearly exact and the directions stay conjugate). On a convex quadratic with
exact line searches this is the linear conjugate gradient method: at most n steps. It
needs only vectors, O(n) memory, like L-BFGS, but usually more iterations.

It *restarts* (β = 0, a steepest descent step) when the max(0, ·) clips β, every n steps,
when successive gradients are far from orthogonal (``|∇f_{k+1}·∇f_k| ≥ 0.2‖∇f_{k+1}‖²``,
Powell's test; Nocedal & Wright, *Numerical Optimization*, §5.2) and whenever p would not
descend. The first trial step of each search is ``min(1, 2.02 Δf / |∇f·p|)`` from the
previous decrease Δf (:func:`nabla.optim.linesearch.initial_step`).
"""

from __future__ import annotations

from nabla.optim.linesearch import initial_step, wolfe

__all__ = ["polak_ribiere", "steps"]

_C2 = 0.1  # the Wolfe curvature constant: near-exact line searches
_POWELL = 0.2  # restart when |∇f_{k+1}·∇f_k| ≥ this × ‖∇f_{k+1}‖²


def polak_ribiere(g_new, g_old):
    r"""``β = max(0, g_newᵀ(g_new − g_old) / ‖g_old‖²)``, the Polak–Ribière+ coefficient;
    0 (a restart) when Powell's test finds the gradients far from orthogonal.

    >>> import numpy as np
    >>> from nabla.optim.conjugate_gradient import polak_ribiere
    >>> round(polak_ribiere(np.array([0.01, 0.5]), np.array([2.0, 0.0])), 6)
    0.057525
    """
    gg = float(g_new @ g_new)
    if abs(float(g_new @ g_old)) >= _POWELL * gg:
        return 0.0
    return max(0.0, (gg - float(g_new @ g_old)) / float(g_old @ g_old))


def steps(objective, x, f, g):
    r"""The iterates ``(x, f(x), ∇f(x))`` of Polak–Ribière+ conjugate gradients.

    A generator over :class:`nabla.optim._vector.Objective` vectors, driven by
    ``nabla.optim.minimize``; it ends with a message when the line search finds no step
    that lowers f.

    >>> import numpy as np
    >>> from nabla.optim._vector import Objective
    >>> from nabla.optim import conjugate_gradient
    >>> obj = Objective(lambda x: (x[0] - 1) ** 2 + 10 * x[1] ** 2, np.array([3.0, 1.0]))
    >>> start = obj.start, *obj.value_and_grad(obj.start)
    >>> for k, (x, f, g) in enumerate(conjugate_gradient.steps(obj, *start)):
    ...     if np.max(np.abs(g)) < 1e-8:
    ...         break
    >>> np.round(x, 6) + 0.0, k + 1
    (array([1., 0.]), 3)
    """
    p, decrease, since_restart = -g, None, 0
    while True:
        slope = float(g @ p)
        if not slope < 0:
            p, slope, since_restart = -g, -float(g @ g), 0
        ray = objective.along(x, p)
        search = wolfe(ray, f, slope, alpha0=initial_step(slope, decrease), c2=_C2)
        if search.alpha == 0:
            return (f"the line search found no step that decreases f ({search.message}); f may "
                    "be flat to rounding here: loosen gtol, or compute f in float64")
        x_new, f_new, g_new = ray.point(search.alpha)
        since_restart += 1
        beta = 0.0 if since_restart >= len(x) else polak_ribiere(g_new, g)
        if beta == 0.0:
            since_restart = 0
        p = -g_new + beta * p
        decrease = f - f_new
        x, f, g = x_new, f_new, g_new
        yield x, f, g
