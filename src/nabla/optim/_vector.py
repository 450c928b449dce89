"""A function of a pytree seen as a function of one vector: what the optimizers iterate on.

``x`` may be any pytree of floating-point arrays (a dict of weights, a tuple of a matrix
and a bias, a single array). Its leaves, flattened in pytree order and concatenated, are
one float64 vector ``v ∈ Rⁿ``; :class:`Objective` evaluates ``f`` at the pytree that ``v``
stands for (each leaf back in its own shape and dtype, so float32 code runs in float32)
and returns the value, the gradient and the Hessian in vector form, counting the calls.

>>> import numpy as np
>>> from nabla.optim._vector import Objective
>>> obj = Objective(lambda p: np.sum(p['w'] ** 2) + p['b'] ** 2,
...                 {'w': np.array([1.0, 2.0]), 'b': 3.0})
>>> obj.start                              # leaves in pytree order: 'b', then 'w'
array([3., 1., 2.])
>>> obj.value_and_grad(obj.start)
(14.0, array([6., 2., 4.]))
>>> obj.tree(np.array([0.0, 5.0, 6.0]))
{'b': np.float64(0.0), 'w': array([5., 6.])}
"""

from __future__ import annotations

import numbers

import numpy as np

from nabla import tree
from nabla.optim._staged import staged_on_leaves
from nabla.transforms import hessian, value_and_grad

__all__ = ["Objective", "Ray"]


def _float_leaf(leaf, who):
    """A leaf of x0 as an array, refusing what cannot be optimized over."""
    if isinstance(leaf, (bool, np.bool_)) or not isinstance(leaf, (numbers.Real, np.ndarray,
                                                                   np.generic)):
        raise TypeError(f"{who}: x0 must be a pytree of real floating-point arrays or floats, "
                        f"but it has a leaf {leaf!r} of type {type(leaf).__name__}")
    array = np.asarray(leaf)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{who}: x0 must hold floating-point values, got {array.dtype} "
                        f"({leaf!r}); pass 1.0 instead of 1, or x0.astype(float)")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: x0 must be finite, got {leaf!r}")
    return array


class Objective:
    """``f(x, *args)`` for a pytree ``x``, as a function of the vector ``v`` of its entries.

    ``sign=-1`` turns maximization into minimization (``−f`` is what is evaluated).
    ``start`` is ``x0`` as a vector; ``eps`` the machine epsilon of its widest dtype (the
    relative precision f is computed to); ``nfev``, ``njev``, ``nhev`` count evaluations of f, of
    its gradient and of its Hessian (one ``value_and_grad`` counts one of each of the
    first two). With ``jit=True`` or ``"auto"`` the gradient and the Hessian run compiled
    by :func:`nabla.jit` where f allows (:mod:`nabla.optim._staged`).
    """

    def __init__(self, f, x0, args=(), sign=1.0, who="minimize", jit=False):
        leaves, self.treedef = tree.flatten(x0)
        if not leaves:
            raise ValueError(f"{who}: x0 has no entries to optimize over: {x0!r}")
        arrays = [_float_leaf(leaf, who) for leaf in leaves]
        self.shapes = [a.shape for a in arrays]
        self.dtypes = [a.dtype for a in arrays]
        self.scalars = [not isinstance(leaf, np.ndarray) for leaf in leaves]
        self.bounds = np.cumsum([0] + [a.size for a in arrays])
        self.start = np.concatenate([a.ravel() for a in arrays]).astype(np.float64)
        self.eps = float(np.finfo(np.result_type(*self.dtypes)).eps)
        self.fun = (lambda x: f(x, *args)) if sign > 0 else (lambda x: -f(x, *args))
        self._value_and_grad = value_and_grad(self.fun)
        self._hessian = hessian(self.fun)
        if jit:
            quiet = jit == "auto"
            self._value_and_grad = staged_on_leaves(self._value_and_grad, self.treedef, who,
                                                    "f", quiet)
            self._hessian = staged_on_leaves(self._hessian, self.treedef, who, "f", quiet)
        self.nfev = self.njev = self.nhev = 0

    @property
    def size(self):
        """n, the number of unknowns."""
        return int(self.bounds[-1])

    def tree(self, v):
        """The pytree that the vector ``v`` stands for (shapes and dtypes of x0)."""
        leaves = []
        for start, stop, shape, dtype, scalar in zip(self.bounds[:-1], self.bounds[1:],
                                                     self.shapes, self.dtypes, self.scalars):
            leaf = v[start:stop].reshape(shape).astype(dtype)
            leaves.append(leaf[()] if scalar else leaf)
        return tree.unflatten(self.treedef, leaves)

    def vector(self, x):
        """The entries of a pytree shaped like x0, as one float64 vector."""
        return np.concatenate([np.ravel(leaf) for leaf in tree.leaves(x)]).astype(np.float64)

    def value(self, v):
        """f at ``v``, as a float."""
        self.nfev += 1
        return float(self.fun(self.tree(v)))

    def value_and_grad(self, v):
        """``(f(v), ∇f(v))``: a float and a float64 vector, by reverse mode."""
        self.nfev += 1
        self.njev += 1
        value, gradient = self._value_and_grad(self.tree(v))
        return float(value), self.vector(gradient)

    def hessian(self, v):
        """The n × n matrix ∇²f(v), by forward over reverse mode, assembled from blocks."""
        self.nhev += 1
        blocks = tree.leaves(self._hessian(self.tree(v)))
        sizes = np.diff(self.bounds)
        count = len(sizes)
        return np.block([[np.reshape(blocks[i * count + j], (sizes[i], sizes[j]))
                          for j in range(count)] for i in range(count)]).astype(np.float64)

    def along(self, v, p):
        """f on the ray ``v + αp``: a :class:`Ray`, ``α ↦ (φ(α), φ'(α))``."""
        return Ray(self, v, p)


class Ray:
    """``φ(α) = f(v + αp)`` and ``φ'(α) = ∇f(v + αp)·p``, for the line searches.

    Remembers every point it evaluated, so the optimizer takes the accepted step's value
    and gradient without computing them again: ``ray.point(α) -> (v + αp, f, ∇f)``.
    """

    def __init__(self, objective, v, p):
        self.objective, self.v, self.p = objective, v, p
        self.visited = {}

    def __call__(self, alpha):
        x = self.v + alpha * self.p
        value, gradient = self.objective.value_and_grad(x)
        self.visited[alpha] = (x, value, gradient)
        return value, float(gradient @ self.p)

    def value(self, alpha):
        """φ(α) alone (the gradient is still kept for :meth:`point`)."""
        return self(alpha)[0]

    def point(self, alpha):
        """``(v + αp, f, ∇f)`` at a step already evaluated."""
        return self.visited[alpha]
