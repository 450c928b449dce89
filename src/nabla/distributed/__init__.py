r"""Data-parallel gradients on Dask: the loss of a data set too big for one process.

A loss written for rows in memory, ``loss(params, X_block, y_block)``, gives the loss,
gradient and Hessian over a whole Dask array, block by block on the workers::

    L(θ) = Σ_b (n_b/N)·loss(θ, X_b, y_b)        (reduction="mean"; "sum": Σ_b loss(θ, X_b, y_b))
    ∇L(θ) = Σ_b (n_b/N)·∇loss(θ, X_b, y_b),      ∇²L(θ) likewise

==================================  ======================================================
:func:`map_reduce` ``(fn, θ, *D)``   ``Σ_b fn(θ, *D_b)`` over the row blocks, pytrees leaf by
                                     leaf; θ sent once per call, a tree reduction back
:func:`value_and_grad` ``(loss)``    ``(θ, *D) ↦ (L, ∇L)``
:func:`hessian` ``(loss)``           ``(θ, *D) ↦ ∇²L``, nested as :func:`nabla.hessian`
:func:`objective` ``(loss, *D)``     L bound to D, which :func:`nabla.optim.minimize` asks for
                                     its gradient and Hessian: L-BFGS or Newton on a cluster
:func:`collect` ``(fn, θ, *D)``      ``fn(θ, *D_b)`` of every block, concatenated here
                                     (predictions)
:mod:`.batches`                      mini-batches of Dask arrays and their data-parallel
                                     steps, for :func:`nabla.nn.fit`
==================================  ======================================================

The work runs on the active ``dask.distributed.Client`` (a ``LocalCluster`` on one
machine, a scheduler address on many), or without one on Dask's local scheduler; the data
stay where they are, only θ and the per-block results travel. NumPy arrays are one block,
computed here, so the same code runs with or without Dask. :mod:`nabla.models` and
:func:`nabla.nn.fit` take Dask arrays through this package. Dask is the ``distributed``
extra (``pip install nabla[distributed]``) and is imported only when Dask arrays come.

>>> import numpy as np, dask.array as da
>>> import nabla.distributed as nd
>>> X = da.from_array(np.arange(6.0), chunks=4)                 # blocks of 4 and 2 rows
>>> nd.value_and_grad(lambda w, x: np.mean((x - w) ** 2))(np.float64(0.0), X)
(np.float64(9.166666666666666), np.float64(-5.0))
"""

from nabla.distributed.blocks import align, check_finite, is_dask
from nabla.distributed.derivatives import hessian, value_and_grad
from nabla.distributed.map_reduce import collect, map_reduce
from nabla.distributed.objective import Objective, objective

__all__ = ["Objective", "align", "check_finite", "collect", "hessian", "is_dask", "map_reduce",
           "objective", "value_and_grad"]
