"""``check_grads``: compare derivatives with finite differences, to any order.

Forward mode is checked directly: ``J v`` from ``jvp`` against the central difference
``(f(x + εv) − f(x − εv)) / 2ε`` along a random direction ``v``. Reverse mode is checked
through the identity ``⟨u, J v⟩ = ⟨Jᵀu, v⟩``: the pullback of a random cotangent ``u``,
paired with ``v``, must equal ``u`` paired with the numerical ``J v``. For order k > 1 the
same checks are applied to the derivative functions themselves.
"""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core import concrete
from nabla.numpy._backend import data_like, to_host
from nabla.transforms.arguments import prepare
from nabla.transforms.forward_mode import jvp
from nabla.transforms.reverse_mode import vjp


def _random_like(values, rng):
    """Random directions shaped like ``values``, each on its value's backend."""
    return [data_like(rng.standard_normal(np.shape(v)).astype(v.dtype), v) for v in values]


def _host(x):
    """The plain value of ``x`` on the host: the checks compare numbers there."""
    return to_host(concrete(x))


def _inner(xs, ys):
    return sum(float(np.sum(_host(x) * _host(y))) for x, y in zip(xs, ys))


def _numerical_jvp(f, args, tangents, eps):
    """Central difference of ``f`` at ``args`` along ``tangents`` (lists of leaves)."""
    leaves, in_tree = prepare(args, "check_grads")

    def at(step):
        moved = [x + step * t for x, t in zip(leaves, tangents)]
        return [_host(o) for o in tree.leaves(f(*tree.unflatten(in_tree, moved)))]

    return [(p - m) / (2 * eps) for p, m in zip(at(eps), at(-eps))]


def _fail(mode, order, name, expected, got):
    expected, got = np.asarray(expected), np.asarray(got)
    err = np.max(np.abs(expected - got)) if expected.size else 0.0
    raise AssertionError(
        f"check_grads: the {mode}-mode derivative of order {order} of {name} disagrees with "
        f"finite differences (max abs error {err:.3g}).\n  finite differences: {expected}\n"
        f"  {mode}-mode:          {got}"
    )


def check_grads(f, args, order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-5, atol=1e-6,
                seed=0):
    """Raise ``AssertionError`` unless ``f``'s derivatives match finite differences.

    ``args`` is the tuple of arguments (arrays or pytrees of float64 arrays); every
    derivative up to ``order`` is checked in each of ``modes`` ("fwd", "rev") along random
    directions drawn from ``seed``. Use float64: finite differences in float32 are too
    coarse for these tolerances.

    >>> import nabla, nabla.numpy as np
    >>> nabla.check_grads(np.sin, (np.asarray([0.1, 0.5]),), order=2)
    """
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ValueError(f"check_grads: unknown modes {sorted(unknown)}; use 'fwd' and/or 'rev'")
    rng = np.random.default_rng(seed)
    name = getattr(f, "__name__", repr(f))
    _check(f, tuple(args), order, modes, eps, rtol, atol, rng, name, 1)


def _check(f, args, order, modes, eps, rtol, atol, rng, name, level):
    leaves, in_tree = prepare(args, "check_grads")
    tangents = _random_like(leaves, rng)
    expected = _numerical_jvp(f, args, tangents, eps)
    if "fwd" in modes:
        _, t_out = jvp(f, args, tuple(tree.unflatten(in_tree, tangents)))
        for e, t in zip(expected, tree.leaves(t_out)):
            if not np.allclose(e, _host(t), rtol=rtol, atol=atol):
                _fail("forward", level, name, e, _host(t))
        if order > 1:
            def f_jvp(*args_and_tangents):
                half = len(args_and_tangents) // 2
                return jvp(f, args_and_tangents[:half], args_and_tangents[half:])[1]

            t_args = tuple(tree.unflatten(in_tree, tangents))
            _check(f_jvp, args + t_args, order - 1, ("fwd",), eps, rtol, atol, rng,
                   f"jvp({name})", level + 1)
    if "rev" in modes:
        out, pullback = vjp(f, *args)
        out_leaves, out_tree = tree.flatten(out)
        cotangents = _random_like(out_leaves, rng)
        pulled = tree.leaves(pullback(tree.unflatten(out_tree, cotangents)))
        lhs, rhs = _inner(pulled, tangents), _inner(cotangents, expected)
        if not np.isclose(lhs, rhs, rtol=rtol, atol=atol):
            _fail("reverse", level, name, rhs, lhs)
        if order > 1:
            u = tree.unflatten(out_tree, cotangents)

            def f_vjp(*args_and_cotangent):
                return vjp(f, *args_and_cotangent[:-1])[1](args_and_cotangent[-1])

            _check(f_vjp, args + (u,), order - 1, ("rev",), eps, rtol, atol, rng,
                   f"vjp({name})", level + 1)
