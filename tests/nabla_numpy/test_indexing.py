"""Indexing in both modes: repeated indices accumulate, masks, negative steps, updates."""

import numpy
import pytest

import nabla
import nabla.numpy as nnp

X = numpy.arange(12.0).reshape(3, 4) / 7 - 0.5

INDICES = [
    (1,), (-1,), (slice(None, None, -1),), (slice(3, 0, -2),),
    ((slice(None), slice(None, None, -1)),), ((Ellipsis, 2),), ((None, 1, Ellipsis),),
    ((slice(None), None, slice(1, 3)),), (numpy.array([0, 2, 0, 0]),),
    ((numpy.array([0, 0, 2]), numpy.array([1, 1, 3])),), ((slice(None), [3, 3, 0]),),
    (X > 0,), ((numpy.array([True, False, True]),),), ((Ellipsis, numpy.array([1, 1])),),
    ((1, slice(None, None, -1)),), (numpy.array([[0, 1], [1, 1]]),),
]


@pytest.mark.parametrize("index", INDICES, ids=[str(i[0])[:30] for i in INDICES])
def test_indexing_derivatives_both_modes(index):
    (index,) = index

    def f(x):
        return nnp.sin(x[index]) * 2.0

    nabla.check_grads(f, (X,), order=2, modes=("fwd", "rev"))
    # and against a hand-built scatter: every pick sends its cotangent home, adding
    expected = numpy.zeros_like(X)
    numpy.add.at(expected, index, 2.0 * numpy.cos(X[index]))
    numpy.testing.assert_allclose(nabla.grad(lambda x: nnp.sum(f(x)))(X), expected)


def test_repeated_integer_indices_accumulate():
    x = numpy.array([1.0, 2.0, 3.0])
    g = nabla.grad(lambda x: nnp.sum(x[[0, 0, 0, 2]] ** 2))(x)
    numpy.testing.assert_array_equal(g, [6.0, 0.0, 6.0])
    # forward mode sees every pick too
    _, t = nabla.jvp(lambda x: x[[0, 0, 2]], (x,), (numpy.array([1.0, 10.0, 100.0]),))
    numpy.testing.assert_array_equal(t, [1.0, 1.0, 100.0])


def test_plain_numpy_indexing_of_tracers_and_iteration():
    g = nabla.grad(lambda x: sum(row[0] * row[-1] for row in x))(X)
    expected = numpy.zeros_like(X)
    expected[:, 0], expected[:, -1] = X[:, -1], X[:, 0]
    numpy.testing.assert_allclose(g, expected)


def test_traced_index_is_refused():
    with pytest.raises(TypeError, match="not a traced value"):
        nabla.grad(lambda x: x[x[0]])(numpy.array([0.0, 1.0]))


def test_at_updates_are_functional_and_differentiable():
    x = numpy.array([1.0, 2.0, 3.0, 4.0])
    v = numpy.array([10.0, 20.0])
    out = nabla.at(x)[[1, 3]].set(v)
    numpy.testing.assert_array_equal(out, [1.0, 10.0, 3.0, 20.0])
    numpy.testing.assert_array_equal(x, [1.0, 2.0, 3.0, 4.0])  # not modified
    f = lambda x, v: nnp.sum(nabla.at(x)[[1, 3]].set(v) ** 2)  # noqa: E731
    gx, gv = nabla.grad(f, argnums=(0, 1))(x, v)
    numpy.testing.assert_array_equal(gx, [2.0, 0.0, 6.0, 0.0])  # replaced entries: no effect
    numpy.testing.assert_array_equal(gv, 2 * v)
    for method in ("set", "add", "multiply", "divide", "min", "max"):
        nabla.check_grads(lambda x, v, m=method: getattr(nabla.at(x)[1:3], m)(v),
                          (x, numpy.array([0.5, 5.0])), order=2)
    assert nabla.at(x)[2].get() == 3.0


def test_at_add_accumulates_repeated_indices_and_set_refuses_them():
    x = numpy.zeros(3)
    numpy.testing.assert_array_equal(nabla.at(x)[[0, 0, 1]].add(1.0), [2.0, 1.0, 0.0])
    g = nabla.grad(lambda v: nnp.sum(nabla.at(x)[[0, 0, 1]].add(v) ** 2))(
        numpy.array([1.0, 2.0, 3.0]))
    numpy.testing.assert_array_equal(g, [6.0, 6.0, 6.0])  # x[0] = 3 gets two of them
    with pytest.raises(ValueError, match="more than once"):
        nabla.at(x)[[0, 0]].set(1.0)


def test_in_place_assignment_on_tracer_points_to_at():
    def f(x):
        x[0] = 0.0
        return nnp.sum(x)

    with pytest.raises(TypeError, match="cannot be changed in place"):
        nabla.grad(f)(numpy.ones(3))
