"""Trace state is per thread, and tapes are freed: concurrency and memory."""

import gc
import os
import threading

import numpy as onp
import pytest

import nabla
import nabla.numpy as np


def _work(k):
    """A different gradient for each k, with a nested transform to exercise levels."""
    x = onp.linspace(-1.0, 1.0, 5) * (k + 1) / 8

    def f(x):
        inner = nabla.grad(lambda y: np.sum(np.sin(k * y) * x))(x)
        return np.sum(np.tanh(x * inner) ** 2) + k * np.sum(x ** 3)

    return [nabla.grad(f)(x) for _ in range(40)]


def test_eight_threads_give_exactly_the_serial_results():
    serial = {k: _work(k) for k in range(8)}
    results = {}
    barrier = threading.Barrier(8)

    def run(k):
        barrier.wait()
        results[k] = _work(k)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        for got, expected in zip(results[k], serial[k]):
            onp.testing.assert_array_equal(got, expected)


def _resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                    reason="needs /proc/self/statm (Linux) to read the resident memory")
def test_100000_grad_calls_leave_memory_flat():
    x = onp.array([0.1, 0.2, 0.3])
    g = nabla.grad(lambda x: np.sum(np.sin(x) * x + np.exp(x)))
    for _ in range(2000):  # warm up caches and allocator pools
        g(x)
    gc.collect()
    before = _resident_bytes()
    for _ in range(100_000):
        g(x)
    gc.collect()
    growth = _resident_bytes() - before
    # a leak of even one small object per call would be several megabytes
    assert growth < 2 * 1024 * 1024, f"memory grew by {growth / 1e6:.1f} MB over 100,000 calls"
