r"""``map_reduce``: apply a function to every row block of the data, on the workers, and sum.

For data cut into row blocks ``D = D_0 ∪ D_1 ∪ … ∪ D_{B−1}`` (:mod:`.blocks`) ::

    map_reduce(fn, θ, *data) = Σ_b fn(θ, *D_b)

where the sum is taken leaf by leaf when ``fn`` returns a pytree (a tuple of a value and
a gradient, a dict of arrays, …). On Dask arrays one task per block runs ``fn`` where the
block is; ``θ`` and ``fn`` enter the task graph once each, as one key, so they travel to
(and are unpickled on) each worker once per call; the partial sums come back through a
tree reduction (``FAN_IN`` at a time), so neither the client nor any worker receives more
than ``FAN_IN`` results at once, and the blocks themselves never leave the workers. The
computation runs on the active ``dask.distributed.Client`` when there is one (a
``LocalCluster`` on one machine, a scheduler address on many), and otherwise on Dask's
local scheduler. In-memory (NumPy)
data are one block: ``map_reduce(fn, θ, *data) = fn(θ, *data)``, in this process.

``fn`` and ``θ`` are sent with cloudpickle, so a lambda, a closure or a jitted function
travels as well as a module-level function. An exception raised by ``fn`` on a block
comes back with a note naming the block and its first row.

>>> import numpy as np, dask.array as da
>>> X = da.from_array(np.arange(12.0).reshape(6, 2), chunks=(2, 2))     # 3 row blocks
>>> float(map_reduce(lambda w, X: np.sum(X @ w), np.ones(2), X))          # Σᵢ xᵢ·w
66.0
>>> map_reduce(lambda w, X: {"n": len(X), "sum": X.sum(axis=0)}, None, X)
{'n': 6, 'sum': array([30., 36.])}
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from nabla import tree
from nabla.distributed.blocks import align, first_rows, is_dask

__all__ = ["FAN_IN", "collect", "map_reduce"]

FAN_IN = 8  # partial results summed per task of the tree reduction


def _sum(*parts):
    """The leafwise sum of pytrees of one structure, in the order given."""
    return tree.map(lambda *leaves: functools.reduce(operator.add, leaves), *parts)


def _on_block(fn, params, b, first, *blocks):
    """``fn(params, *blocks)``; an exception is noted with the block it came from."""
    try:
        return fn(params, *blocks)
    except Exception as error:
        error.add_note(f"(raised on row block {b} of the data, whose first row is {first})")
        raise


def _tasks(fn, params, arrays):
    """One delayed ``fn(params, *blocks)`` per row block that has rows, in order."""
    import dask

    # fn and params are one key each: sent to each worker, and unpickled there, once
    shared_fn = dask.delayed(fn, traverse=False)
    shared = dask.delayed(params, traverse=False)
    task = dask.delayed(_on_block, pure=True)
    blocks = zip(*(x.to_delayed().ravel() for x in arrays))
    return [task(shared_fn, shared, b, first, *block)
            for b, (first, rows, block) in enumerate(zip(first_rows(arrays[0]),
                                                          arrays[0].chunks[0], blocks))
            if rows]


def map_reduce(fn, params, *data, names=None):
    """``Σ_b fn(params, *blocks_b)`` over the row blocks of ``data`` (module docstring).

    ``data``: Dask arrays whose row chunks agree (see :func:`nabla.distributed.blocks.align`;
    chunks along other axes are merged), or in-memory arrays (one block, run here).
    ``fn(params, *blocks)`` gets each block as a NumPy array and returns an array, a number
    or a pytree of them, the same structure for every block; blocks with no rows are
    skipped. ``names`` label the arrays in error messages (default ``data[0]``, …).

    >>> import numpy as np, dask.array as da
    >>> X = da.ones((10, 3), chunks=(4, 3))                     # blocks of 4, 4 and 2 rows
    >>> map_reduce(lambda _, X: len(X), None, X)
    10
    """
    arrays = align(*data, names=names)
    if not is_dask(arrays[0]):
        return fn(params, *arrays)
    import dask

    parts = _tasks(fn, params, arrays)
    if not parts:
        raise ValueError("the data have no rows: there is nothing to sum over")
    add = dask.delayed(_sum, pure=True)
    while len(parts) > 1:
        parts = [add(*parts[i:i + FAN_IN]) if len(parts[i:i + FAN_IN]) > 1 else parts[i]
                 for i in range(0, len(parts), FAN_IN)]
    return dask.compute(parts[0])[0]


def collect(fn, params, *data, names=None):
    """``fn(params, *blocks_b)`` for every row block, brought back here and concatenated
    along the first axis (``fn`` returns one array per block, one row per row: the
    predictions of a model, say). In-memory data are one block.

    >>> import numpy as np, dask.array as da
    >>> collect(lambda w, X: X @ w, np.ones(2), da.ones((5, 2), chunks=(2, 2)))
    array([2., 2., 2., 2., 2.])
    """
    arrays = align(*data, names=names)
    if not is_dask(arrays[0]):
        return np.asarray(fn(params, *arrays))
    import dask

    return np.concatenate([np.asarray(part) for part in
                           dask.compute(*_tasks(fn, params, arrays))])
