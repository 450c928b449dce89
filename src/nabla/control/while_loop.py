"""``while_loop``: repeat a step while a condition holds."""

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
)
from nabla.core import staging_active
from nabla.jit.program import compiled


def while_loop(cond_fun, body_fun, init_val):
    """``val = body_fun(val)`` while ``cond_fun(val)``; returns the last ``val``:
    ``jax.lax.while_loop``.

    Eagerly it is the Python ``while`` loop. Inside ``jit`` both functions are traced
    once and the loop is one equation of the program (``val`` keeps its structure, shapes
    and dtypes; ``cond_fun`` returns a scalar boolean). Forward mode (``jvp``,
    ``jacfwd``) differentiates it; reverse mode under ``jit`` cannot, since the number of
    steps is only known at run time — use :func:`~nabla.control.fori_loop` with Python
    int bounds or :func:`~nabla.control.scan`.

    >>> import nabla
    >>> from nabla.control import while_loop
    >>> nabla.jit(lambda x: while_loop(lambda v: v < 100.0, lambda v: 3.0 * v, x))(2.0)
    np.float64(162.0)
    """
    if not staging_active():
        val = init_val
        while cond_fun(val):
            val = body_fun(val)
        return val
    carry, carry_tree = as_leaves(init_val)
    in_tree = tree.structure((init_val,))
    cond, cond_consts, _ = stage_body(cond_fun, carry, in_tree)
    if len(cond.outputs) != 1 or type_of(cond.outputs[0])[0] != ():
        raise TypeError("while_loop: cond_fun must return a scalar boolean")
    body, body_consts, out_tree = stage_body(body_fun, carry, in_tree)
    if out_tree != carry_tree:
        raise TypeError(f"while_loop: body_fun must return a value with the structure of "
                        f"init_val, {carry_tree}, got {out_tree}")
    check_same_types("while_loop: the loop value", [type_of(c) for c in carry],
                     [type_of(o) for o in body.outputs])
    outs = while_p(*carry, *cond_consts, *body_consts, cond=cond, body=body,
                   n_carry=len(carry), n_cond=len(cond_consts))
    return tree.unflatten(carry_tree, outs)


def _split(args, n_carry, n_cond):
    return (list(args[:n_carry]), list(args[n_carry:n_carry + n_cond]),
            list(args[n_carry + n_cond:]))


def _while_impl(*args, cond, body, n_carry, n_cond):
    carry, cond_consts, body_consts = _split(args, n_carry, n_cond)
    test, step = compiled(cond), compiled(body)
    while test(*carry, *cond_consts)[0]:
        carry = step(*carry, *body_consts)
    return list(carry)


def _while_jvp(args, tangents, outs, cond, body, n_carry, n_cond):
    tangents = [np.zeros_like(a) if t is None else t for a, t in zip(args, tangents)]
    carry, cond_consts, body_consts = _split(args, n_carry, n_cond)
    t_carry, _, t_body_consts = _split(tangents, n_carry, n_cond)

    def test(state):
        return cond.evaluate(*state[0], *cond_consts)[0]

    def step(state):
        out, d_out = jvp_floats(body.evaluate, state[0] + body_consts,
                                state[1] + t_body_consts)
        return list(out), list(d_out)

    return list(while_loop(test, step, (carry, t_carry))[1])


def _while_vjp(gs, outs, *args, **params):
    raise TypeError(
        "reverse-mode differentiation (grad, vjp, jacrev) of nabla.control.while_loop "
        "inside jit is not supported: the number of steps is known only at run time, so "
        "the values of every step cannot be kept for the backward pass. Use "
        "nabla.control.fori_loop with Python int bounds or nabla.control.scan, or forward "
        "mode (jvp, jacfwd)."
    )


while_p = LoopPrimitive("while_loop", _while_impl, _while_jvp, _while_vjp)
