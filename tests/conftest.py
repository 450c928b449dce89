"""The test suite keeps jit's compiled kernels in a temporary directory of its own, never in
the user's cache (``~/.cache/nabla``)."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def kernel_cache_dir(tmp_path_factory):
    """``NABLA_CACHE_DIR`` for the whole session: one temporary directory, which the tests
    share, so each kernel is compiled once per run."""
    path = tmp_path_factory.mktemp("nabla-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NABLA_CACHE_DIR", str(path))
        yield path
