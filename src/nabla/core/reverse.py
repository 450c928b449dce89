"""Reverse mode: record a tape going forward, apply VJP rules going back.

While a function runs under a :class:`ReverseTrace`, every primitive applied to one of
its tracers appends its result, a :class:`ReverseTracer`, to the trace's *tape*, with
the primitive, its argument values, and which tape entries its traced arguments came
from. Tape order is
evaluation order, so walking the tape backwards visits every node after all the nodes
that used its result: by then its cotangent is complete, and its VJP rules pass the
cotangent on to its arguments (:func:`backward`). Cotangents of a value used twice add up.

That is the whole of backpropagation; ``grad`` is this with a cotangent seed of 1.
"""

from __future__ import annotations

import numpy as np

from nabla.core.fit import fit_cotangent
from nabla.core.primitive import backend_error
from nabla.core.trace import Trace
from nabla.core.tracer import Tracer
from nabla.tree import flatten, unflatten


class ReverseTracer(Tracer):
    """A value recorded on a tape, and the node of the graph that made it.

    ``index`` is its entry on the tape. A tracer made by a primitive is its own tape
    entry and remembers what its VJP rules need: the primitive, the argument values (one
    level down), the parameters, and ``parents``, the (argument number, tape index) of
    each argument that was traced. (One object per operation instead of two keeps the
    tape cheap; micrograd's ``Value`` is built the same way.)
    """

    __slots__ = ("index", "prim", "args", "params", "parents")

    def __init__(self, trace, value, index, prim=None, args=(), params=None, parents=()):
        self._trace = trace
        self.value = value
        self.index = index
        self.prim = prim
        self.args = args
        self.params = params
        self.parents = parents

    def backprop(self, g, cotangents):
        """Pass the cotangent ``g`` of this value on to the arguments it was made from."""
        vjps, args, params, ans = self.prim.vjps, self.args, self.params, self.value
        for argnum, parent in self.parents:
            rule = vjps[argnum]
            if rule is None:  # no derivative flows through this argument
                continue
            c = rule(g, ans, *args, **params)
            a = args[argnum]
            if c.shape != a.shape or c.dtype != a.dtype:
                c = fit_cotangent(c, a)
            old = cotangents[parent]
            cotangents[parent] = c if old is None else old + c


class CustomNode:
    """A node with a backward rule of its own: a ``custom_vjp`` function or a primitive
    with several outputs. ``bwd(g_tree)`` returns the cotangents of the argument leaves."""

    __slots__ = ("bwd", "outs", "out_tree", "args", "parents")

    def __init__(self, bwd, outs, out_tree, args, parents):
        self.bwd = bwd
        self.outs = outs  # output leaf values
        self.out_tree = out_tree
        self.args = args  # argument leaf values
        self.parents = parents  # (argument leaf number, tape index)

    def backprop(self, gs, cotangents):
        if not isinstance(gs, list):
            gs = [gs]
        gs = [np.zeros_like(o) if g is None else g for g, o in zip(gs, self.outs)]
        arg_cts = self.bwd(unflatten(self.out_tree, gs))
        for leaf, parent in self.parents:
            c = arg_cts[leaf]
            if c is not None:
                accumulate(cotangents, parent, fit_cotangent(c, self.args[leaf]))


class OutputOf:
    """The ``k``-th output of a multi-output node at tape index ``node``: its cotangent is
    gathered into a list on the node's entry, which sees them all at once."""

    __slots__ = ("node", "k", "n")

    def __init__(self, node, k, n):
        self.node, self.k, self.n = node, k, n

    def backprop(self, g, cotangents):
        gathered = cotangents[self.node]
        if gathered is None:
            gathered = cotangents[self.node] = [None] * self.n
        gathered[self.k] = g if gathered[self.k] is None else gathered[self.k] + g


def accumulate(cotangents, index, c):
    old = cotangents[index]
    cotangents[index] = c if old is None else old + c


class ReverseTrace(Trace):
    """The trace of reverse mode; its tape is a list of nodes (``None`` for inputs)."""

    __slots__ = ("tape",)

    def __init__(self, level):
        super().__init__(level)
        self.tape = []

    def new_input(self, value):
        self.tape.append(None)
        return ReverseTracer(self, value, len(self.tape) - 1)

    def _unwrap(self, args):
        """Values one level down, and (argument number, tape index) of this trace's tracers."""
        values, parents = [], []
        for i, a in enumerate(args):
            if type(a) is ReverseTracer and a._trace is self:
                values.append(a.value)
                parents.append((i, a.index))
            else:
                values.append(a)
        return values, parents

    def process(self, prim, args, params):
        if not self.active:
            self.check_active()
        values, parents, lower = list(args), [], False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    parents.append((i, a.index))
                    values[i] = a = a.value
                    lower = lower or isinstance(a, Tracer)
                else:
                    lower = True
        # Values of lower levels go back through the primitive to their own traces.
        try:
            ans = prim(*values, **params) if lower else prim.impl(*values, **params)
        except TypeError as e:
            raise backend_error(prim.name, values, e) from e
        tape = self.tape
        out = ReverseTracer(self, ans, len(tape), prim, values, params, parents)
        tape.append(out)
        return out

    def _record_custom(self, args, run):
        """Shared by both kinds of custom rule: ``run(arg_values) -> (out, bwd)``."""
        self.check_active()
        leaves, in_tree = flatten(args)
        values, parents = self._unwrap(leaves)
        out, bwd = run(unflatten(in_tree, values))
        outs, out_tree = flatten(out)
        self.tape.append(CustomNode(bwd, outs, out_tree, values, parents))
        node = len(self.tape) - 1
        if len(outs) == 1:
            return unflatten(out_tree, [ReverseTracer(self, outs[0], node)])
        tracers = []
        for k, o in enumerate(outs):
            self.tape.append(OutputOf(node, k, len(outs)))
            tracers.append(ReverseTracer(self, o, len(self.tape) - 1))
        return unflatten(out_tree, tracers)

    def process_multiple(self, prim, args, params):
        def run(values):
            outs = prim(*values, **params)

            def bwd(gs):
                joint = getattr(prim, "joint_vjp", None)
                if joint is not None:  # a loop: one backward pass gives every cotangent
                    return joint(gs, outs, *values, **params)
                return [None if rule is None else rule(gs, outs, *values, **params)
                        for rule in prim.vjps]

            return tuple(outs), bwd

        return self._record_custom(tuple(args), run)

    def process_custom_vjp(self, custom, args):
        def run(values):
            out, residuals = custom.fwd(*values)

            def bwd(g):
                cts = custom.bwd(residuals, g)
                return custom.flatten_cotangents(cts, values)

            return out, bwd

        return self._record_custom(args, run)

    def process_custom_jvp(self, custom, args):
        def run(values):
            return custom.fun(*values), lambda g: custom.transpose_jvp(values, g)

        return self._record_custom(args, run)


def backward(tape, seeds, keep_tape=False):
    """Propagate cotangents from ``seeds`` (tape index -> cotangent) back along ``tape``.

    Returns the list of cotangents by tape index; the entries of inputs hold their
    gradients. Unless ``keep_tape``, each node is dropped from the tape once used, so its
    memory goes back as soon as possible.
    """
    cotangents = [None] * len(tape)
    for index, g in seeds:
        accumulate(cotangents, index, g)
    for i in range(len(tape) - 1, -1, -1):
        g = cotangents[i]
        entry = tape[i]
        if g is None or entry is None:
            continue
        cotangents[i] = None
        if not keep_tape:
            tape[i] = None
        entry.backprop(g, cotangents)
    return cotangents
