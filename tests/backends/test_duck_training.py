"""Transforms, a training step, the optimizers and modules on a foreign array backend.

Everything starts from duck arrays (:mod:`tests.backends.duck`) and must end in duck
arrays equal to what the same computation gives on NumPy: nothing may make an array from a
bare shape or convert the data to NumPy on the way.
"""

import importlib.util

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla import nn
from nabla.optim import optimizers
from tests.backends.duck import DuckArray, duck, host

rng = numpy.random.default_rng(2)


def _same(got, want, rtol=1e-12):
    got_leaves, want_leaves = nabla.tree.leaves(got), nabla.tree.leaves(want)
    assert len(got_leaves) == len(want_leaves) > 0
    for g, w in zip(got_leaves, want_leaves):
        assert type(g) is DuckArray, f"a result left the duck backend: {type(g).__name__}"
        numpy.testing.assert_allclose(host(g), w, rtol=rtol, atol=1e-14)


def _f(x):
    return np.sum(np.tanh(x) ** 2 * np.exp(-x)) + np.prod(x[:2]) * np.linalg.norm(x)


X = rng.normal(size=4)


@pytest.mark.parametrize("transform", [nabla.grad, nabla.jacfwd, nabla.jacrev, nabla.hessian,
                                       nabla.elementwise_grad])
def test_transforms_return_duck_arrays(transform):
    _same(transform(_f)(duck(X)), transform(_f)(X))


def test_grad_of_a_pytree_and_hvp_on_duck_arrays():
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=(5, 3))

    def loss(p, x):
        return np.mean((x @ p["w"] + p["b"]) ** 2)

    _same(nabla.value_and_grad(loss)(duck(params), duck(x)),
          nabla.value_and_grad(loss)(params, x))
    v = rng.normal(size=4)
    _same(nabla.hvp(_f, (duck(X),), (duck(v),)), nabla.hvp(_f, (X,), (v,)))


def _model():
    return nn.MLP([3, 8, 4], activation="relu", rng=numpy.random.default_rng(0))


DATA = (rng.normal(size=(16, 3)), rng.integers(0, 4, size=16))


def _loss(model, batch):
    x, y = batch
    return nn.losses.cross_entropy(model(x), y)


def _sgd_step(model, batch, optimizer):
    loss, grads = nabla.value_and_grad(_loss)(model, batch)
    new, _ = optimizer.update(grads, optimizer.init(model), model)
    return loss, grads, new


def test_one_mlp_training_step_on_duck_arrays():
    model = _model()
    on_duck = model.to(duck)
    assert all(type(p) is DuckArray for p in on_duck.parameters())
    want = _sgd_step(model, DATA, optimizers.sgd(0.1))
    got = _sgd_step(on_duck, duck(DATA), optimizers.sgd(0.1))
    _same(got, want)
    assert type(got[2]) is nn.MLP
    back = got[2].to("cpu")
    assert all(type(p) is numpy.ndarray for p in back.parameters())
    _same(nabla.tree.map(duck, back), want[2])


OPTIMIZERS = [name for name in optimizers.__all__ if name[0].islower()]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_one_step_of_each_optimizer_on_duck_arrays(name):
    optimizer = getattr(optimizers, name)(0.05)
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}

    def two_steps(p, g):
        state = optimizer.init(p)
        p, state = optimizer.update(g, state, p)
        p, state = optimizer.update(g, state, p)
        assert state.step == 2
        return p, state.slots

    _same(two_steps(duck(params), duck(grads)), two_steps(params, grads))


def test_clipping_stays_on_the_backend():
    optimizer = optimizers.adam(0.1, clip_norm=0.5, clip_value=0.3)
    params, grads = {"w": rng.normal(size=3)}, {"w": 3 * rng.normal(size=3)}
    step = lambda p, g: optimizer.update(g, optimizer.init(p), p)[0]  # noqa: E731
    _same(step(duck(params), duck(grads)), step(params, grads))


def test_checkpoint_saves_to_the_host_and_loads_onto_the_models_backend(tmp_path):
    model = _model()
    path = nn.checkpoint.save(model.to(duck), tmp_path / "model.npz")
    restored = nn.checkpoint.load(path)
    assert all(type(p) is numpy.ndarray for p in restored.parameters())
    for got, want in zip(restored.parameters(), model.parameters()):
        numpy.testing.assert_array_equal(got, want)
    onto = nn.checkpoint.load(path, like=model.to(duck))
    _same(onto, model)


def test_to_refuses_an_unknown_device():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        _model().to("tpu")
    with pytest.raises(TypeError, match="converter function, got int"):
        _model().to(3)


def test_check_grads_runs_on_duck_arrays():
    nabla.check_grads(_f, (duck(X),), order=2)
    with pytest.raises(AssertionError, match="disagrees with finite differences"):
        nabla.check_grads(_wrong_derivative, (duck(X),), order=1)


@nabla.custom_jvp
def _wrong_derivative(x):
    return np.sin(x)


_wrong_derivative.defjvp(lambda primals, tangents: (np.sin(primals[0]), 2 * tangents[0]))


_BN = nn.layers.BatchNorm(3)
LAYERS = {  # name -> (layer, input, call)
    "BatchNorm": (_BN, rng.normal(size=(5, 3)), lambda m, x, to: m(x, to(_BN.init_state()))[0]),
    "LayerNorm": (nn.layers.LayerNorm(3), rng.normal(size=(5, 3)), None),
    "Conv2d": (nn.layers.Conv2d(2, 3, 3, rng=rng), rng.normal(size=(2, 2, 5, 5)), None),
    "MaxPool2d": (nn.layers.MaxPool2d(2), rng.normal(size=(2, 2, 4, 4)), None),
    "AvgPool2d": (nn.layers.AvgPool2d(2), rng.normal(size=(2, 2, 4, 4)), None),
    "Flatten": (nn.layers.Flatten(), rng.normal(size=(2, 3, 4)), None),
    "Dropout": (nn.layers.Dropout(0.5), rng.normal(size=(5, 3)),
                lambda m, x, to: m(x, rng=numpy.random.default_rng(4))),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_and_its_gradient_on_duck_arrays(name):
    layer, x, call = LAYERS[name]
    call = call or (lambda m, x, to: m(x))

    def run(to):
        f = lambda m, x: call(m, x, to)  # noqa: E731
        grads = nabla.grad(lambda m, x: np.sum(f(m, x) ** 2), argnums=(0, 1))(layer.to(to), to(x))
        return f(layer.to(to), to(x)), grads

    _same(run(duck), run(lambda a: nabla.tree.map(numpy.asarray, a)))


def test_embedding_on_duck_arrays():
    emb = nn.layers.Embedding(5, 2, rng=rng)
    idx = numpy.array([0, 3, 1, 3])
    _same(emb.to(duck)(duck(idx)), emb(idx))


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_to_cuda_without_cupy_names_the_extra():
    with pytest.raises(ImportError, match=r"pip install nabla\[gpu\]"):
        _model().to("cuda")
