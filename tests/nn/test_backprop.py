"""Backpropagation written out by hand equals nabla.grad with respect to the Module.

For a two-layer network ``z₁ = x W₁ + b₁``, ``h = σ(z₁)``, ``z₂ = h W₂ + b₂`` and a loss
``L(z₂)``, the chain rule, applied from the output back, gives with ``δ₂ = ∂L/∂z₂``:

    ∂L/∂W₂ = hᵀ δ₂      ∂L/∂b₂ = Σ_rows δ₂
    δ₁ = (δ₂ W₂ᵀ) ⊙ σ'(z₁)
    ∂L/∂W₁ = xᵀ δ₁      ∂L/∂b₁ = Σ_rows δ₁      ∂L/∂x = δ₁ W₁ᵀ

written below in plain NumPy, with no nabla in sight.
"""

import numpy
import pytest

import nabla
import nabla.nn as nn
from nabla.nn.losses import binary_cross_entropy_with_logits, cross_entropy, mse

rng = numpy.random.default_rng(0)
N, D, H, K = 8, 5, 7, 3
X = rng.normal(size=(N, D))


def _manual(x, w1, b1, w2, b2, activation, derivative, delta2_of):
    """Forward pass, then the chain rule backwards; returns all five gradients."""
    z1 = x @ w1 + b1
    h = activation(z1)
    z2 = h @ w2 + b2
    delta2 = delta2_of(z2)
    delta1 = (delta2 @ w2.T) * derivative(z1)
    return dict(w1=x.T @ delta1, b1=delta1.sum(0), w2=h.T @ delta2, b2=delta2.sum(0),
                x=delta1 @ w1.T)


def _softmax(z):
    e = numpy.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


CASES = {
    # tanh hidden layer, mean squared error: δ₂ = 2(z₂ − y)/(N·K), tanh' = 1 − tanh²
    "tanh_mse": (
        "tanh", numpy.tanh, lambda z: 1 - numpy.tanh(z) ** 2,
        rng.normal(size=(N, K)),
        lambda z2, y: 2 * (z2 - y) / z2.size,
        lambda out, y: mse(out, y)),
    # relu hidden layer, cross-entropy of labels: δ₂ = (softmax(z₂) − onehot(y))/N,
    # relu'(z) = 1 for z > 0 and 0 otherwise
    "relu_cross_entropy": (
        "relu", lambda z: numpy.maximum(z, 0), lambda z: (z > 0).astype(float),
        rng.integers(0, K, size=N),
        lambda z2, y: (_softmax(z2) - numpy.eye(K)[y]) / len(y),
        lambda out, y: cross_entropy(out, y)),
    # sigmoid hidden layer, binary cross-entropy from logits: δ₂ = (σ(z₂) − y)/(N·K),
    # σ' = σ(1 − σ)
    "sigmoid_bce": (
        "sigmoid", lambda z: 1 / (1 + numpy.exp(-z)),
        lambda z: numpy.exp(-z) / (1 + numpy.exp(-z)) ** 2,
        rng.integers(0, 2, size=(N, K)).astype(float),
        lambda z2, y: (1 / (1 + numpy.exp(-z2)) - y) / z2.size,
        lambda out, y: binary_cross_entropy_with_logits(out, y)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_manual_backprop_equals_nabla_grad_of_the_module(name):
    act_name, act, act_prime, y, delta2_of, loss = CASES[name]
    model = nn.MLP([D, H, K], act_name, rng=numpy.random.default_rng(1))
    first, last = model[0], model[2]
    first.b = rng.normal(size=H)   # nonzero biases, so that they matter
    last.b = rng.normal(size=K)

    g_model, g_x = nabla.grad(lambda m, x: loss(m(x), y), argnums=(0, 1))(model, X)
    want = _manual(X, first.w, first.b, last.w, last.b, act, act_prime,
                   lambda z2: delta2_of(z2, y))

    assert type(g_model) is nn.MLP
    numpy.testing.assert_allclose(g_model[0].w, want["w1"], rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(g_model[0].b, want["b1"], rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(g_model[2].w, want["w2"], rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(g_model[2].b, want["b2"], rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(g_x, want["x"], rtol=1e-12, atol=1e-15)


def test_a_step_against_the_gradient_lowers_the_loss():
    y = rng.integers(0, K, size=N)
    model = nn.Sequential(nn.Linear(D, H, rng=numpy.random.default_rng(2)),
                          nn.activations.tanh,
                          nn.Linear(H, K, rng=numpy.random.default_rng(3)))
    loss = lambda m: cross_entropy(m(X), y)
    before = loss(model)
    g = nabla.grad(loss)(model)
    stepped = nabla.tree.map(lambda p, d: p - 0.1 * d, model, g)
    assert type(stepped) is nn.Sequential
    assert loss(stepped) < before
