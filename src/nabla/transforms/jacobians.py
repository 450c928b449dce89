"""Whole Jacobians and Hessians, built from ``jvp`` (column by column) or ``vjp`` (row by row).

For ``f: Rⁿ → Rᵐ`` the Jacobian has shape ``out.shape + in.shape`` (as in JAX).
``jacfwd`` pushes the n unit directions forward (good when n ≤ m); ``jacrev`` pulls the
m unit cotangents back through one recorded tape (good when m ≤ n, as for gradients).
Either way the directions travel together, as one batch (:mod:`nabla.core.batching`):
the function's own values are computed once. The Hessian is ``jacfwd(jacrev(f))``:
forward over reverse.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import nabla.numpy as nnp
from nabla import tree
from nabla.core import example_value
from nabla.numpy._backend import like_of
from nabla.transforms.arguments import prepare, split_args
from nabla.transforms.batched import over_batch
from nabla.transforms.forward_mode import jvp
from nabla.transforms.reverse_mode import _vjp, value_and_grad


def _unit_directions(leaves):
    """The standard basis of the space of ``leaves``, as one batch per leaf: direction k of
    the batch is 1 at the k-th entry of all leaves together, 0 elsewhere. Returns the
    batches, the batch size and where each leaf's entries start."""
    sizes = [int(np.size(x)) for x in leaves]
    total = sum(sizes)
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    batches = []
    for x, n, start in zip(leaves, sizes, starts):
        # the directions are made on the backend of the values
        d = np.eye(total, n, -start, dtype=np.result_type(example_value(x)), **like_of(x))
        batches.append(d.reshape((total,) + np.shape(x)))
    return batches, total, starts, sizes


def _empty_batch(x):
    """A batch of no directions for ``x`` (when there are no inputs or no outputs)."""
    return np.zeros_like(example_value(x), shape=(0,) + np.shape(x), dtype=float)


def _block(batched, start, size, out_shape, in_shape, entries_are_inputs):
    """One Jacobian block, ``out_shape + in_shape``, from the batch rows of one leaf."""
    if size == 0 or math.prod(out_shape) == 0:
        return np.zeros_like(batched, shape=out_shape + in_shape)
    rows = batched[start: start + size]
    if entries_are_inputs:  # rows run over input entries, each shaped like the output
        rows = nnp.moveaxis(rows, 0, -1)
    return nnp.reshape(rows, out_shape + in_shape)


def jacfwd(f, argnums=0):
    """The Jacobian of ``f`` by forward mode: all input directions pushed through at once.

    >>> import nabla, nabla.numpy as np
    >>> nabla.jacfwd(lambda x: x[0] * x)(np.asarray([2.0, 3.0]))
    array([[4., 0.],
           [3., 2.]])
    """

    @functools.wraps(f)
    def jacfwd_f(*args, **kwargs):
        g, diff = split_args(f, args, kwargs, argnums, "jacfwd")
        leaves, in_tree = prepare(diff, "jacfwd")
        primals = tree.unflatten(in_tree, leaves)
        out_leaves, out_tree = tree.flatten(g(primals))
        directions, total, starts, sizes = _unit_directions(leaves)

        def push(*tangents):
            return jvp(g, (primals,), (tree.unflatten(in_tree, list(tangents)),))[1]

        pushed = over_batch(push, directions, total) if total else [
            _empty_batch(o) for o in out_leaves]
        blocks = [[_block(t, start, n, np.shape(o), np.shape(x), True)
                   for x, start, n in zip(leaves, starts, sizes)]
                  for o, t in zip(out_leaves, pushed)]
        return tree.unflatten(out_tree, [tree.unflatten(in_tree, row) for row in blocks])

    return jacfwd_f


def jacrev(f, argnums=0):
    """The Jacobian of ``f`` by reverse mode: all output cotangents pulled back at once.

    >>> import nabla, nabla.numpy as np
    >>> nabla.jacrev(lambda x: x[0] * x)(np.asarray([2.0, 3.0]))
    array([[4., 0.],
           [3., 2.]])
    """

    @functools.wraps(f)
    def jacrev_f(*args, **kwargs):
        g, diff = split_args(f, args, kwargs, argnums, "jacrev")
        leaves, in_tree = prepare(diff, "jacrev")
        out, pullback, _ = _vjp(g, tree.unflatten(in_tree, leaves), "jacrev")
        out_leaves, out_tree = tree.flatten(out)
        directions, total, starts, sizes = _unit_directions(out_leaves)

        def pull(*cotangents):
            return pullback(tree.unflatten(out_tree, list(cotangents)))

        pulled = over_batch(pull, directions, total) if total else [
            _empty_batch(x) for x in leaves]
        blocks = [[_block(c, start, n, np.shape(o), np.shape(x), False)
                   for x, c in zip(leaves, pulled)]
                  for o, start, n in zip(out_leaves, starts, sizes)]
        return tree.unflatten(out_tree, [tree.unflatten(in_tree, row) for row in blocks])

    return jacrev_f


jacobian = jacrev


def hessian(f, argnums=0):
    """The matrix of second derivatives of a scalar ``f``: ``jacfwd(jacrev(f))``.

    >>> import nabla, nabla.numpy as np
    >>> nabla.hessian(lambda x: x[0] ** 2 * x[1])(np.asarray([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f, primals, tangents):
    """``(f(*primals), H·tangents)``: a Hessian-vector product without forming H.

    Forward over reverse: the ``jvp`` of the gradient along ``tangents``, at the cost of
    about two gradients whatever the dimension. With one primal the product is an array;
    with several, a tuple (one block per primal).

    >>> import nabla, nabla.numpy as np
    >>> nabla.hvp(lambda x: np.sum(x ** 3), (np.asarray([1.0, 2.0]),),
    ...           (np.asarray([1.0, 0.0]),))
    (np.float64(9.0), array([6., 0.]))
    """
    primals, tangents = tuple(primals), tuple(tangents)
    argnums = 0 if len(primals) == 1 else tuple(range(len(primals)))
    (value, _), (_, product) = jvp(value_and_grad(f, argnums), primals, tangents)
    return value, product
