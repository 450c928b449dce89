"""Faults and limits: a worker killed mid-fit, and data bigger than the workers' memory.

Each test starts its own small cluster (:func:`conftest.local_cluster`).
"""

import os
import signal
import threading
import time

import dask
import dask.array as da
import numpy
import pytest

from nabla.models import LinearRegression, LogisticRegression
from tests.distributed.conftest import local_cluster

pytestmark = pytest.mark.dask


def test_a_worker_killed_mid_fit_does_not_lose_the_fit():
    """The data are persisted on the two workers; one worker process is killed (SIGKILL,
    by its process id) while L-BFGS runs. Dask recomputes the blocks it held and the
    nanny starts a new worker; the fit is the in-memory one."""
    rng = numpy.random.default_rng(3)
    X = rng.standard_normal((6000, 5))
    y = (X @ numpy.array([1.0, -1.0, 0.5, 2.0, 0.0]) + rng.standard_normal(6000) > 0)
    options = dict(C=0.1, tol=1e-8, max_iter=500)
    expected = LogisticRegression(**options).fit(X, y)
    with local_cluster() as (_, client):
        Xd, yd = dask.persist(da.from_array(X, chunks=(100, 5)), da.from_array(y, chunks=100))
        victim = next(iter(client.run(os.getpid).values()))
        fit_done, kill = threading.Event(), {}

        def kill_when_the_fit_computes():
            while not any(client.processing().values()) and not fit_done.is_set():
                time.sleep(0.01)
            time.sleep(0.5)
            kill["during_fit"] = not fit_done.is_set()
            os.kill(victim, signal.SIGKILL)

        killer = threading.Thread(target=kill_when_the_fit_computes)
        killer.start()
        try:
            fitted = LogisticRegression(**options).fit(Xd, yd)
        finally:
            fit_done.set()
            killer.join()
        assert kill["during_fit"], "the fit ended before the kill: make it longer"
        assert victim not in client.run(os.getpid).values()
    numpy.testing.assert_allclose(fitted.coef_, expected.coef_, rtol=0, atol=1e-8)
    numpy.testing.assert_allclose(fitted.intercept_, expected.intercept_, rtol=0, atol=1e-8)


D = 20
ROWS = 50_000                        # 8 MB blocks of X
BLOCKS = 105                         # X and y: 105 × 50,000 × 21 × 8 bytes = 882 MB
COEF = numpy.linspace(-1.0, 1.0, D)


def lazy_data():
    """``y = x·COEF + 0.5 + noise``, generated block by block by ``dask.array.random``
    (seeded: a block computed twice is the same block). Nothing here makes the workers
    import more than Dask and NumPy."""
    rng = da.random.default_rng(7)
    X = rng.standard_normal((BLOCKS * ROWS, D), chunks=(ROWS, D))
    return X, X @ COEF + 0.5 + 0.1 * rng.standard_normal(BLOCKS * ROWS, chunks=ROWS)


def test_data_bigger_than_the_workers_memory_fits_block_by_block():
    """882 MB generated lazily, block by block, against 2 × 400 MB of worker memory: the
    fit equals least squares accumulated here block by block, and no worker's resident
    memory ever reached its limit."""
    limit = 400e6
    assert BLOCKS * ROWS * (D + 1) * 8 > 2 * limit
    X, y = lazy_data()
    def watch(dask_worker):
        """Sample this worker's resident memory every 2 ms, in a thread, from now on.
        (Not ru_maxrss: on Linux a spawned process inherits its parent's.) Defined here so
        that cloudpickle sends it by value and the worker imports nothing for it."""
        import threading
        import time

        import psutil

        process, state = psutil.Process(), {"peak": 0, "running": True}

        def sample():
            while state["running"]:
                state["peak"] = max(state["peak"], process.memory_info().rss)
                time.sleep(0.002)

        dask_worker.memory_watch = state
        threading.Thread(target=sample, daemon=True).start()

    def peak(dask_worker):
        dask_worker.memory_watch["running"] = False
        return dask_worker.memory_watch["peak"]

    with local_cluster(memory_limit=limit) as (_, client):
        client.run(watch)
        fitted = LinearRegression(solver="normal").fit(X, y)
        peaks = client.run(peak)
    print(f"peak resident memory of the workers: {peaks}")
    assert len(peaks) == 2 and max(peaks.values()) < limit, peaks

    gram, sums, moments, count = numpy.zeros((D, D)), numpy.zeros(D + 1), numpy.zeros(D), 0
    for b in range(BLOCKS):          # independent: NumPy on each block, one at a time, here
        Xb, yb = dask.compute(X.blocks[b], y.blocks[b], scheduler="sync")
        gram += Xb.T @ Xb
        moments += Xb.T @ yb
        sums += numpy.append(Xb.sum(axis=0), yb.sum())
        count += ROWS
    x_mean, y_mean = sums[:D] / count, sums[D] / count
    coef = numpy.linalg.solve(gram - count * numpy.outer(x_mean, x_mean),
                              moments - count * x_mean * y_mean)
    numpy.testing.assert_allclose(fitted.coef_, coef, rtol=0, atol=1e-8)
    assert fitted.intercept_ == pytest.approx(y_mean - x_mean @ coef, abs=1e-8)
