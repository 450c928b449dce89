"""Batching: one pass for a whole batch of tangents or cotangents.

A Jacobian needs one forward-mode pass per input direction (or one reverse pass per
output direction). Instead of looping in Python, ``jacfwd``/``jacrev``/``hessian`` push all
directions at once: each direction is a member of a *batch*, carried by a
:class:`BatchTracer` whose data has the batch as an extra leading axis. The primal
computation runs once; only the (linear) tangent and cotangent computations are batched.

A primitive's batching rule ``batch(values, batched, **params)`` receives the argument
values (those with ``batched[i]`` true carry the leading batch axis) and returns the
batched result, or ``None`` for a case it cannot batch. Elementwise primitives need no
rule of their own (:func:`align_batched` lines the arguments up); a primitive without a
rule is applied to each batch member in turn, which is always correct, only slower.

Batched values are directions, not data: code that looks at their *values* (a
comparison, ``if x > 0``) raises :class:`BatchingError`, and the Jacobian transforms fall
back to one direction at a time.
"""

from __future__ import annotations

import numpy as np

from nabla.core.registry import lookup
from nabla.core.trace import Trace
from nabla.core.tracer import Tracer
from nabla.tree import flatten, unflatten


class BatchingError(Exception):
    """A batched direction was used as a value (compared, converted, branched on)."""


class BatchTracer(Tracer):
    """A batch of values of one shape; ``batched`` holds them stacked along axis 0."""

    __slots__ = ("batched",)

    def __init__(self, trace, batched):
        self._trace = trace
        self.batched = batched

    @property
    def value(self):
        raise BatchingError(
            "a batched direction inside jacfwd/jacrev/hessian was used as a value (compared, "
            "converted or branched on)"
        )

    @property
    def shape(self):
        return self.batched.shape[1:]

    @property
    def dtype(self):
        return self.batched.dtype

    @property
    def ndim(self):
        return self.batched.ndim - 1

    @property
    def size(self):
        return self.batched.size // self.batched.shape[0]

    def __len__(self):
        return self.batched.shape[1]

    def __repr__(self):
        return (f"BatchTracer(level={self._trace.level}, shape={self.shape}, "
                f"batch={self._trace.size})")


def align_batched(values, batched):
    """Elementwise arguments lined up for broadcasting: each batched value (batch axis
    first) gets singleton axes after the batch axis up to the result's number of axes."""
    ndim = max(np.ndim(v) - b for v, b in zip(values, batched))
    out = []
    for v, b in zip(values, batched):
        if b and v.ndim - 1 < ndim:
            v = lookup(np.reshape)(v, (v.shape[0],) + (1,) * (ndim - v.ndim + 1) + v.shape[1:])
        out.append(v)
    return out


def member(value, batched, i):
    return value[i] if batched else value


class BatchTrace(Trace):
    """The trace of a batch of ``size`` directions."""

    __slots__ = ("size",)

    def _unwrap(self, args):
        values, batched = [], []
        for a in args:
            mine = isinstance(a, BatchTracer) and a._trace is self
            values.append(a.batched if mine else a)
            batched.append(mine)
        return values, batched

    def _one_at_a_time(self, fn, values, batched):
        """``fn`` applied to each member of the batch, results stacked: the fallback."""
        results = [fn([member(v, b, i) for v, b in zip(values, batched)])
                   for i in range(self.size)]
        leaves = [flatten(r)[0] for r in results]
        stack = lookup(np.stack)
        stacked = [stack([leaf[k] for leaf in leaves]) for k in range(len(leaves[0]))]
        return unflatten(flatten(results[0])[1], [BatchTracer(self, s) for s in stacked])

    def process(self, prim, args, params):
        if not self.active:
            self.check_active()
        values, batched = self._unwrap(args)
        if prim.batch is not None:
            out = prim.batch(values, batched, **params)
            if out is not None:  # None: this case has no batched form
                return BatchTracer(self, out)
        return self._one_at_a_time(lambda vs: prim(*vs, **params), values, batched)

    def process_multiple(self, prim, args, params):
        values, batched = self._unwrap(args)
        return tuple(self._one_at_a_time(lambda vs: list(prim(*vs, **params)), values, batched))

    def process_custom_vjp(self, custom, args):
        leaves, tree = flatten(args)
        values, batched = self._unwrap(leaves)
        return self._one_at_a_time(lambda vs: custom(*unflatten(tree, vs)), values, batched)

    process_custom_jvp = process_custom_vjp


def materialize(value, batched, size):
    """``value`` with a batch axis, broadcasting an unbatched one along it."""
    if batched:
        return value
    return lookup(np.broadcast_to)(value, (size,) + np.shape(value))
