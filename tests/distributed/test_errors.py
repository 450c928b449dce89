"""Item 5's errors and limits: each with its type and a phrase of its message, and the
functions that travel to worker processes."""

import os

import dask.array as da
import numpy
import pytest

import nabla.distributed as nd
import nabla.numpy as np
from nabla.models import LinearRegression, LogisticRegression

pytestmark = pytest.mark.dask


def blocks_with(bad_row, value, n=40, chunks=10):
    X = numpy.random.default_rng(0).standard_normal((n, 2))
    X[bad_row, 1] = value
    y = (X[:, 0] > 0).astype(float)
    return da.from_array(X, chunks=(chunks, 2)), da.from_array(y, chunks=chunks)


@pytest.mark.parametrize("value", [numpy.nan, numpy.inf])
def test_fit_names_the_block_with_nan_or_inf_in_X(client, value):
    X, y = blocks_with(27, value)
    with pytest.raises(ValueError, match=r"Input X contains NaN or infinity in block 2 "
                                         r"\(rows 20 to 29\)"):
        LogisticRegression().fit(X, y)


def test_fit_names_the_block_with_nan_in_y(client):
    X, _ = blocks_with(0, 0.0)
    y = numpy.ones(40)
    y[35] = numpy.nan
    with pytest.raises(ValueError, match=r"Input y contains NaN or infinity in block 3"):
        LinearRegression().fit(X, da.from_array(y, chunks=10))


def test_bare_value_and_grad_lets_nan_propagate(client):
    X, y = blocks_with(5, numpy.nan)
    value, gradient = nd.value_and_grad(lambda w, X, y: np.mean((X @ w - y) ** 2))(
        numpy.zeros(2), X, y)
    assert numpy.isnan(value) and numpy.isnan(gradient).all()


def test_chunks_along_the_features_are_merged(client):
    X, y = blocks_with(0, 0.0)
    X = X.rechunk((10, 1))
    assert [x.chunks for x in nd.align(X, y)] == [((10,) * 4, (2,)), ((10,) * 4,)]
    assert LinearRegression().fit(X, y).coef_.shape == (2,)


def test_different_row_chunks_of_X_and_y_are_refused(client):
    X, y = blocks_with(0, 0.0)
    with pytest.raises(ValueError, match=r"X and y have different row chunks.*"
                                         r"y.rechunk\(\{0: X.chunks\[0\]\}\)"):
        LogisticRegression().fit(X, y.rechunk(15))
    with pytest.raises(ValueError, match="different row chunks"):
        nd.value_and_grad(lambda w, X, y: np.sum(X @ w))(numpy.zeros(2), X, y.rechunk(15))


def test_different_numbers_of_rows_are_refused():
    with pytest.raises(ValueError, match="the same number of rows"):
        nd.align(da.ones((4, 2), chunks=2), da.ones(6, chunks=2), names=("X", "y"))


def test_unknown_chunk_sizes_are_refused():
    x = da.from_array(numpy.arange(10.0), chunks=5)
    with pytest.raises(ValueError, match=r"unknown chunk sizes \(nan\).*compute_chunk_sizes"):
        nd.map_reduce(lambda _, x: x.sum(), None, x[x > 3])


def test_dask_and_in_memory_data_are_not_mixed():
    with pytest.raises(TypeError, match="all Dask arrays or all in-memory"):
        nd.map_reduce(lambda _, X, y: 0.0, None, da.ones(4, chunks=2), numpy.ones(4))
    with pytest.raises(TypeError, match="both be Dask arrays or both in memory"):
        LinearRegression().fit(da.ones((4, 1), chunks=2), numpy.ones(4))


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be 'mean'.*or 'sum'"):
        nd.value_and_grad(lambda w, x: w, reduction="average")


def test_objective_needs_a_function():
    with pytest.raises(TypeError, match="loss must be a function"):
        nd.objective("mse", numpy.ones(3))


def test_what_a_dask_fit_does_not_support():
    X, y = blocks_with(0, 0.0)
    with pytest.raises(ValueError, match="solver='sgd' steps through samples drawn at random"):
        LinearRegression(solver="sgd").fit(X, y)
    with pytest.raises(ValueError, match="sample_weight is not supported with Dask arrays"):
        LogisticRegression().fit(X, y, sample_weight=numpy.ones(40))
    with pytest.raises(ValueError, match="expected a 2-D Dask array X"):
        LinearRegression().fit(X[:, 0], y)


def test_an_error_on_a_block_names_the_block(client):
    x = da.from_array(numpy.arange(10.0), chunks=4)

    def fails_on_the_last_block(_, block):
        if block[0] == 8.0:
            raise ZeroDivisionError("a bad block")
        return block.sum()

    with pytest.raises(ZeroDivisionError, match="a bad block") as raised:
        nd.map_reduce(fails_on_the_last_block, None, x)
    assert "row block 2 of the data, whose first row is 8" in "\n".join(raised.value.__notes__)


def test_lambdas_and_closures_travel_to_worker_processes(client):
    """cloudpickle sends a closure over local state to the worker processes; the result is
    the one computed here."""
    x = da.from_array(numpy.arange(12.0).reshape(6, 2), chunks=(2, 2))
    scale = 3.0
    assert nd.map_reduce(lambda w, X: scale * np.sum(X @ w), numpy.ones(2), x) == 3.0 * 66.0
    on_workers = client.run(os.getpid)
    assert len(on_workers) == 2 and os.getpid() not in on_workers.values()


def test_jitted_loss_travels_when_nabla_has_jit(client):
    import nabla
    if not hasattr(nabla, "jit"):
        pytest.skip("nabla.jit is not there yet")
    loss = nabla.jit(lambda w, X: np.mean((X @ w) ** 2))
    X = numpy.random.default_rng(0).standard_normal((30, 2))
    value, _ = nd.value_and_grad(loss)(numpy.ones(2), da.from_array(X, chunks=(7, 2)))
    assert value == pytest.approx(float(numpy.mean((X @ numpy.ones(2)) ** 2)), rel=1e-12)


def test_dask_is_imported_only_for_dask_data():
    import subprocess
    import sys
    code = ("import sys, numpy, nabla.distributed as nd, nabla.models; "
            "nd.value_and_grad(lambda w, x: (x * w).sum())(1.0, numpy.ones(3)); "
            "print('dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"

