"""Indexing, ``x[index]``: a linear map whose transpose scatters back with addition.

Reading ``x[index]`` picks entries; its reverse rule puts each cotangent back where its
entry came from, in an array of zeros shaped like ``x``. With integer-array indices an
entry can be picked twice (``x[[0, 0]]``), so the scatter adds (``np.add.at``), and both
picks contribute to the derivative.
"""

from __future__ import annotations

import operator

import numpy as np

from nabla.core import Tracer, implements, linear


def _is_basic(index) -> bool:
    """Whether ``index`` uses only ints, slices, ``...`` and ``None`` (no entry twice)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


def _normalize_index(index):
    """Plain, hashable-enough index: lists become arrays, tracers are refused."""
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for p in parts:
        if isinstance(p, Tracer):
            raise TypeError(
                "an index must be a plain integer, slice or integer/boolean array, not a "
                "traced value; compute indices without differentiating them (e.g. with "
                "np.argmax on nabla.stop_gradient(x))."
            )
        if isinstance(p, list):
            p = np.asarray(p)
        out.append(p)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _scatter_add_impl(g, index, shape):
    z = np.zeros_like(g, shape=shape)
    if _is_basic(index):
        z[index] = g
    else:
        np.add.at(z, index, g)
    return z


_getitem = linear(
    lambda x, index: x[index],
    lambda g, ans, x, index: _scatter_add(g, index=index, shape=x.shape),
    name="getitem",
)
_scatter_add = linear(
    _scatter_add_impl,
    lambda g, ans, v, index, shape: _getitem(g, index=index),
    name="scatter_add",
)


@implements(operator.getitem)
def getitem(x, index):
    """``x[index]``, differentiable in ``x``."""
    return _getitem(x, index=_normalize_index(index))
