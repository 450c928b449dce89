"""Batched Jacobians agree with one direction at a time, for every case of the table.

``jacfwd`` and ``jacrev`` push all directions through one pass using each primitive's
batching rule; here every verification case is also differentiated direction by
direction with plain ``jvp`` and ``vjp``, and the results must agree.
"""

import numpy
import pytest

import nabla
from tests.verification import tables

CASES = [(t, name, i, fn, a) for t in tables() for name, cases in t.CALLS.items()
         for i, (fn, a) in enumerate(cases)]


def _jacobian_one_direction_at_a_time(fn, args):
    """d vec(out) / d vec(args), shape (outputs, inputs), from one jvp per input entry."""
    flat = numpy.concatenate([numpy.ravel(a) for a in args])
    sizes = [numpy.size(a) for a in args]

    def unflat(v):
        parts = numpy.split(v, numpy.cumsum(sizes)[:-1])
        return tuple(p.reshape(numpy.shape(a)) for p, a in zip(parts, args))

    columns = []
    for k in range(flat.size):
        e = numpy.zeros_like(flat)
        e[k] = 1
        _, t = nabla.jvp(fn, args, unflat(e))
        columns.append(numpy.concatenate([numpy.ravel(x) for x in nabla.tree.leaves(t)]))
    return numpy.stack(columns, axis=1)


@pytest.mark.parametrize("table,name,i,fn,args", CASES,
                         ids=[f"{t.NAMESPACE.__name__}.{n}-{i}" for t, n, i, _, _ in CASES])
def test_batched_jacobians_match_one_direction_at_a_time(table, name, i, fn, args):
    expected = _jacobian_one_direction_at_a_time(fn, args)
    argnums = tuple(range(len(args)))
    out_leaves = nabla.tree.leaves(fn(*args))
    for jac in (nabla.jacfwd, nabla.jacrev):
        got = jac(fn, argnums=argnums)(*args)
        # flatten: outputs (in tree order) by inputs (in argument order)
        per_output = nabla.tree.leaves(got)
        blocks = iter(per_output)
        rows = []
        for out in out_leaves:
            row = [numpy.reshape(next(blocks), (numpy.size(out), numpy.size(a))) for a in args]
            rows.append(numpy.concatenate(row, axis=1))
        numpy.testing.assert_allclose(numpy.concatenate(rows, axis=0), expected,
                                      rtol=1e-10, atol=1e-12, err_msg=jac.__name__)
