"""Forward mode: carry a tangent beside every value.

Under a :class:`JVPTrace` each tracer holds a value and its tangent, the directional
derivative of that value along the input direction the user chose. A primitive maps
the values with its implementation and the tangents with its JVP rule; nothing is
recorded, so memory does not grow with the length of the computation.
"""

from __future__ import annotations

import numpy as np

from nabla.core.fit import fit_tangent
from nabla.core.trace import Trace
from nabla.core.tracer import Tracer
from nabla.tree import flatten, unflatten


class JVPTracer(Tracer):
    """A value with its tangent."""

    __slots__ = ("tangent",)

    def __init__(self, trace, value, tangent):
        self._trace = trace
        self.value = value
        self.tangent = tangent


class JVPTrace(Trace):
    __slots__ = ()

    def _unwrap(self, args):
        values, tangents = [], []
        for a in args:
            if isinstance(a, JVPTracer) and a._trace is self:
                values.append(a.value)
                tangents.append(a.tangent)
            else:
                values.append(a)
                tangents.append(None)
        return values, tangents

    def process(self, prim, args, params):
        if not self.active:
            self.check_active()
        values, tangents = self._unwrap(args)
        ans = prim(*values, **params)
        t = prim.jvp(values, tangents, ans, **params)
        if t is None:  # the traced arguments were ones the result does not depend on
            return ans
        return JVPTracer(self, ans, fit_tangent(t, ans))

    def process_multiple(self, prim, args, params):
        if not self.active:
            self.check_active()
        values, tangents = self._unwrap(args)
        outs = prim(*values, **params)
        t_outs = prim.jvp(values, tangents, outs, **params)
        return tuple(
            JVPTracer(self, o, fit_tangent(np.zeros_like(o) if t is None else t, o))
            for o, t in zip(outs, t_outs)
        )

    def process_custom_vjp(self, custom, args):
        # A custom VJP says nothing about forward mode: differentiate the function itself.
        return custom.fun(*args)

    def process_custom_jvp(self, custom, args):
        self.check_active()
        leaves, in_tree = flatten(args)
        values, tangents = self._unwrap(leaves)
        tangents = [np.zeros_like(v) if t is None else t for v, t in zip(values, tangents)]
        out, t_out = custom.jvp(unflatten(in_tree, values), unflatten(in_tree, tangents))
        outs, out_tree = flatten(out)
        t_outs, _ = flatten(t_out)
        return unflatten(
            out_tree, [JVPTracer(self, o, fit_tangent(t, o)) for o, t in zip(outs, t_outs)]
        )
