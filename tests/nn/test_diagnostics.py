"""nabla.nn.diagnostics: gradient norms per layer, and the vanishing-gradient story measured."""

import numpy as np
import pytest

import nabla
from nabla.nn import MLP, Linear, Module, Sequential
from nabla.nn.diagnostics import (
    gradient_norms,
    gradient_norms_from,
    vanishing_gradients_experiment,
)
from nabla.nn.losses import cross_entropy, mse


@pytest.fixture(scope="module")
def experiment():
    return vanishing_gradients_experiment(depth=20, width=32, seed=0, steps=60)


def _data(rng, n=16):
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(np.int64)


def test_gradient_norms_per_module_in_order_from_input_to_output():
    rng = np.random.default_rng(0)
    net = MLP([3, 5, 5, 2], "relu", rng=rng, layer_norm=True, residual=True)
    X, y = _data(rng)

    def loss(model, batch):
        return cross_entropy(model(batch[0]), batch[1])

    norms = gradient_norms(net, loss, (X, y))
    assert list(norms) == ["layers.0", "layers.1", "layers.3.module.layers.0",
                           "layers.3.module.layers.1", "layers.4"]
    g = nabla.grad(loss)(net, (X, y))
    first = g.layers[0]
    assert norms["layers.0"] == pytest.approx(np.sqrt(np.sum(first.w ** 2) +
                                                      np.sum(first.b ** 2)))
    per_parameter = gradient_norms(net, loss, (X, y), by="parameter")
    assert per_parameter["layers.4.w"] == pytest.approx(np.linalg.norm(g.layers[4].w))
    assert len(per_parameter) == 2 * len(norms)
    assert gradient_norms_from(g) == norms


def test_gradient_norms_of_plain_pytrees_and_aux():
    params = {"w": np.array([1.0, 2.0]), "b": np.array(0.5)}

    def loss(p, x):
        return np.sum(p["w"] * x) + 3 * p["b"], "aux"

    assert gradient_norms(params, loss, np.array([3.0, 4.0])) == {"b": 3.0, "w": 5.0}


def test_module_with_own_parameters_and_submodules():
    class Head(Module):
        def __init__(self, rng):
            self.scale = np.ones(2)
            self.body = Sequential(Linear(2, 2, rng=rng))

        def __call__(self, x):
            return self.body(x) * self.scale

    head = Head(np.random.default_rng(0))
    norms = gradient_norms(head, lambda m, x: mse(m(x), np.zeros_like(x)), np.ones((2, 2)))
    assert list(norms) == ["(model)", "body.layers.0"]
    with pytest.raises(ValueError, match="'module' or 'parameter'"):
        gradient_norms(head, lambda m, x: np.sum(m(x)), np.ones((2, 2)), by="layer")


def test_sigmoid_gradients_vanish_and_residual_layernorm_relu_learns(experiment):
    sigmoid = experiment["sigmoid"]
    best = experiment["relu + layernorm + residual"]
    assert len(sigmoid.grad_norms) == 21 and len(sigmoid.loss) == 61
    # the first layer's gradient: orders of magnitude smaller with sigmoid (about 1e-11)
    assert experiment.ratio("sigmoid", "relu + layernorm + residual") >= 100
    assert sigmoid.grad_norms[0] * 1e6 < best.grad_norms[0]
    # ... and it shrinks layer by layer going down the sigmoid network
    assert sigmoid.grad_norms[0] < sigmoid.grad_norms[10] < sigmoid.grad_norms[-1]
    # the residual network's loss falls faster: lower after the same number of steps
    assert best.final_loss < 0.5 * sigmoid.final_loss
    assert best.loss[30] < sigmoid.loss[30]
    assert sigmoid.final_loss > 0.65                      # stuck near log 2
    assert all(run.success for run in experiment.runs.values())


def test_experiment_table_is_readable(experiment):
    text = str(experiment)
    assert "20 hidden layers of width 32" in text and "sgd(lr=0.1)" in text
    for name in ["sigmoid", "tanh", "relu", "relu + layernorm + residual"]:
        assert name in text
    assert len(text.splitlines()) == 3 + 4 + 3 + 21


def test_experiment_is_reproducible_and_accepts_data():
    rng = np.random.default_rng(5)
    X, y = _data(rng, 32)
    a = vanishing_gradients_experiment(depth=3, width=4, seed=1, steps=3, data=(X, y))
    b = vanishing_gradients_experiment(depth=3, width=4, seed=1, steps=3, data=(X, y))
    for name in a.runs:
        assert np.array_equal(a[name].grad_norms, b[name].grad_norms)
        assert a[name].loss == b[name].loss
    with pytest.raises(ValueError, match="integer class labels"):
        vanishing_gradients_experiment(depth=2, steps=1, data=(X, X[:, 0]))
    with pytest.raises(ValueError, match="depth must be an integer"):
        vanishing_gradients_experiment(depth=0)
