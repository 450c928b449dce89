"""Property tests: random shapes, axes and broadcasting pairs; derivatives match finite
differences in both modes."""

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import nabla
import nabla.numpy as nnp

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def data(shape, seed, low=-2.0, high=2.0):
    return numpy.random.default_rng(seed).uniform(low, high, shape)


@st.composite
def shape_and_axis(draw):
    shape = draw(shapes)
    ndim = len(shape)
    axis = draw(st.one_of(
        st.none(),
        st.integers(-ndim, ndim - 1),
        st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple),
    ))
    return shape, axis


REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std", "ptp"]


@SETTINGS
@given(shape_and_axis(), st.sampled_from(REDUCTIONS), st.booleans(), st.integers(0, 2**16))
def test_reductions_over_random_axes(shape_axis, name, keepdims, seed):
    shape, axis = shape_axis
    x = data(shape, seed, 0.5, 2.0) * numpy.random.default_rng(seed + 1).choice([-1, 1], shape)
    f = lambda x: getattr(nnp, name)(x, axis=axis, keepdims=keepdims)  # noqa: E731
    expected = getattr(numpy, name)(x, axis=axis, keepdims=keepdims)
    numpy.testing.assert_allclose(f(x), expected)
    if name in ("var", "std") and numpy.size(expected) and numpy.min(expected) < 1e-3:
        return  # √ of ~0 variance: finite differences are meaningless there
    nabla.check_grads(f, (x,), order=1, modes=("fwd", "rev"))


@SETTINGS
@given(shapes, st.integers(0, 2**16), st.data())
def test_shape_functions_on_random_shapes(shape, seed, draw):
    x = data(shape, seed)
    ndim = len(shape)
    perm = tuple(draw.draw(st.permutations(range(ndim))))
    axis = draw.draw(st.integers(-ndim, ndim - 1))
    cases = [
        lambda x: nnp.reshape(x, (-1,)),
        lambda x: nnp.reshape(x, shape[::-1]) if numpy.prod(shape) else x,
        lambda x: nnp.transpose(x, perm),
        lambda x: nnp.moveaxis(x, axis, 0),
        lambda x: nnp.expand_dims(x, axis),
        lambda x: nnp.squeeze(nnp.expand_dims(x, 0), 0),
        lambda x: nnp.flip(x, axis),
        lambda x: nnp.roll(x, 1, axis),
        lambda x: nnp.cumsum(x, axis),
        lambda x: nnp.sort(x, axis) * 1.0,
        lambda x: nnp.concatenate([x, x * 2], axis=axis),
        lambda x: nnp.stack([x, -x], axis=axis),
        lambda x: x[(slice(None, None, -1),) * ndim],
    ]
    for f in cases:
        nabla.check_grads(f, (x,), order=1, modes=("fwd", "rev"))


@st.composite
def broadcasting_pair(draw):
    shape = draw(shapes)
    # the other shape: drop some leading axes, then set some axes to 1
    drop = draw(st.integers(0, len(shape)))
    other = list(shape[drop:])
    for i in range(len(other)):
        if draw(st.booleans()):
            other[i] = 1
    if draw(st.booleans()):
        return shape, tuple(other)
    return tuple(other), shape


BINARY = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "arctan2",
          "hypot", "logaddexp"]


@SETTINGS
@given(broadcasting_pair(), st.sampled_from(BINARY), st.integers(0, 2**16))
def test_binary_functions_on_random_broadcasting_pairs(pair, name, seed):
    a = data(pair[0], seed, 0.5, 2.0)
    b = data(pair[1], seed + 1, 0.5, 2.0)
    f = getattr(nnp, name)
    ga, gb = nabla.grad(lambda a, b: nnp.sum(f(a, b)), argnums=(0, 1))(a, b)
    assert ga.shape == a.shape and gb.shape == b.shape
    nabla.check_grads(f, (a, b), order=1, modes=("fwd", "rev"))
