r"""Quasi-Newton methods: BFGS and limited-memory BFGS (L-BFGS).

Newton's step ``p = −∇²f⁻¹ ∇f`` without the Hessian: an approximation ``H ≈ ∇²f⁻¹`` is
learned from how the gradient changes. After a step ``s = x_{k+1} − x_k`` with gradient
change ``y = ∇f_{k+1} − ∇f_k`` the new ``H`` must satisfy the *secant equation*
``H y = s`` (as the true inverse Hessian does for a quadratic); BFGS picks the one
closest to the old H (Nocedal & Wright, *Numerical Optimization*, eq. 6.17):

    H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,        ρ = 1 / (yᵀs).

It stays positive definite when ``yᵀs > 0``, which a strong Wolfe line search
(:func:`nabla.optim.linesearch.wolfe`, c₂ = 0.9) guarantees; a pair with ``yᵀs`` not
positive (to rounding) is skipped. The first step is steepest descent with
``α₀ = 1/‖∇f‖`` (a step of length 1); later ones try ``α = 1`` first. Convergence is
*superlinear* near a minimizer.

- **BFGS** keeps the dense n × n matrix H: O(n²) memory and work per step, from
  ``H₀ = I`` (as SciPy's BFGS; on our test problems this took fewer iterations than
  scaling H₀ by ``yᵀs / yᵀy``, N&W eq. 6.20, which L-BFGS uses).
- **L-BFGS** keeps only the last ``m`` pairs ``(s, y)`` (default 10) and applies H to a
  vector by the *two-loop recursion* (:func:`two_loop`, N&W Algorithm 7.4), starting
  from ``H₀ = γI``, ``γ = sᵀy / yᵀy`` of the newest pair: O(mn) memory and work, for
  problems with very many unknowns.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from nabla.optim.linesearch import initial_step, wolfe

__all__ = ["bfgs_steps", "bfgs_update", "lbfgs_steps", "two_loop"]

_CURVATURE = 1e-10  # a pair is kept only if yᵀs > this × ‖s‖‖y‖


def _curved(s, y):
    """Whether ``yᵀs`` is positive beyond rounding (the update then keeps H positive)."""
    return float(s @ y) > _CURVATURE * float(np.linalg.norm(s) * np.linalg.norm(y))


def bfgs_update(H, s, y):
    r"""The BFGS inverse-Hessian update ``(I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ``, ``ρ = 1/yᵀs``.

    A pair with ``yᵀs ≤ 0`` (to rounding) leaves H unchanged. Computed in O(n²) as
    ``H + ((sᵀy + yᵀHy) ssᵀ) / (sᵀy)² − (Hy sᵀ + s (Hy)ᵀ) / sᵀy``.

    >>> import numpy as np
    >>> from nabla.optim.quasi_newton import bfgs_update
    >>> A = np.array([[2.0, 0.0], [0.0, 8.0]])                  # a quadratic's Hessian
    >>> s = np.array([1.0, 1.0]); H = bfgs_update(np.eye(2), s, A @ s)
    >>> np.allclose(H @ (A @ s), s)                             # the secant equation
    True
    """
    if not _curved(s, y):
        return H
    sy = float(s @ y)
    Hy = H @ y
    return (H + ((sy + float(y @ Hy)) / sy ** 2) * np.outer(s, s)
            - (np.outer(Hy, s) + np.outer(s, Hy)) / sy)


def two_loop(g, pairs):
    r"""``H g`` for the L-BFGS inverse Hessian of the pairs ``(s, y)``, oldest first.

    Nocedal & Wright, Algorithm 7.4: with ``ρᵢ = 1/yᵢᵀsᵢ``,

        q ← g;  for i newest → oldest:  aᵢ = ρᵢ sᵢᵀq,  q ← q − aᵢ yᵢ
        r ← γ q,  γ = sᵀy / yᵀy of the newest pair (1 with no pairs)
        for i oldest → newest:  b = ρᵢ yᵢᵀr,  r ← r + (aᵢ − b) sᵢ

    which is the BFGS update applied m times to ``γI``, without forming any matrix.

    >>> import numpy as np
    >>> from nabla.optim.quasi_newton import two_loop, bfgs_update
    >>> s, y = np.array([1.0, 1.0]), np.array([2.0, 8.0])
    >>> g = np.array([3.0, -1.0])
    >>> H0 = (s @ y) / (y @ y) * np.eye(2)
    >>> np.allclose(two_loop(g, [(s, y)]), bfgs_update(H0, s, y) @ g)
    True
    """
    q = np.array(g, dtype=np.float64)
    coefficients = []
    for s, y in reversed(pairs):
        a = float(s @ q) / float(y @ s)
        q -= a * y
        coefficients.append(a)
    if pairs:
        s, y = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y), a in zip(pairs, reversed(coefficients)):
        b = float(y @ q) / float(y @ s)
        q += (a - b) * s
    return q


def _search(objective, x, f, g, p, fresh):
    """A strong Wolfe search along ``p`` (steepest descent, and a first trial step of
    about unit length, when ``fresh``); ``(x, f, g)`` at the step, or a failure message."""
    ray = objective.along(x, p)
    slope = float(g @ p)
    search = wolfe(ray, f, slope, alpha0=initial_step(slope) if fresh else 1.0)
    if search.alpha == 0:
        return (f"the line search found no step that decreases f ({search.message}); f may "
                "be flat to rounding here: loosen gtol, or compute f in float64")
    return ray.point(search.alpha)


def bfgs_steps(objective, x, f, g):
    r"""The iterates ``(x, f(x), ∇f(x))`` of BFGS: ``p = −H∇f``, strong Wolfe step,
    :func:`bfgs_update`.

    A generator over :class:`nabla.optim._vector.Objective` vectors, driven by
    ``nabla.optim.minimize``; it ends with a message when the line search finds no step
    that lowers f. Should ``p`` fail to descend (H spoiled by rounding), H is reset to I.

    >>> import numpy as np
    >>> from nabla.optim._vector import Objective
    >>> from nabla.optim.quasi_newton import bfgs_steps
    >>> obj = Objective(lambda x: (x[0] - 1) ** 2 + 10 * x[1] ** 2, np.array([3.0, 1.0]))
    >>> start = obj.start, *obj.value_and_grad(obj.start)
    >>> for k, (x, f, g) in enumerate(bfgs_steps(obj, *start)):
    ...     if np.max(np.abs(g)) < 1e-8:
    ...         break
    >>> np.round(x, 6), k + 1
    (array([1., 0.]), 4)
    """
    H, fresh = np.eye(len(x)), True
    while True:
        p = -(H @ g)
        if not float(g @ p) < 0:
            H, p, fresh = np.eye(len(x)), -g, True
        point = _search(objective, x, f, g, p, fresh)
        if isinstance(point, str):
            return point
        H, fresh = bfgs_update(H, point[0] - x, point[2] - g), False
        x, f, g = point
        yield x, f, g


def lbfgs_steps(objective, x, f, g, *, memory=10):
    r"""The iterates ``(x, f(x), ∇f(x))`` of L-BFGS with the last ``memory`` pairs:
    ``p = −H∇f`` by :func:`two_loop`, then a strong Wolfe step.

    A generator over :class:`nabla.optim._vector.Objective` vectors, driven by
    ``nabla.optim.minimize``; it ends with a message when the line search finds no step
    that lowers f. Should ``p`` fail to descend, the memory is cleared.

    >>> import numpy as np
    >>> from nabla.optim._vector import Objective
    >>> from nabla.optim.quasi_newton import lbfgs_steps
    >>> obj = Objective(lambda x: (x[0] - 1) ** 2 + 10 * x[1] ** 2, np.array([3.0, 1.0]))
    >>> start = obj.start, *obj.value_and_grad(obj.start)
    >>> for k, (x, f, g) in enumerate(lbfgs_steps(obj, *start, memory=5)):
    ...     if np.max(np.abs(g)) < 1e-8:
    ...         break
    >>> np.round(x, 6), k + 1
    (array([1., 0.]), 9)
    """
    if not (isinstance(memory, int) and memory >= 1):
        raise ValueError(f"lbfgs: memory must be an integer >= 1, got {memory!r}")
    pairs = deque(maxlen=memory)
    while True:
        p = -two_loop(g, pairs)
        if not float(g @ p) < 0:
            pairs.clear()
            p = -g
        point = _search(objective, x, f, g, p, fresh=not pairs)
        if isinstance(point, str):
            return point
        s, y = point[0] - x, point[2] - g
        if _curved(s, y):
            pairs.append((s, y))
        x, f, g = point
        yield x, f, g
