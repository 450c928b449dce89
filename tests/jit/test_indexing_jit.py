"""Index arrays that are arguments of a jitted function are known only when the program
runs: indexing and ``nabla.at`` updates with them still equal the eager results."""

import numpy
import pytest

import nabla
import nabla.numpy as np

X = numpy.arange(5.0) + 0.5
INDEX = numpy.array([1, 3])
VALUES = numpy.array([0.25, 7.0])


@pytest.mark.parametrize("update", ["set", "add", "multiply", "divide", "min", "max", "get"])
def test_at_updates_with_traced_indices(update):
    def f(x, i, v):
        updated = getattr(nabla.at(x)[i], update)(*(() if update == "get" else (v,)))
        return np.sum(updated * np.sum(x))

    want = nabla.value_and_grad(f, argnums=(0, 2))(X, INDEX, VALUES)
    got = nabla.jit(nabla.value_and_grad(f, argnums=(0, 2)))(X, INDEX, VALUES)
    for g, w in zip(nabla.tree.leaves(got), nabla.tree.leaves(want)):
        numpy.testing.assert_allclose(g, w, rtol=1e-12)


def test_indexing_with_a_traced_index_array_and_its_gradient():
    def f(x, i):
        return np.sum(x[i] ** 2) + np.sum(x[:, i[0]])

    x = numpy.arange(12.0).reshape(4, 3) / 7
    i = numpy.array([2, 0, 2])
    compiled = nabla.jit(nabla.value_and_grad(f))
    for g, w in zip(nabla.tree.leaves(compiled(x, i)),
                    nabla.tree.leaves(nabla.value_and_grad(f)(x, i))):
        numpy.testing.assert_allclose(g, w, rtol=1e-12)
    assert compiled.cache_info().misses == 1
    compiled(x, numpy.array([1, 1, 0]))  # other index values: the same program
    assert compiled.cache_info().hits == 1
