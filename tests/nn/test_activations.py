"""nabla.nn.activations: closed forms, PyTorch's values, derivatives (finite differences
and kinks), stability at extreme inputs, float32."""

import math

import numpy
import pytest
import scipy.special

import nabla
from nabla.nn import activations as act

rng = numpy.random.default_rng(0)
X = rng.normal(size=(3, 4)) * 2
EXTREME = numpy.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])

SMOOTH = {
    "sigmoid": act.sigmoid,
    "tanh": act.tanh,
    "gelu": act.gelu,
    "gelu_tanh": lambda x: act.gelu(x, approximate=True),
    "softplus": act.softplus,
    "silu": act.silu,
    "elu": act.elu,  # C¹ for α = 1; the random points stay away from its kink at 0
    "softmax": act.softmax,
    "log_softmax": act.log_softmax,
    "softmax_axis0": lambda x: act.softmax(x, axis=0),
    "log_softmax_axis0": lambda x: act.log_softmax(x, axis=0),
}
PIECEWISE_LINEAR = {
    "relu": act.relu,
    "leaky_relu": lambda x: act.leaky_relu(x, 0.1),
}


def test_closed_forms():
    x = X
    numpy.testing.assert_allclose(act.sigmoid(x), 1 / (1 + numpy.exp(-x)), rtol=1e-14)
    numpy.testing.assert_allclose(act.tanh(x), numpy.tanh(x))
    numpy.testing.assert_array_equal(act.relu(x), numpy.maximum(x, 0))
    numpy.testing.assert_allclose(act.leaky_relu(x, 0.2), numpy.where(x > 0, x, 0.2 * x))
    numpy.testing.assert_allclose(act.elu(x, 0.5), numpy.where(x > 0, x, 0.5 * numpy.expm1(x)))
    phi = 0.5 * (1 + scipy.special.erf(x / math.sqrt(2)))
    numpy.testing.assert_allclose(act.gelu(x), x * phi, rtol=1e-14)
    tanh_form = 0.5 * x * (1 + numpy.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    numpy.testing.assert_allclose(act.gelu(x, approximate=True), tanh_form, rtol=1e-14)
    numpy.testing.assert_allclose(act.softplus(x), numpy.log1p(numpy.exp(x)), rtol=1e-14)
    numpy.testing.assert_allclose(act.silu(x), x / (1 + numpy.exp(-x)), rtol=1e-14)
    e = numpy.exp(x)
    numpy.testing.assert_allclose(act.softmax(x), e / e.sum(-1, keepdims=True), rtol=1e-14)
    numpy.testing.assert_allclose(act.softmax(x, axis=0), e / e.sum(0), rtol=1e-14)
    numpy.testing.assert_allclose(act.log_softmax(x),
                                  numpy.log(e / e.sum(-1, keepdims=True)), rtol=1e-13)


def test_values_are_pytorchs():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = torch.tensor(X)
    pairs = [
        (act.sigmoid(X), torch.sigmoid(t)),
        (act.tanh(X), torch.tanh(t)),
        (act.relu(X), F.relu(t)),
        (act.leaky_relu(X), F.leaky_relu(t)),
        (act.leaky_relu(X, 0.3), F.leaky_relu(t, 0.3)),
        (act.elu(X), F.elu(t)),
        (act.elu(X, alpha=0.7), F.elu(t, alpha=0.7)),
        (act.gelu(X), F.gelu(t)),
        (act.gelu(X, approximate=True), F.gelu(t, approximate="tanh")),
        (act.softplus(X), F.softplus(t)),
        (act.silu(X), F.silu(t)),
        (act.softmax(X), F.softmax(t, dim=-1)),
        (act.log_softmax(X, axis=0), F.log_softmax(t, dim=0)),
    ]
    for ours, theirs in pairs:
        numpy.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_activations_pass_check_grads_to_second_order(name):
    nabla.check_grads(SMOOTH[name], (X,), order=2)


@pytest.mark.parametrize("name", sorted(PIECEWISE_LINEAR))
def test_piecewise_linear_activations_pass_check_grads(name):
    nabla.check_grads(PIECEWISE_LINEAR[name], (X,), order=1, modes=("fwd", "rev"))


def test_derivatives_are_the_closed_forms():
    s = 1 / (1 + numpy.exp(-X))
    d = nabla.elementwise_grad
    numpy.testing.assert_allclose(d(act.sigmoid)(X), s * (1 - s), rtol=1e-12)
    numpy.testing.assert_allclose(d(act.softplus)(X), s, rtol=1e-12)
    numpy.testing.assert_allclose(d(act.silu)(X), s * (1 + X * (1 - s)), rtol=1e-12)
    pdf = numpy.exp(-X**2 / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + scipy.special.erf(X / math.sqrt(2)))
    numpy.testing.assert_allclose(d(act.gelu)(X), cdf + X * pdf, rtol=1e-12)
    numpy.testing.assert_allclose(d(act.tanh)(X), 1 - numpy.tanh(X) ** 2, rtol=1e-12)


def test_kinks_follow_numpy_and_jax_conventions():
    g = nabla.grad
    assert g(act.relu)(0.0) == 0.0 and g(act.relu)(1e-300) == 1.0 and g(act.relu)(-1.0) == 0.0
    assert g(lambda x: act.leaky_relu(x, 0.2))(0.0) == 0.2
    assert g(lambda x: act.elu(x, 0.5))(0.0) == 0.5
    assert act.relu(-0.0) == 0.0


@pytest.mark.filterwarnings("error")
def test_extreme_inputs_neither_overflow_nor_warn():
    numpy.testing.assert_array_equal(act.sigmoid(numpy.array([-1000.0, 1000.0])), [0.0, 1.0])
    numpy.testing.assert_allclose(act.softplus(EXTREME)[[0, -1]], [0.0, 1000.0])
    numpy.testing.assert_allclose(act.silu(EXTREME)[[0, -1]], [0.0, 1000.0])
    numpy.testing.assert_allclose(act.elu(EXTREME)[[0, -1]], [-1.0, 1000.0])
    assert numpy.all(numpy.isfinite(act.gelu(EXTREME)))
    numpy.testing.assert_allclose(act.softmax(numpy.array([1e4, 0.0])), [1.0, 0.0])
    numpy.testing.assert_allclose(act.log_softmax(numpy.array([1e4, 0.0])), [0.0, -1e4])
    # derivatives stay finite too: no exp(1000) in an unused branch (0·inf = nan)
    for f in [act.sigmoid, act.softplus, act.silu, act.elu, act.gelu, act.tanh, act.relu,
              lambda x: act.gelu(x, approximate=True)]:
        grads = nabla.elementwise_grad(f)(EXTREME)
        assert numpy.all(numpy.isfinite(grads)), f
    numpy.testing.assert_allclose(nabla.elementwise_grad(act.elu)(EXTREME)[[0, -1]], [0, 1])
    numpy.testing.assert_allclose(nabla.elementwise_grad(act.sigmoid)(EXTREME)[[0, -1]], [0, 0])


@pytest.mark.parametrize("name", sorted(SMOOTH) + sorted(PIECEWISE_LINEAR))
def test_float32_stays_float32(name):
    f = {**SMOOTH, **PIECEWISE_LINEAR}[name]
    x = X.astype(numpy.float32)
    assert f(x).dtype == numpy.float32
    assert nabla.grad(lambda x: f(x).sum())(x).dtype == numpy.float32


def test_get_finds_by_name_and_refuses_unknown_names():
    assert act.get("gelu") is act.gelu
    assert act.get(numpy.sin) is numpy.sin
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        act.get("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        act.get("get")
