"""What the loops and branches share: bodies staged as programs, and loop primitives."""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core import MultipleResultsPrimitive, Tracer, example_value, stage
from nabla.transforms import jvp, vjp


class LoopPrimitive(MultipleResultsPrimitive):
    """A primitive whose parameters hold staged programs (a loop body, two branches).

    ``joint_vjp(gs, outs, *args, **params)`` returns the cotangents of all arguments at
    once, so reverse mode runs one backward loop, not one per argument.
    """

    __slots__ = ("joint_vjp",)

    def __init__(self, name, impl, jvp, joint_vjp):
        super().__init__(name, impl, (), jvp)
        self.joint_vjp = joint_vjp


def as_leaves(value):
    """The leaves of a pytree of array-likes, Python numbers made arrays (a loop carry
    needs a fixed dtype)."""
    leaves, treedef = tree.flatten(value)
    return [x if isinstance(x, Tracer) or hasattr(x, "dtype") else np.asarray(x)
            for x in leaves], treedef


def stage_body(fun, examples, in_tree):
    """``fun`` on pytrees with the structure ``in_tree`` staged as a program of leaves.

    Returns ``(program, captured, out_tree)``: the program's inputs are the leaves and
    then one input per outer value the body closes over (``captured``).
    """
    return stage(lambda *xs: fun(*tree.unflatten(in_tree, xs)),
                 [example_value(x) for x in examples])


def type_of(atom):
    """``(shape, dtype)`` of a program atom (a Var or a constant)."""
    if hasattr(atom, "type_string"):
        return atom.shape, atom.dtype
    return np.shape(atom), np.result_type(atom)


def check_same_types(what, expected, got):
    """A loop must give back a carry of the type it was given (or the program cannot
    be one loop)."""
    for k, (e, g) in enumerate(zip(expected, got, strict=True)):
        if tuple(e[0]) != tuple(g[0]) or np.dtype(e[1]) != np.dtype(g[1]):
            raise TypeError(
                f"{what}: leaf {k} enters with shape {tuple(e[0])} and dtype {e[1]} but "
                f"comes out with shape {tuple(g[0])} and dtype {g[1]}. A loop carry must "
                f"keep its shape and dtype: start it with the right dtype (e.g. 0.0 "
                f"instead of 0, or np.float32(0.0)) and shape."
            )


def zeros_like_all(values):
    return [np.zeros_like(v) for v in values]


def is_float(value):
    return np.issubdtype(np.result_type(value) if not hasattr(value, "dtype") else value.dtype,
                         np.floating)


def _of_floats(fn, primals):
    """The positions of the floating-point primals, and ``fn`` as a function of those
    alone (the others held at their values)."""
    floats = [i for i, v in enumerate(primals) if is_float(v)]

    def of_floats(*values):
        full = list(primals)
        for i, v in zip(floats, values):
            full[i] = v
        return list(fn(*full))

    return floats, of_floats


def jvp_floats(fn, primals, tangents):
    """``nabla.jvp`` of ``fn(*primals) -> list`` along the floating-point primals only
    (loop counters and masks have no tangent)."""
    floats, of_floats = _of_floats(fn, primals)
    if not floats:
        out = list(fn(*primals))
        return out, zeros_like_all(out)
    return jvp(of_floats, tuple(primals[i] for i in floats),
               tuple(tangents[i] for i in floats))


def vjp_floats(fn, primals):
    """``(fn(*primals), pullback)``; the pullback gives one cotangent per primal, zeros for
    those that are not floating-point."""
    floats, of_floats = _of_floats(fn, primals)
    if not floats:
        return list(fn(*primals)), lambda cotangents: zeros_like_all(primals)
    out, pull = vjp(of_floats, *[primals[i] for i in floats])

    def pullback(cotangents):
        cts = zeros_like_all(primals)
        for i, c in zip(floats, pull(list(cotangents))):
            cts[i] = c
        return cts

    return out, pullback
