"""``scan``: a loop that carries a state and stacks what each step emits."""

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
from nabla.core import example_value, staging_active
from nabla.jit.program import compiled
from nabla.numpy import stack


def scan(f, init, xs=None, length=None, reverse=False):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; return the final
    carry and the ``y`` s stacked: ``jax.lax.scan``.

    In Python terms (with ``reverse=True`` the steps run from the last ``x`` to the
    first, and ``ys`` stays in the order of ``xs``)::

        carry, ys = init, []
        for x in xs:
            carry, y = f(carry, x)
            ys.append(y)
        return carry, stack(ys)

    ``init``, ``xs`` and the results may be pytrees; ``length`` gives the number of steps
    when ``xs`` is ``None``. Eagerly it *is* that Python loop (so every transform sees
    through it). Inside ``jit`` the body is traced once and the loop is one equation of
    the program, whatever the number of steps; ``grad`` and ``jvp`` differentiate it
    (reverse mode re-runs the loop forward to recover each step's carry, then runs the
    steps' VJPs backward in a second loop).

    >>> import nabla, nabla.numpy as np
    >>> from nabla.control import scan
    >>> scan(lambda total, x: (total + x, total), 0.0, np.arange(4.0))
    (np.float64(6.0), array([0., 0., 1., 3.]))
    """
    x_leaves, x_tree = tree.flatten(xs)
    steps = _number_of_steps(x_leaves, length)
    if not staging_active():
        return _python_scan(f, init, xs, x_leaves, x_tree, steps, reverse)
    carry, carry_tree = as_leaves(init)
    slices = [example_value(x)[0] for x in x_leaves]
    body, captured, out_tree = stage_body(f, carry + slices, tree.structure((init, xs)))
    n_carry = len(carry)
    new_carry_tree, y_tree = _split_out_tree(out_tree, n_carry)
    if new_carry_tree != carry_tree:
        raise TypeError(f"scan: f must return (carry, y) with the carry's structure "
                        f"{carry_tree}, got {new_carry_tree}")
    check_same_types("scan: the carry", [type_of(c) for c in body.inputs[:n_carry]],
                     [type_of(o) for o in body.outputs[:n_carry]])
    outs = scan_p(*carry, *x_leaves, *captured, body=body, n_carry=n_carry,
                  n_x=len(x_leaves), length=steps, reverse=reverse)
    return (tree.unflatten(carry_tree, outs[:n_carry]),
            tree.unflatten(y_tree, outs[n_carry:]))


def _number_of_steps(x_leaves, length):
    lengths = {np.shape(x)[0] if np.ndim(example_value(x)) else None for x in x_leaves}
    if None in lengths:
        raise ValueError("scan: every leaf of xs needs a leading axis to loop over")
    if length is not None:
        lengths.add(int(length))
    if len(lengths) != 1:
        raise ValueError(f"scan: the leaves of xs (and length) disagree on the number of "
                         f"steps: {sorted(lengths)}")
    (steps,) = lengths
    if steps < 1:
        raise ValueError("scan needs at least one step")
    return steps


def _split_out_tree(out_tree, n_carry):
    """The structures of the carry and of ``y`` in ``f``'s result ``(carry, y)``."""
    out = tree.unflatten(out_tree, list(range(out_tree.num_leaves)))
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError("scan: f must return a pair (carry, y); use None for y if there is "
                        "nothing to stack")
    return tree.structure(out[0]), tree.structure(out[1])


def _python_scan(f, init, xs, x_leaves, x_tree, steps, reverse):
    carry, ys = init, [None] * steps
    for i in (range(steps - 1, -1, -1) if reverse else range(steps)):
        carry, ys[i] = f(carry, tree.unflatten(x_tree, [x[i] for x in x_leaves]))
    return carry, tree.map(lambda *y: stack(y), *ys) if ys[0] is not None else None


# --------------------------------------------------------------------------------------
# The primitive: arguments are carry leaves, xs leaves, then the values the body closes
# over; results are the final carry leaves, then the stacked y leaves.
# --------------------------------------------------------------------------------------


def _split(args, n_carry, n_x):
    return (list(args[:n_carry]), list(args[n_carry:n_carry + n_x]),
            list(args[n_carry + n_x:]))


def _order(steps, reverse):
    return range(steps - 1, -1, -1) if reverse else range(steps)


def _scan_impl(*args, body, n_carry, n_x, length, reverse):
    run = compiled(body)
    carry, xs, consts = _split(args, n_carry, n_x)
    ys = None
    for i in _order(length, reverse):
        outs = run(*carry, *[x[i] for x in xs], *consts)
        carry = outs[:n_carry]
        if ys is None:
            ys = [np.empty_like(y, shape=(length,) + np.shape(y)) for y in outs[n_carry:]]
        for buffer, y in zip(ys, outs[n_carry:]):
            buffer[i] = y
    return [*carry, *ys]


def _scan_jvp(args, tangents, outs, body, n_carry, n_x, length, reverse):
    tangents = [np.zeros_like(a) if t is None else t for a, t in zip(args, tangents)]
    carry, xs, consts = _split(args, n_carry, n_x)
    t_carry, t_xs, t_consts = _split(tangents, n_carry, n_x)

    def step(state, inputs):
        (c, t), (x, dx) = state, inputs
        out, d_out = jvp_floats(body.evaluate, c + x + consts, t + dx + t_consts)
        return (list(out[:n_carry]), list(d_out[:n_carry])), list(d_out[n_carry:])

    (_, t_final), t_ys = scan(step, (carry, t_carry), (xs, t_xs), reverse=reverse)
    return [*t_final, *t_ys]


def _scan_vjp(gs, outs, *args, body, n_carry, n_x, length, reverse):
    carry, xs, consts = _split(args, n_carry, n_x)
    g_final, g_ys = list(gs[:n_carry]), list(gs[n_carry:])

    def keep(c, x):  # the carry entering each step, stacked in the order of xs
        return list(body.evaluate(*c, *x, *consts)[:n_carry]), list(c)

    _, entering = scan(keep, carry, xs, reverse=reverse)

    def back(state, inputs):
        (g_c, g_consts), (c, x, g_y) = state, inputs
        _, pullback = vjp_floats(body.evaluate, c + x + consts)
        cts = pullback(g_c + g_y)
        sums = [a + b for a, b in zip(g_consts, cts[n_carry + n_x:])]
        return (cts[:n_carry], sums), cts[n_carry:n_carry + n_x]

    (g_init, g_consts), g_xs = scan(back, (g_final, zeros_like_all(consts)),
                                    (entering, xs, g_ys), reverse=not reverse)
    return [*g_init, *g_xs, *g_consts]


scan_p = LoopPrimitive("scan", _scan_impl, _scan_jvp, _scan_vjp)
