"""map_reduce, value_and_grad and hessian over Dask arrays equal the in-memory results.

The references are nabla's own transforms applied to the whole data in memory; every
comparison is to 1e-12 relative, in float64, over one block, ragged blocks and 1,000
blocks, for both reductions and for parameters that are pytrees. One block and ragged
blocks run on the session's LocalCluster; 1,000 blocks (the same task graph, 1,143 tasks
with the tree reduction) on Dask's threaded scheduler, since the cluster's few
milliseconds per task would make each of those tests take seconds.
"""

import contextlib

import dask
import dask.array as da
import numpy
import pytest

import nabla
import nabla.distributed as nd
import nabla.numpy as np

pytestmark = pytest.mark.dask

RTOL = 1e-12
N, D = 2000, 3
CHUNKS = {"one block": N, "ragged blocks": (700, 1, 299, 1000), "1,000 blocks": 2}


@pytest.fixture(scope="module")
def data():
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((N, D))
    y = (X @ numpy.array([1.0, -2.0, 0.5]) + 0.3 + rng.standard_normal(N) > 0).astype(float)
    return X, y


@pytest.fixture(scope="module")
def params():
    rng = numpy.random.default_rng(1)
    return {"w": rng.standard_normal(D), "b": numpy.float64(0.2)}


def mean_loss(p, X, y):
    """Logistic loss averaged over the rows, plus a penalty that counts once."""
    z = X @ p["w"] + p["b"]
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.05 * np.sum(p["w"] ** 2)


def sum_loss(p, X, y):
    z = X @ p["w"] + p["b"]
    return np.sum(np.logaddexp(0.0, z) - y * z)


LOSSES = {"mean": mean_loss, "sum": sum_loss}


@pytest.fixture
def scheduler(request, client):
    """Where the test's chunks run: the cluster, or threads for 1,000 blocks."""
    chunks = request.node.callspec.params["chunks"]
    with (dask.config.set(scheduler="threads") if chunks == CHUNKS["1,000 blocks"]
          else contextlib.nullcontext()):
        yield


def as_dask(X, y, chunks):
    return da.from_array(X, chunks=(chunks, D)), da.from_array(y, chunks=(chunks,))


def assert_close(mine, reference):
    mine_leaves, reference_leaves = nabla.tree.leaves(mine), nabla.tree.leaves(reference)
    assert nabla.tree.structure(mine) == nabla.tree.structure(reference)
    for a, b in zip(mine_leaves, reference_leaves):
        assert numpy.shape(a) == numpy.shape(b)
        numpy.testing.assert_allclose(a, b, rtol=RTOL, atol=0)


@pytest.mark.parametrize("chunks", CHUNKS.values(), ids=CHUNKS.keys())
def test_map_reduce_sums_over_blocks(scheduler, data, params, chunks):
    X, y = data
    Xd, yd = as_dask(X, y, chunks)
    stats = lambda p, X, y: {"n": len(y), "Xty": X.T @ y, "loss": sum_loss(p, X, y)}
    assert_close(nd.map_reduce(stats, params, Xd, yd),
                 {"n": N, "Xty": X.T @ y, "loss": sum_loss(params, X, y)})


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("chunks", CHUNKS.values(), ids=CHUNKS.keys())
def test_value_and_grad_equals_in_memory(scheduler, data, params, chunks, reduction):
    X, y = data
    loss = LOSSES[reduction]
    value, gradient = nd.value_and_grad(loss, reduction=reduction)(params, *as_dask(X, y, chunks))
    reference_value, reference_gradient = nabla.value_and_grad(loss)(params, X, y)
    assert_close(value, reference_value)
    assert_close(gradient, reference_gradient)
    assert set(gradient) == {"w", "b"}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("chunks", CHUNKS.values(), ids=CHUNKS.keys())
def test_hessian_equals_in_memory_nested_like_nabla_hessian(scheduler, data, params, chunks,
                                                            reduction):
    X, y = data
    loss = LOSSES[reduction]
    H = nd.hessian(loss, reduction=reduction)(params, *as_dask(X, y, chunks))
    assert_close(H, nabla.hessian(loss)(params, X, y))
    assert H["w"]["w"].shape == (D, D) and H["w"]["b"].shape == (D,)


def test_numpy_data_is_one_block_in_process(data, params):
    X, y = data
    assert_close(nd.value_and_grad(mean_loss)(params, X, y),
                 nabla.value_and_grad(mean_loss)(params, X, y))
    assert nd.map_reduce(lambda p, X: len(X), None, X) == N


def test_mean_reduction_is_the_mean_over_all_rows_with_ragged_blocks(client):
    """Σ nᵦ·meanᵦ / N: blocks of 1 and 3 rows give the mean of the 4 rows, not of the means."""
    x = da.from_array(numpy.array([8.0, 0.0, 0.0, 0.0]), chunks=((1, 3),))
    value = nd.objective(lambda w, x: np.mean(x - w), x)(numpy.float64(0.0))
    assert value == pytest.approx(2.0, rel=RTOL)


def test_local_scheduler_without_a_client(data, params):
    """Without an active client the same call runs on Dask's local scheduler."""
    X, y = data
    with dask.config.set(scheduler="sync"):
        value, _ = nd.value_and_grad(mean_loss)(params, *as_dask(X, y, 100))
    assert value == pytest.approx(float(mean_loss(params, X, y)), rel=RTOL)
