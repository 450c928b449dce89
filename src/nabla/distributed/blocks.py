r"""Row blocks of Dask arrays: telling them apart, aligning them, checking them.

The data of :mod:`nabla.distributed` are arrays whose first axis is the samples. A Dask
array is cut into *row blocks* ``b = 0, 1, …`` (numbered in the order of the rows); block b
of every array of one data set (``X`` and ``y``) must hold the same rows, so that
``fn(params, X_b, y_b)`` can run on the worker that holds them. This module

- tells Dask arrays from in-memory ones without importing Dask (:func:`is_dask`);
- aligns the arrays of a data set (:func:`align`): chunks along the other axes are merged
  into one (a block holds whole rows); row chunks that differ between arrays are refused,
  since moving rows between blocks would move data between workers;
- checks that every block is finite (:func:`check_finite`), naming the first bad block;
- lists each block's first row (:func:`first_rows`).

Dask itself is imported only when Dask arrays are given (it is the ``distributed`` extra).

>>> import numpy as np
>>> is_dask(np.zeros(3))
False
>>> import dask.array as da
>>> X = da.ones((10, 4), chunks=(4, 2))
>>> [x.chunks for x in align(X, da.ones(10, chunks=4), names=("X", "y"))]
[((4, 4, 2), (4,)), ((4, 4, 2),)]
>>> first_rows(X)
[0, 4, 8]
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["align", "check_finite", "first_rows", "is_dask", "n_blocks"]


def is_dask(x):
    """Whether ``x`` is a ``dask.array.Array`` (checked without importing Dask).

    >>> import numpy as np
    >>> is_dask([1.0]), is_dask(np.ones(2))
    (False, False)
    """
    return any(cls.__module__.startswith("dask.array") and cls.__name__ == "Array"
               for cls in type(x).__mro__)


def _names(data, names):
    return list(names) if names is not None else [f"data[{i}]" for i in range(len(data))]


def align(*data, names=None):
    """The arrays of one data set, Dask or NumPy, with row blocks that match.

    All must be Dask arrays, or none (NumPy arrays form one block). Each needs at least
    one axis and the same number of rows. A Dask array chunked along another axis than
    the first is rechunked so that each block holds whole rows (``x.rechunk({1: -1, …})``);
    arrays whose row chunks differ, or are unknown (``nan``, after boolean indexing), raise
    a ``ValueError`` that says how to fix them. ``names`` (e.g. ``("X", "y")``) are used in
    the messages.

    >>> import dask.array as da
    >>> align(da.ones((6, 2), chunks=3), da.ones(6, chunks=2), names=("X", "y"))
    Traceback (most recent call last):
    ...
    ValueError: X and y have different row chunks, (3, 3) and (2, 2, 2): block b of each
    must hold the same rows; rechunk y as X with y.rechunk({0: X.chunks[0]})
    """
    names = _names(data, names)
    if not data:
        raise ValueError("no data given: pass the arrays whose rows are the samples")
    dask_given = [is_dask(x) for x in data]
    if any(dask_given) and not all(dask_given):
        mixed = ", ".join(f"{name} is {'a Dask' if d else 'an in-memory'} array"
                          for name, d in zip(names, dask_given))
        raise TypeError(f"the data must be all Dask arrays or all in-memory arrays ({mixed}); "
                        "convert with dask.array.from_array(x, chunks=…) or x.compute()")
    if not all(dask_given):
        arrays = [np.asarray(x) for x in data]
    else:
        arrays = [x.rechunk({axis: -1 for axis in range(1, x.ndim)}) if x.ndim > 1 else x
                  for x in data]
    for name, x in zip(names, arrays):
        if x.ndim == 0:
            raise ValueError(f"{name} is a scalar; its first axis must be the samples")
    rows = [x.shape[0] for x in arrays]
    for name, x, n in zip(names, arrays, rows):
        if isinstance(n, float) and math.isnan(n) or any(
                isinstance(c, float) and math.isnan(c) for c in getattr(x, "chunks", ((),))[0]):
            raise ValueError(f"{name} has unknown chunk sizes (nan): call "
                             f"{name}.compute_chunk_sizes() first")
    if len(set(rows)) > 1:
        sizes = ", ".join(f"{name} has {n}" for name, n in zip(names, rows))
        raise ValueError(f"the data must have the same number of rows (samples): {sizes}")
    if all(dask_given):
        first = arrays[0].chunks[0]
        for name, x in zip(names[1:], arrays[1:]):
            if x.chunks[0] != first:
                raise ValueError(
                    f"{names[0]} and {name} have different row chunks, {first} and "
                    f"{x.chunks[0]}: block b of each must hold the same rows; rechunk {name} "
                    f"as {names[0]} with {name}.rechunk({{0: {names[0]}.chunks[0]}})")
    return arrays


def n_blocks(x):
    """The number of row blocks of ``x``: 1 for an in-memory array.

    >>> import dask.array as da
    >>> n_blocks(da.ones(10, chunks=3))
    4
    """
    return len(x.chunks[0]) if is_dask(x) else 1


def first_rows(x):
    """The index of the first row of each block of ``x``, in order.

    >>> import numpy as np
    >>> first_rows(np.ones(5))
    [0]
    """
    if not is_dask(x):
        return [0]
    return [int(row) for row in np.cumsum((0,) + x.chunks[0][:-1])]


def _block_is_finite(block):
    """``[all entries finite]`` for one block (non-numeric blocks count as finite)."""
    block = np.asarray(block)
    finite = not np.issubdtype(block.dtype, np.inexact) or bool(np.all(np.isfinite(block)))
    return np.array([finite])


def check_finite(*data, names=None):
    """Raise ``ValueError`` naming the first block (and its first row) of the first array
    that holds NaN or infinity; return None when every block is finite.

    One pass over the data, block by block on the workers; what comes back is one flag
    per block. Arrays must be aligned (:func:`align`).

    >>> import dask.array as da, numpy as np
    >>> X = da.from_array(np.array([[1.0], [2.0], [np.nan], [4.0]]), chunks=2)
    >>> check_finite(X, names=("X",))
    Traceback (most recent call last):
    ...
    ValueError: Input X contains NaN or infinity in block 1 (rows 2 to 3): remove or impute
    the non-finite values before fitting
    """
    import dask

    names = _names(data, names)
    arrays = [x for x in data if is_dask(x)]
    if len(arrays) != len(data):
        raise TypeError("check_finite checks Dask arrays; for in-memory data use "
                        "numpy.isfinite")
    flags = [x.map_blocks(_block_is_finite, drop_axis=list(range(1, x.ndim)), dtype=bool,
                          chunks=((1,) * n_blocks(x),)) for x in arrays]
    for name, x, finite in zip(names, arrays, dask.compute(*flags)):
        bad = np.flatnonzero(~finite)
        if len(bad):
            b = int(bad[0])
            start = first_rows(x)[b]
            raise ValueError(f"Input {name} contains NaN or infinity in block {b} (rows "
                             f"{start} to {start + x.chunks[0][b] - 1}): remove or impute the "
                             "non-finite values before fitting")
