r"""Mini-batches of Dask arrays, for synchronous data-parallel steps.

One epoch over ``n`` rows in mini-batches of ``B``: the rows are taken in the order of
``rng.permutation(n)`` and cut into ``⌈n/B⌉`` batches, exactly as
:func:`nabla.optim.batches.batches` cuts in-memory data with the same ``rng``, so a run on
Dask arrays visits the same batches as one in memory. Each batch is a pytree of lazy Dask
arrays: its row indices are sorted, so every row stays in the block (and on the worker)
it came from, and a worker holds its *local slice* of the batch. A step then sums the
gradient over those slices (:func:`value_and_grad`): for a loss that is a mean over the
batch, ``∇ℓ_B = Σ_b (|B_b|/|B|)·∇ℓ_{B_b}``, the same gradient as on the whole batch.

Per step this costs one round trip to the scheduler and one task per block holding rows of
the batch; ``bench/distributed.py`` measures that overhead against one process.

>>> import numpy as np, dask.array as da
>>> data = (da.arange(6, chunks=3), da.arange(6, chunks=3) * 10)
>>> [b[1].compute().tolist() for b in batches(data, 4, rng=np.random.default_rng(0))]
[[20, 30, 40, 50], [0, 10]]
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from nabla import tree
from nabla.distributed.blocks import align
from nabla.distributed.derivatives import reduced
from nabla.distributed.derivatives import value_and_grad as _value_and_grad

__all__ = ["batches", "value", "value_and_grad"]


def batches(data, batch_size=None, *, rng=None):
    """The batches of one epoch over ``data``, a pytree of Dask arrays with aligned row
    blocks (module docstring): all of ``data`` with ``batch_size=None``; otherwise batches
    of ``batch_size`` rows in the order of ``rng.permutation(n)`` (in order without rng).

    >>> import dask.array as da
    >>> [len(b) for b in batches(da.ones(5, chunks=2), 2)]
    [2, 2, 1]
    """
    leaves, treedef = tree.flatten(data)
    leaves = align(*leaves)
    if batch_size is None:
        return iter([tree.unflatten(treedef, leaves)])
    n = leaves[0].shape[0]
    order = np.arange(n) if rng is None else rng.permutation(n)
    return (tree.unflatten(treedef, [x[np.sort(order[start:start + batch_size])]
                                     for x in leaves])
            for start in range(0, n, batch_size))


@dataclasses.dataclass(frozen=True)
class _OnTree:
    """``loss(params, batch)`` called with the leaves of the batch, one block of each;
    ``skeleton`` is the batch with leaf i replaced by i (it travels where a TreeDef
    would not pickle)."""

    loss: Any
    skeleton: Any

    def __call__(self, params, *leaves):
        return self.loss(params, tree.map(lambda i: leaves[i], self.skeleton))

    @classmethod
    def of(cls, loss, batch):
        """``(_OnTree, leaves)`` for ``loss`` on ``batch``."""
        leaves, treedef = tree.flatten(batch)
        return cls(loss, tree.unflatten(treedef, list(range(len(leaves))))), leaves


def value_and_grad(loss, reduction="mean"):
    """``(params, batch) ↦ (ℓ, ∇ℓ)`` for ``loss(params, batch)``, ``batch`` a pytree of
    Dask arrays (a batch of :func:`batches`, or all the data), summed over its blocks as
    :func:`nabla.distributed.value_and_grad` sums.

    >>> import numpy as np, dask.array as da
    >>> step = value_and_grad(lambda w, batch: np.mean((batch[0] * w - batch[1]) ** 2))
    >>> step(np.float64(1.0), (da.arange(4.0, chunks=2), da.zeros(4, chunks=2)))
    (np.float64(3.5), np.float64(7.0))
    """
    def step(params, batch):
        on_tree, leaves = _OnTree.of(loss, batch)
        return _value_and_grad(on_tree, reduction)(params, *leaves)

    return step


def value(loss, reduction="mean"):
    """``(params, batch) ↦ ℓ``, the loss alone (no gradient), summed over the blocks as
    :func:`value_and_grad` sums it.

    >>> import numpy as np, dask.array as da
    >>> float(value(lambda w, batch: np.mean(batch * w))(2.0, da.arange(4.0, chunks=3)))
    3.0
    """
    def loss_of(params, batch):
        on_tree, leaves = _OnTree.of(loss, batch)
        return reduced(on_tree, reduction)(params, *leaves)

    return loss_of
