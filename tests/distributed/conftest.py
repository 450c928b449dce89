"""One LocalCluster for the Dask tests of the session: 2 worker processes, 1 thread each.

Tests that kill a worker or need a memory limit of their own start their own cluster with
:func:`local_cluster`.
"""

import contextlib

import pytest

distributed = pytest.importorskip("distributed", reason="the distributed extra is not "
                                                        "installed: pip install nabla[distributed]")

# At 80% of its limit Dask pauses a worker; one that has imported nabla.models (and so
# scikit-learn) holds about 230 MB before any data, so the shared cluster has room to spare.
# The out-of-core test sets its own limit (400 MB).
MEMORY_LIMIT = "1GB"


@contextlib.contextmanager
def local_cluster(n_workers=2, memory_limit=MEMORY_LIMIT):
    """A ``(cluster, client)`` of ``n_workers`` processes with one thread each."""
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                  memory_limit=memory_limit, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        yield cluster, client


@pytest.fixture(scope="session")
def client():
    """The session's client: Dask computations of the tests run on its two workers."""
    with local_cluster() as (_, client):
        yield client
