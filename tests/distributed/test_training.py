"""nabla.nn.fit on Dask arrays: synchronous data-parallel steps that take the in-memory
steps (the same batches, each batch's gradient summed over the workers' slices)."""

import dask.array as da
import numpy
import pytest

import nabla.numpy as np
from nabla.nn import Module
from nabla.nn.training import fit
from nabla.optim.optimizers import adam

pytestmark = pytest.mark.dask


class Net(Module):
    def __init__(self, rng):
        self.W1 = rng.standard_normal((3, 8)) * 0.5
        self.b1 = numpy.zeros(8)
        self.W2 = rng.standard_normal((8, 1)) * 0.5

    def __call__(self, X):
        return (np.tanh(X @ self.W1 + self.b1) @ self.W2)[:, 0]


def squared_error(model, batch):
    X, y = batch
    return np.mean((model(X) - y) ** 2)


@pytest.fixture(scope="module")
def data():
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    return X, numpy.sin(X[:, 0]) + X[:, 1] * X[:, 2]


def test_fit_on_dask_takes_the_in_memory_steps(client, data):
    X, y = data
    split = lambda a: da.from_array(a, chunks=(70,) + a.shape[1:])   # 5 blocks, the last 20
    kwargs = dict(optimizer=adam(0.02), epochs=3, batch_size=64, metrics=["r2"], verbose=0)
    on_cluster, history = fit(Net(numpy.random.default_rng(1)), squared_error,
                              (split(X), split(y)), rng=5,
                              validation=(split(X[:50]), split(y[:50])), **kwargs)
    in_memory, reference = fit(Net(numpy.random.default_rng(1)), squared_error, (X, y), rng=5,
                               validation=(X[:50], y[:50]), **kwargs)
    assert history.success and history.steps == reference.steps == 3 * 5
    numpy.testing.assert_allclose(history.step_loss, reference.step_loss, rtol=1e-10)
    for key in ("loss", "val_loss", "r2", "val_r2"):
        numpy.testing.assert_allclose(history[key], reference[key], rtol=1e-10)
    for name in ("W1", "b1", "W2"):
        numpy.testing.assert_allclose(getattr(on_cluster, name), getattr(in_memory, name),
                                      rtol=0, atol=1e-10)


def test_fit_refuses_misaligned_dask_data(data):
    X, y = data
    with pytest.raises(ValueError, match=r"fit: data: data\[0\] and data\[1\] have different "
                                         r"row chunks"):
        fit(Net(numpy.random.default_rng(1)), squared_error,
            (da.from_array(X, chunks=(100, 3)), da.from_array(y, chunks=60)),
            optimizer=adam(0.01), rng=0, verbose=0)
