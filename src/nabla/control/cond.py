"""``cond``: choose between two functions by a traced condition."""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.control._body import (
    LoopPrimitive,
    as_leaves,
    check_same_types,
    jvp_floats,
    stage_body,
    type_of,
    vjp_floats,
    zeros_like_all,
)
from nabla.core import Tracer, concrete, staging_active
from nabla.jit.program import compiled


def cond(pred, true_fun, false_fun, *operands):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``:
    ``jax.lax.cond``.

    Eagerly, and whenever ``pred`` is a known value, it is Python's ``if``. Inside
    ``jit``, with ``pred`` traced, both branches are traced and the choice is made when
    the program runs (only the chosen branch is computed); both must return the same
    structure, shapes and dtypes. ``grad`` and ``jvp`` differentiate through the branch
    taken.

    >>> import nabla, nabla.numpy as np
    >>> from nabla.control import cond
    >>> f = nabla.jit(lambda x: cond(x > 0, np.sin, np.cos, x))
    >>> float(f(0.5)) == float(np.sin(0.5)), float(f(-0.5)) == float(np.cos(-0.5))
    (True, True)
    """
    if not (staging_active() and isinstance(concrete(pred), Tracer)):
        return true_fun(*operands) if pred else false_fun(*operands)
    if pred.shape != ():
        raise TypeError(f"cond: pred must be a scalar, got shape {pred.shape}; use "
                        f"nabla.numpy.where to choose elementwise")
    if pred.dtype != bool:
        pred = pred != 0
    leaves, _ = as_leaves(operands)
    in_tree = tree.structure(operands)
    true, true_consts, true_tree = stage_body(true_fun, leaves, in_tree)
    false, false_consts, false_tree = stage_body(false_fun, leaves, in_tree)
    if true_tree != false_tree:
        raise TypeError(f"cond: both branches must return the same structure; true_fun "
                        f"gives {true_tree}, false_fun gives {false_tree}")
    check_same_types("cond: the branches' results", [type_of(o) for o in true.outputs],
                     [type_of(o) for o in false.outputs])
    outs = cond_p(pred, *leaves, *true_consts, *false_consts, true=true, false=false,
                  n_operands=len(leaves), n_true=len(true_consts))
    return tree.unflatten(true_tree, outs)


def _split(args, n_operands, n_true):
    pred, rest = args[0], list(args[1:])
    return (pred, rest[:n_operands], rest[n_operands:n_operands + n_true],
            rest[n_operands + n_true:])


def _cond_impl(*args, true, false, n_operands, n_true):
    pred, operands, true_consts, false_consts = _split(args, n_operands, n_true)
    if pred:
        return list(compiled(true)(*operands, *true_consts))
    return list(compiled(false)(*operands, *false_consts))


def _cond_jvp(args, tangents, outs, true, false, n_operands, n_true):
    tangents = [None] + [np.zeros_like(a) if t is None else t
                         for a, t in zip(args[1:], tangents[1:])]
    pred, operands, true_consts, false_consts = _split(args, n_operands, n_true)
    _, t_operands, t_true, t_false = _split(tangents, n_operands, n_true)

    def branch(program, consts, t_consts):
        def tangent(ops, t_ops):
            return list(jvp_floats(program.evaluate, ops + consts, t_ops + t_consts)[1])
        return tangent

    return cond(pred, branch(true, true_consts, t_true), branch(false, false_consts, t_false),
                operands, t_operands)


def _cond_vjp(gs, outs, *args, true, false, n_operands, n_true):
    pred, operands, true_consts, false_consts = _split(args, n_operands, n_true)

    def branch(program, consts, taken_first):
        def cotangents(ops, g):
            _, pullback = vjp_floats(program.evaluate, ops + consts)
            cts = pullback(list(g))
            other = zeros_like_all(false_consts if taken_first else true_consts)
            mine = cts[n_operands:]
            return cts[:n_operands] + (mine + other if taken_first else other + mine)
        return cotangents

    cts = cond(pred, branch(true, true_consts, True), branch(false, false_consts, False),
               operands, list(gs))
    return [None, *cts]


cond_p = LoopPrimitive("cond", _cond_impl, _cond_jvp, _cond_vjp)
