r"""Loss, gradient and Hessian over all the data, summed from its row blocks.

A loss written for one block of rows, ``loss(θ, X_b, y_b)``, gives the loss of the whole
data set by one of two reductions (``N = Σ_b n_b`` rows, ``n_b`` in block b):

- ``reduction="mean"`` (the default): ``loss`` returns the *mean* over the rows it is
  given, and the blocks are weighted by their sizes, ``L(θ) = Σ_b (n_b/N)·loss(θ, D_b)``:
  exactly the mean over all N rows, however the rows are cut (a term that does not
  depend on the rows, a penalty ``λ‖θ‖²/2`` say, comes out once, since ``Σ_b n_b/N = 1``);
- ``reduction="sum"``: ``loss`` returns a *sum* over the rows, and ``L(θ) = Σ_b loss(θ, D_b)``.

Differentiation is linear, so ``∇L = Σ_b w_b ∇loss(θ, D_b)`` and ``∇²L = Σ_b w_b ∇²loss(θ,
D_b)`` with the same weights ``w_b`` (``n_b/N`` or 1): each block's gradient and Hessian
are computed on the worker that holds it (by :func:`nabla.value_and_grad` and
:func:`nabla.hessian`) and summed by :func:`~nabla.distributed.map_reduce.map_reduce`.
The data are not scanned for NaN: a non-finite value propagates into the result.

>>> import numpy as np, dask.array as da
>>> from nabla.distributed import value_and_grad
>>> X = da.from_array(np.arange(8.0).reshape(4, 2), chunks=(3, 2))    # blocks of 3 and 1 rows
>>> y = da.from_array(np.array([1.0, 0.0, 2.0, 1.0]), chunks=3)
>>> mse = lambda w, X, y: np.mean((X @ w - y) ** 2)
>>> value, gradient = value_and_grad(mse)(np.zeros(2), X, y)
>>> float(value), gradient                                   # mean of y², −2·Xᵀy/4
(1.5, array([-7., -9.]))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from nabla import transforms, tree
from nabla.distributed.blocks import align, is_dask
from nabla.distributed.map_reduce import map_reduce

__all__ = ["REDUCTIONS", "hessian", "reduced", "value_and_grad"]

REDUCTIONS = ("mean", "sum")


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' (loss returns the mean over its rows) or "
                         f"'sum' (loss returns their sum); got {reduction!r}")
    return reduction


def reduced(per_block, reduction="mean"):
    """``(params, *data) ↦ Σ_b w_b·per_block(params, *D_b)`` with the weights of
    ``reduction`` (module docstring), ``per_block`` returning any pytree of arrays.

    >>> import numpy as np
    >>> total = reduced(lambda _, x: np.mean(x), "mean")
    >>> float(total(None, np.array([1.0, 2.0, 6.0])))
    3.0
    """
    _check_reduction(reduction)

    def over_blocks(params, *data):
        arrays = align(*data)
        if reduction == "sum" or not is_dask(arrays[0]):
            return map_reduce(per_block, params, *arrays)
        rows = arrays[0].shape[0]
        if rows == 0:
            raise ValueError("the data have no rows: a mean over no samples is undefined")

        def weighted(params, *blocks):
            weight = len(blocks[0]) / rows
            return tree.map(lambda leaf: leaf * weight, per_block(params, *blocks))

        return map_reduce(weighted, params, *arrays)

    return over_blocks


@dataclasses.dataclass(frozen=True)
class _Transformed:
    """``transform(loss)(params, *blocks)``, the transform applied where it runs: what
    travels to the workers is ``loss`` itself (a jitted loss sends its function, not its
    compiled cache), and the transform by name."""

    transform: Callable
    loss: Callable

    def __call__(self, params, *blocks):
        return self.transform(self.loss)(params, *blocks)


def value_and_grad(loss, reduction="mean"):
    """``(params, *data) ↦ (L(θ), ∇L(θ))`` over all rows of ``data``, from ``loss(params,
    *blocks)`` written for one block (module docstring; ``reduction`` ``'mean'`` or
    ``'sum'``). The gradient has the structure of ``params`` (any pytree).

    >>> import numpy as np
    >>> f = value_and_grad(lambda w, x: np.sum(w * x), reduction="sum")
    >>> f(np.float64(2.0), np.array([1.0, 3.0]))
    (np.float64(8.0), np.float64(4.0))
    """
    return reduced(_Transformed(transforms.value_and_grad, loss), reduction)


def hessian(loss, reduction="mean"):
    """``(params, *data) ↦ ∇²L(θ)`` over all rows of ``data``, nested as
    :func:`nabla.hessian` nests it for ``params`` (for a dict ``{'w': …, 'b': …}``,
    ``H['w']['b']`` is the block ``∂²L/∂w∂b``).

    >>> import numpy as np
    >>> H = hessian(lambda w, x: np.mean((x * w) ** 2))         # 2·mean(x²)
    >>> float(H(np.float64(1.0), np.array([1.0, 2.0])))
    5.0
    """
    return reduced(_Transformed(transforms.hessian, loss), reduction)
