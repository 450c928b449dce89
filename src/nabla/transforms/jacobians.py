"""Whole Jacobians and Hessians, built from ``jvp`` (column by column) or ``vjp`` (row by row).

For ``f: Rⁿ → Rᵐ`` the Jacobian has shape ``out.shape + in.shape`` (as in JAX).
``jacfwd`` pushes the n unit directions forward (good when n ≤ m); ``jacrev`` pulls the
m unit cotangents back through one recorded tape (good when m ≤ n, as for gradients).
The Hessian is ``jacfwd(jacrev(f))``: forward over reverse.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import nabla.numpy as nnp
from nabla import tree
from nabla.transforms.arguments import prepare, split_args
from nabla.transforms.forward_mode import jvp
from nabla.transforms.reverse_mode import _vjp, value_and_grad


def _unit_vectors(leaves):
    """For each leaf and each of its entries: the list of all leaves' tangents that is 1
    at that entry and 0 elsewhere."""
    zeros = [np.zeros_like(x) for x in leaves]
    for i, x in enumerate(leaves):
        for k in range(np.size(x)):
            e = np.zeros_like(x).reshape(-1)
            e[k] = 1
            yield i, [e.reshape(x.shape) if j == i else z for j, z in enumerate(zeros)]


def _assemble(columns, out_leaves, in_leaves, out_first):
    """Jacobian blocks ``J[o][i]`` of shape ``out.shape + in.shape`` from the per-entry
    results: ``columns[i]`` lists, for each entry of input leaf ``i`` (``out_first=False``)
    or of output leaf ``o`` (``out_first=True``), the derivative leaves."""
    blocks = []
    for o, out in enumerate(out_leaves):
        row = []
        for i, inp in enumerate(in_leaves):
            shape = np.shape(out) + np.shape(inp)
            if math.prod(shape) == 0:
                row.append(np.zeros(shape, dtype=inp.dtype))
                continue
            if out_first:  # one entry per output element, each shaped like the input
                parts = columns[o][i]
                block = nnp.stack(parts, axis=0)
            else:  # one entry per input element, each shaped like the output
                parts = columns[i][o]
                block = nnp.moveaxis(nnp.stack(parts, axis=0), 0, -1)
            row.append(nnp.reshape(block, shape))
        blocks.append(row)
    return blocks


def jacfwd(f, argnums=0):
    """The Jacobian of ``f`` by forward mode: one ``jvp`` per input entry.

    >>> import nabla, nabla.numpy as np
    >>> nabla.jacfwd(lambda x: x[0] * x)(np.asarray([2.0, 3.0]))
    array([[4., 0.],
           [3., 2.]])
    """

    @functools.wraps(f)
    def jacfwd_f(*args, **kwargs):
        g, diff = split_args(f, args, kwargs, argnums, "jacfwd")
        leaves, in_tree = prepare(diff, "jacfwd")
        per_input = [[] for _ in leaves]
        out_tree = out_leaves = None
        for i, tangents in _unit_vectors(leaves):
            out, t_out = jvp(g, (tree.unflatten(in_tree, leaves),),
                             (tree.unflatten(in_tree, tangents),))
            out_leaves, out_tree = tree.flatten(out)
            per_input[i].append(tree.leaves(t_out))
        if out_tree is None:  # no input entries at all
            out_leaves, out_tree = tree.flatten(g(tree.unflatten(in_tree, leaves)))
        columns = [[[t[o] for t in entries] for o in range(len(out_leaves))]
                   for entries in per_input]
        blocks = _assemble(columns, out_leaves, leaves, out_first=False)
        return tree.unflatten(out_tree, [tree.unflatten(in_tree, row) for row in blocks])

    return jacfwd_f


def jacrev(f, argnums=0):
    """The Jacobian of ``f`` by reverse mode: one pullback per output entry.

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
        per_output = [[] for _ in out_leaves]
        for o, cotangents in _unit_vectors(out_leaves):
            per_output[o].append(tree.leaves(pullback(tree.unflatten(out_tree, cotangents))))
        columns = [[[c[i] for c in entries] for i in range(len(leaves))]
                   for entries in per_output]
        blocks = _assemble(columns, out_leaves, leaves, out_first=True)
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
