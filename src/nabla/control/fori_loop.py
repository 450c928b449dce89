"""``fori_loop``: a counted loop over a carried value."""

from __future__ import annotations

import operator

import numpy as np

from nabla.control.scan import scan
from nabla.control.while_loop import while_loop
from nabla.core import Tracer, staging_active


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns ``val``:
    ``jax.lax.fori_loop``.

    Eagerly it is the Python ``for`` loop. Inside ``jit`` the body is traced once: with
    Python int bounds the loop is a :func:`~nabla.control.scan` over the counter (so
    reverse mode differentiates it, and the program's length does not grow with the
    number of steps); with traced bounds it is a :func:`~nabla.control.while_loop`
    (forward mode only).

    >>> import nabla
    >>> from nabla.control import fori_loop
    >>> nabla.grad(nabla.jit(lambda x: fori_loop(0, 3, lambda i, v: v * x, 1.0)))(2.0)
    np.float64(12.0)
    """
    if isinstance(lower, Tracer) or isinstance(upper, Tracer):
        def test(state):
            return state[0] < upper

        def step(state):
            return state[0] + 1, body_fun(state[0], state[1])

        start = lower if isinstance(lower, Tracer) else np.asarray(lower)
        return while_loop(test, step, (start, init_val))[1]
    lower, upper = operator.index(lower), operator.index(upper)
    if not staging_active():
        val = init_val
        for i in range(lower, upper):
            val = body_fun(i, val)
        return val
    if upper <= lower:
        return init_val
    val, _ = scan(lambda v, i: (body_fun(i, v), None), init_val, np.arange(lower, upper))
    return val
