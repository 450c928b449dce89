r"""``objective(loss, *data)``: a loss bound to its data, for ``nabla.optim.minimize``.

``f = objective(loss, X, y, reduction="mean")`` is the function ``f(θ) = L(θ)`` of the
loss over all the data (:mod:`nabla.distributed.derivatives`): calling it gives the loss,
and its methods ``f.value_and_grad(θ)`` and ``f.hessian(θ)`` give ``(L, ∇L)`` and ``∇²L``,
each one pass over the row blocks on the workers. :func:`nabla.optim.minimize`
recognizes such a function and asks it for its derivatives instead of differentiating
through the data itself, so ::

    minimize(objective(loss, X, y), θ0, method="lbfgs")      # or "newton"

runs every evaluation on the cluster (one pass per value and gradient, one per Hessian),
and only θ, the loss and its derivatives travel. The data are checked when bound:
aligned row blocks (:func:`nabla.distributed.blocks.align`), not scanned for NaN.

>>> import numpy as np, dask.array as da
>>> from nabla.optim import minimize
>>> X = da.from_array(np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), chunks=(2, 2))
>>> y = da.from_array(np.array([1.0, 2.0, 2.0]), chunks=2)
>>> f = objective(lambda w, X, y: np.mean((X @ w - y) ** 2), X, y)
>>> r = minimize(f, np.zeros(2), method="newton")
>>> r.success, np.round(r.x, 6)                               # y = X·(1, 1) exactly
(True, array([1., 1.]))
"""

from __future__ import annotations

from nabla.distributed.blocks import align
from nabla.distributed.derivatives import hessian, reduced, value_and_grad

__all__ = ["Objective", "objective"]


class Objective:
    """``L(θ)`` of ``loss`` over the row blocks of bound data, with its derivatives.

    ``f(θ)`` is the loss; ``f.value_and_grad(θ)`` and ``f.hessian(θ)`` as
    :func:`nabla.distributed.value_and_grad` and :func:`nabla.distributed.hessian` on the
    bound data; ``f.data`` the aligned arrays, ``f.loss`` and ``f.reduction`` as given.
    """

    def __init__(self, loss, *data, reduction="mean", names=None):
        if not callable(loss):
            raise TypeError(f"objective: loss must be a function loss(params, *blocks), got "
                            f"{loss!r}")
        self.loss, self.reduction = loss, reduction
        self.data = tuple(align(*data, names=names))
        self._value = reduced(loss, reduction)
        self._value_and_grad = value_and_grad(loss, reduction)
        self._hessian = hessian(loss, reduction)

    def __call__(self, params):
        return self._value(params, *self.data)

    def value_and_grad(self, params):
        """``(L(θ), ∇L(θ))``, the gradient shaped like ``params``."""
        return self._value_and_grad(params, *self.data)

    def hessian(self, params):
        """``∇²L(θ)``, nested as :func:`nabla.hessian` nests it."""
        return self._hessian(params, *self.data)

    def __repr__(self):
        shapes = ", ".join(str(getattr(x, "shape", "?")) for x in self.data)
        return (f"objective({getattr(self.loss, '__name__', 'loss')}, data of shapes "
                f"{shapes}, reduction={self.reduction!r})")


def objective(loss, *data, reduction="mean", names=None):
    """``loss`` bound to ``data``: an :class:`Objective` (module docstring).

    >>> import numpy as np
    >>> f = objective(lambda w, x: np.mean((x - w) ** 2), np.array([1.0, 3.0]))
    >>> float(f(np.float64(0.0))), f.value_and_grad(np.float64(2.0))
    (5.0, (np.float64(1.0), np.float64(0.0)))
    """
    return Objective(loss, *data, reduction=reduction, names=names)
