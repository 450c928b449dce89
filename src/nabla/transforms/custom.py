"""Taking control of derivatives: ``custom_vjp``, ``custom_jvp`` and ``stop_gradient``.

Give a function your own derivative when the automatic one is wasteful (an implicit
function, a solver), numerically poor (``log(1 + exp(x))`` for large ``x``), or when the
function is not built from nabla primitives at all. The interface is JAX's.
"""

from __future__ import annotations

import functools

import numpy as np

from nabla import tree
from nabla.core import Primitive, top_trace
from nabla.transforms.reverse_mode import vjp

_stop_gradient = Primitive("stop_gradient", lambda x: x, (None,), lambda *args, **kw: None,
                           lambda values, batched: _stop_gradient(values[0]))


def stop_gradient(x):
    """``x`` itself, seen by every transform as a constant: its derivative is zero.

    Works on pytrees. Typical use: a target that must not be differentiated
    (``(y - stop_gradient(y_target)) ** 2``), or a stabilizing shift such as the max in
    log-sum-exp.

    >>> import nabla
    >>> nabla.grad(lambda x: x * nabla.stop_gradient(x))(3.0)
    np.float64(3.0)
    """
    return tree.map(_stop_gradient, x)


class _CustomRule:
    """A function whose derivative rule the user gives; the subclass names the rule."""

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.rule = None

    def __call__(self, *args):
        if self.rule is None:
            raise TypeError(f"{type(self).__name__} function {self.__name__!r} has no rule "
                            f"yet: {self.how_to_define.format(name=self.__name__)}")
        trace = top_trace(tree.leaves(args))
        if trace is None:
            return self.fun(*args)
        return self.process(trace, args)


class custom_vjp(_CustomRule):  # noqa: N801 - the decorator's name in JAX
    """A function with a reverse-mode rule of your own.

    ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` computes the output and
    whatever the backward pass needs; ``bwd(residuals, g) -> tuple`` returns one
    cotangent per argument (``None`` for zero). Forward mode (``jvp``, ``jacfwd``)
    differentiates ``f`` itself. The rule is trusted; check it with ``nabla.check_grads``.

    >>> import nabla, nabla.numpy as np
    >>> @nabla.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (np.clip(g, -1.0, 1.0),))
    >>> nabla.grad(lambda x: 5.0 * clip_gradient(x))(2.0)
    np.float64(1.0)
    """

    how_to_define = "call {name}.defvjp(fwd, bwd) before using it"

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd
        self.rule = (fwd, bwd)

    def process(self, trace, args):
        return trace.process_custom_vjp(self, args)

    def flatten_cotangents(self, cts, args):
        """``bwd``'s tuple of cotangents as a list aligned with the leaves of ``args``."""
        if not isinstance(cts, (tuple, list)) or len(cts) != len(args):
            got = len(cts) if isinstance(cts, (tuple, list)) else type(cts).__name__
            raise TypeError(f"the bwd rule of {self.__name__!r} must return a tuple with one "
                            f"cotangent per argument ({len(args)}), got {got}")
        leaves = []
        for ct, arg in zip(cts, args):
            n = len(tree.leaves(arg))
            leaves.extend([None] * n if ct is None else tree.leaves(ct))
        return leaves


class custom_jvp(_CustomRule):  # noqa: N801 - the decorator's name in JAX
    """A function with a forward-mode rule of your own.

    ``@f.defjvp`` decorates ``rule(primals, tangents) -> (out, tangent_out)``, where
    ``primals`` and ``tangents`` are tuples of the arguments and their tangents. The
    tangent map is linear, so reverse mode is derived from the same rule (its transpose,
    found by differentiating the rule once more): one rule serves both modes.

    >>> import nabla, nabla.numpy as np
    >>> @nabla.custom_jvp
    ... def softplus(x):
    ...     return np.log1p(np.exp(x))
    >>> @softplus.defjvp
    ... def softplus_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return softplus(x), t / (1 + np.exp(-x))
    >>> float(nabla.grad(softplus)(3.0))  # the logistic sigmoid of 3
    0.9525741268224334
    """

    how_to_define = "decorate its rule with @{name}.defjvp"

    def defjvp(self, rule):
        self.rule = rule
        return rule

    def process(self, trace, args):
        return trace.process_custom_jvp(self, args)

    def jvp(self, primals, tangents):
        return self.rule(tuple(primals), tuple(tangents))

    def transpose_jvp(self, primals, g):
        """The cotangents of the argument leaves, from the cotangent ``g`` of the output:
        the VJP of the linear map ``t ↦ rule(primals, t)[1]``."""
        zeros = tree.map(np.zeros_like, tuple(primals))
        _, pullback = vjp(lambda *t: self.rule(tuple(primals), t)[1], *zeros)
        return tree.leaves(pullback(g))
