"""Reverse-mode transforms: ``vjp``, ``grad``, ``value_and_grad``, ``elementwise_grad``.

``grad(f)(x)`` in three steps:

1. open a :class:`~nabla.core.ReverseTrace` and call ``f`` on tracers of ``x``, which
   records every primitive on the trace's tape;
2. seed the output's cotangent with 1 (``∂f/∂f``);
3. walk the tape backwards applying each primitive's VJP rule
   (:func:`nabla.core.backward`): what reaches the inputs is ``∇f(x)``.
"""

from __future__ import annotations

import functools

import numpy as np

from nabla import tree
from nabla.core import ReverseTrace, ReverseTracer, backward, new_trace
from nabla.transforms.arguments import like_input, prepare, split_args


def _vjp(f, diff, who, keep_tape=True, has_aux=False):
    """Trace ``f(diff)`` in reverse mode: ``(output, pullback, aux)``."""
    leaves, in_tree = prepare(diff, who)
    originals = tree.leaves(diff)
    with new_trace(ReverseTrace) as trace:
        inputs = [trace.new_input(x) for x in leaves]
        result = f(tree.unflatten(in_tree, inputs))
    if has_aux:
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"{who} with has_aux=True needs f to return a pair (output, aux), "
                            f"got {type(result).__name__}")
        result, aux = result
        aux = tree.map(lambda a: _detach(a, trace), aux)
    else:
        aux = None
    out_leaves, out_tree = tree.flatten(result)
    own = [isinstance(o, ReverseTracer) and o._trace is trace for o in out_leaves]
    out_values = [o.value if mine else o for o, mine in zip(out_leaves, own)]
    # The pullback keeps the tape; the finished trace lets go of it, so that no reference
    # cycle (tape -> tracer -> trace -> tape) outlives the call and waits for the GC.
    tape, trace.tape = trace.tape, None

    def pullback(cotangent):
        ct_leaves, ct_tree = tree.flatten(cotangent)
        ct_leaves = [c if hasattr(c, "shape") else np.asarray(c) for c in ct_leaves]
        if ct_tree != out_tree:
            raise ValueError(f"the cotangent must have the structure of f's output, "
                             f"{out_tree}, got {ct_tree}")
        for c, o in zip(ct_leaves, out_values):
            if np.shape(c) != np.shape(o):
                raise ValueError(f"the cotangent must have the shape of f's output, "
                                 f"{np.shape(o)}, got {np.shape(c)}")
        seeds = [(o.index, c) for o, c, mine in zip(out_leaves, ct_leaves, own) if mine]
        cts = backward(tape, seeds, keep_tape=keep_tape)
        grads = [
            like_input(np.zeros_like(x) if cts[t.index] is None else cts[t.index], orig)
            for t, x, orig in zip(inputs, leaves, originals)
        ]
        return tree.unflatten(in_tree, grads)

    return tree.unflatten(out_tree, out_values), pullback, aux


def _detach(a, trace):
    return a.value if isinstance(a, ReverseTracer) and a._trace is trace else a


def vjp(f, *primals):
    """``(f(*primals), vjp_fn)``, where ``vjp_fn(ct)`` is ``ctᵀ J``: one cotangent per primal.

    J is the Jacobian of ``f`` at ``primals``; ``vjp_fn`` takes a cotangent with the
    structure and shapes of ``f``'s output and may be called many times.

    >>> import nabla, nabla.numpy as np
    >>> y, vjp_fn = nabla.vjp(lambda x: x ** 2, np.asarray([1.0, 3.0]))
    >>> vjp_fn(np.asarray([1.0, 10.0]))
    (array([ 2., 60.]),)
    """
    out, pullback, _ = _vjp(lambda args: f(*args), primals, "vjp")
    return out, pullback


def value_and_grad(f, argnums=0, has_aux=False):
    """A function returning ``(f(*args), ∇f(*args))``; ``((value, aux), grad)`` with has_aux.

    ``f`` must return a real scalar. The gradient is with respect to the arguments at
    ``argnums`` (an int, or a tuple giving a tuple of gradients) and has their structure.

    >>> import nabla
    >>> nabla.value_and_grad(lambda x, y: x * y ** 2, argnums=(0, 1))(3.0, 2.0)
    (np.float64(12.0), (np.float64(4.0), np.float64(12.0)))
    """

    @functools.wraps(f)
    def value_and_grad_f(*args, **kwargs):
        g, diff = split_args(f, args, kwargs, argnums, "grad")
        out, pullback, aux = _vjp(g, diff, "grad", keep_tape=False, has_aux=has_aux)
        _check_scalar(out)
        grads = pullback(np.ones_like(out))
        return ((out, aux) if has_aux else out), grads

    return value_and_grad_f


def grad(f, argnums=0, has_aux=False):
    """The gradient of a scalar function: ``grad(f)(x) = ∇f(x)``, to any order.

    >>> import nabla, nabla.numpy as np
    >>> df = nabla.grad(lambda x: x ** 2)
    >>> df(2.0), nabla.grad(df)(2.0)
    (np.float64(4.0), np.float64(2.0))
    """
    value_and_grad_f = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        value, grads = value_and_grad_f(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return grad_f


def elementwise_grad(f):
    """Derivative of an elementwise function at every entry: ``vjp`` with a cotangent of ones.

    For ``y = f(x)`` with each ``yᵢ`` depending only on ``xᵢ``, this is ``dyᵢ/dxᵢ``.

    >>> import nabla, nabla.numpy as np
    >>> nabla.elementwise_grad(np.tanh)(np.asarray([0.0, 1.0]))
    array([1.        , 0.41997434])
    """

    @functools.wraps(f)
    def elementwise_grad_f(x, *args, **kwargs):
        out, pullback, _ = _vjp(lambda d: f(d, *args, **kwargs), x, "elementwise_grad",
                                keep_tape=False)
        return pullback(tree.map(np.ones_like, out))

    return elementwise_grad_f


def _check_scalar(out):
    shape = np.shape(out) if not isinstance(out, (tuple, list, dict)) else None
    if shape != ():
        what = (f"an array of shape {shape}" if shape is not None
                else f"a {type(out).__name__}")
        raise TypeError(
            f"grad requires f to return a scalar (shape ()), but it returned {what}. "
            "For the derivative of every output use nabla.jacobian (or jacfwd/jacrev); "
            "to pull back a chosen output cotangent use nabla.vjp; or reduce the output "
            "to a scalar (e.g. np.sum) first."
        )
    dtype = out.dtype if hasattr(out, "dtype") else np.result_type(out)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"grad requires f to return a real floating-point scalar, got {dtype}")
