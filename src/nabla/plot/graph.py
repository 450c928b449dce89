"""The computation graph of a small function, as reverse mode records it.

:func:`trace_graph` runs ``f`` under a :class:`nabla.core.ReverseTrace`: every primitive
applied appends a node to the tape with its value and its parents. The backward pass
then gives each node its adjoint ∂out/∂node. :func:`computation_graph` draws that DAG
with matplotlib alone (a layered layout, no graphviz).
"""

from __future__ import annotations

import dataclasses
import inspect

import numpy as onp

from nabla.core import ReverseTrace, ReverseTracer, new_trace
from nabla.plot import style as S


@dataclasses.dataclass
class Node:
    """One node of the graph: ``op`` (primitive name or input name), ``value``,
    ``adjoint`` = ∂out/∂node, ``parents`` (tape indices) and ``layer`` (its depth)."""

    index: int
    op: str
    value: object
    adjoint: object
    parents: list
    layer: int = 0
    constants: list = dataclasses.field(default_factory=list)


def _names(f, n):
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"x{i}" for i in range(n)]


def trace_graph(f, *args):
    """The nodes of ``f(*args)``'s graph, in tape order, with values and adjoints.

    >>> import nabla.numpy as np
    >>> nodes = trace_graph(lambda x, y: np.sin(x) * y, 0.0, 2.0)
    >>> [(n.op, float(n.value), float(n.adjoint)) for n in nodes]
    [('x', 0.0, 2.0), ('y', 2.0, 0.0), ('sin', 0.0, 2.0), ('multiply', 0.0, 1.0)]
    """
    values = [onp.asarray(a, dtype=float) for a in args]
    with new_trace(ReverseTrace) as trace:
        inputs = [trace.new_input(v) for v in values]
        out = f(*inputs)
    tape, trace.tape = trace.tape, None
    if not (isinstance(out, ReverseTracer) and out._trace is trace):
        raise ValueError("computation_graph: f's output does not depend on its arguments")
    if onp.ndim(out.value) != 0:
        raise ValueError(f"computation_graph needs a scalar output, got shape "
                         f"{onp.shape(out.value)}")
    adjoints = [None] * len(tape)
    adjoints[out.index] = onp.ones_like(out.value)
    for i in range(len(tape) - 1, -1, -1):
        g, entry = adjoints[i], tape[i]
        if g is None or entry is None:
            continue
        pending = adjoints[i]
        entry.backprop(g, adjoints)
        adjoints[i] = pending  # backprop only adds to the parents; keep this one's own
    names = _names(f, len(values))
    nodes = []
    for i, entry in enumerate(tape):
        adjoint = onp.zeros_like(entry.value if entry is not None else values[i]) \
            if adjoints[i] is None else adjoints[i]
        if entry is None:
            nodes.append(Node(i, names[i], inputs[i].value, adjoint, []))
            continue
        if not isinstance(entry, ReverseTracer):
            raise ValueError(f"computation_graph draws primitives only; tape entry {i} is a "
                             f"{type(entry).__name__} (custom_vjp or multiple outputs)")
        traced = {argnum for argnum, _ in entry.parents}
        constants = [a for k, a in enumerate(entry.args) if k not in traced]
        parents = [p for _, p in entry.parents]
        layer = 1 + max((nodes[p].layer for p in parents), default=0)
        nodes.append(Node(i, entry.prim.name, entry.value, adjoint, parents, layer, constants))
    return nodes


def _layout(nodes):
    """Position (x, y) of each node: x = its layer; within a layer, nodes are ordered by
    the mean height of their parents (fewer crossings) and spread evenly."""
    by_layer = {}
    for node in nodes:
        by_layer.setdefault(node.layer, []).append(node)
    height = max(len(v) for v in by_layer.values())
    pos = {}
    for layer in sorted(by_layer):
        members = by_layer[layer]
        if layer > 0:
            members = sorted(members, key=lambda n: -onp.mean([pos[p][1] for p in n.parents]))
        for k, node in enumerate(members):
            y = (height - 1) / 2 if len(members) == 1 else \
                (height - 1) * (1 - k / (len(members) - 1))
            pos[node.index] = (1.0 * layer, y)
    return pos


def computation_graph(f, *args, ax=None):
    """Draw the graph of ``f(*args)``: one box per tape node with its op, value and
    adjoint ∂out/∂node, and an arrow from each argument to the node that uses it.

    The adjoints of the inputs are the gradient ``nabla.grad(f, argnums=…)``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import nabla.numpy as np
    >>> from nabla.plot import computation_graph
    >>> fig = computation_graph(lambda x, y: x * y + np.sin(x), 1.0, 2.0)
    >>> len(fig.axes[0].texts), len(fig.axes[0].patches)    # 5 nodes, 5 arrows
    (5, 5)
    """
    nodes = trace_graph(f, *args)
    pos = _layout(nodes)
    layers = max(n.layer for n in nodes) + 1
    height = max(p[1] for p in pos.values()) + 1
    figsize = (max(4.0, 2.4 * layers), max(3.0, 1.4 * height + 1.0))
    fig, ax = S.figure(ax, figsize=figsize)
    out = nodes[-1].index if nodes else None
    boxes = {}
    for node in nodes:
        op = node.op
        if node.constants:
            op += "(" + ", ".join("·" for _ in node.parents) + ", " + ", ".join(
                S.fmt(c, 3) for c in node.constants) + ")"
        text = f"{op}\nvalue = {S.fmt(node.value)}\n∂out/∂node = {S.fmt(node.adjoint)}"
        color = S.COLORS[5] if not node.parents else (
            S.COLORS[4] if node.index == out else "#DDDDDD")
        boxes[node.index] = ax.text(
            *pos[node.index], text, ha="center", va="center", fontsize=S.TICK_SIZE,
            gid=f"node{node.index}", zorder=3,
            bbox=dict(boxstyle="round,pad=0.4", facecolor=color, edgecolor="black", lw=0.8))
    from matplotlib.patches import FancyArrowPatch

    for node in nodes:
        for p in node.parents:
            skip = node.layer - nodes[p].layer > 1
            ax.add_patch(FancyArrowPatch(
                pos[p], pos[node.index], arrowstyle="-|>", mutation_scale=12, lw=1.0,
                color="#444444", patchA=boxes[p].get_bbox_patch(),
                patchB=boxes[node.index].get_bbox_patch(), shrinkA=2, shrinkB=2, zorder=2,
                connectionstyle=f"arc3,rad={-0.25 if skip else 0.0}"))
    ax.set_xlim(-0.6, layers - 0.4)
    ax.set_ylim(-0.9, height - 0.1)
    ax.set_axis_off()
    S.label(ax, title="computation graph: value and adjoint ∂out/∂node of each node",
            legend=False)
    return fig
