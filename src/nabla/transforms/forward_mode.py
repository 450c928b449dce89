"""Forward-mode transform: ``jvp``, the derivative along a chosen direction.

``jvp(f, (x,), (v,))`` runs ``f`` once with every value carrying its tangent, and returns
``f(x)`` and ``J v``, the directional derivative of ``f`` at ``x`` along ``v``.
"""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core import JVPTrace, JVPTracer, new_trace
from nabla.transforms.arguments import prepare


def jvp(f, primals, tangents):
    """``(f(*primals), J·tangents)``: the Jacobian-vector product, by forward mode.

    ``primals`` and ``tangents`` are tuples with the same structure, shapes and dtypes.

    >>> import nabla, nabla.numpy as np
    >>> nabla.jvp(np.sin, (0.0,), (2.0,))   # sin(0), cos(0)·2
    (np.float64(0.0), np.float64(2.0))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents) takes primals and tangents as tuples, "
                        "e.g. jvp(f, (x,), (v,))")
    leaves, in_tree = prepare(tuple(primals), "jvp")
    t_leaves, t_tree = prepare(tuple(tangents), "jvp")
    if t_tree != in_tree:
        raise ValueError(f"jvp: tangents must have the structure of primals, {in_tree}, "
                         f"got {t_tree}")
    for x, t in zip(leaves, t_leaves):
        if np.shape(x) != np.shape(t):
            raise ValueError(f"jvp: each tangent must have its primal's shape; got a tangent "
                             f"of shape {np.shape(t)} for a primal of shape {np.shape(x)}")
        if x.dtype != t.dtype:
            raise TypeError(f"jvp: each tangent must have its primal's dtype; got {t.dtype} "
                            f"for {x.dtype}")
    with new_trace(JVPTrace) as trace:
        inputs = [JVPTracer(trace, x, t) for x, t in zip(leaves, t_leaves)]
        result = f(*tree.unflatten(in_tree, inputs))
    out_leaves, out_tree = tree.flatten(result)
    values, out_tangents = [], []
    for o in out_leaves:
        if isinstance(o, JVPTracer) and o._trace is trace:
            values.append(o.value)
            out_tangents.append(o.tangent)
        else:  # an output that does not depend on the inputs
            values.append(o)
            out_tangents.append(np.zeros_like(o))
    return tree.unflatten(out_tree, values), tree.unflatten(out_tree, out_tangents)
