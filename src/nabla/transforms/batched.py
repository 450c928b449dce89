"""Many directions in one pass: the batching behind ``jacfwd``, ``jacrev`` and ``hessian``."""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core import BatchingError, BatchTrace, BatchTracer, materialize, new_trace


def over_batch(f, directions, size):
    """``f`` applied to every member of a batch of ``directions`` at once.

    ``directions`` is a list of arrays whose axis 0 runs over the batch; ``f`` takes that
    many arguments (one member each) and returns a pytree. Returns the list of output
    leaves, each with the batch as axis 0. If ``f`` uses a batched value as a value (a
    comparison, a branch), it is applied to one member at a time instead.
    """
    try:
        with new_trace(BatchTrace) as trace:
            trace.size = size
            out = f(*[BatchTracer(trace, d) for d in directions])
        return [o.batched if isinstance(o, BatchTracer) and o._trace is trace
                else materialize(o, False, size) for o in tree.leaves(out)]
    except BatchingError:
        members = [tree.leaves(f(*[d[i] for d in directions])) for i in range(size)]
        return [np.stack([m[k] for m in members]) for k in range(len(members[0]))]
