"""On a GPU with CuPy: the same numbers as on the CPU, and the data never leaves the device.

Skipped, with the reason printed (``pytest -ra``), where CuPy is not installed or finds no
CUDA device. What these tests prove without a GPU is proved by the duck-array tests beside
them; here the real backend is checked against NumPy: an MLP training step and a Hessian
agree to 1e-12 in float64 and 1e-5 in float32.
"""

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla import nn
from nabla.core.primitive import BackendError
from nabla.optim import optimizers

cupy = pytest.importorskip("cupy", reason="CuPy is not installed (pip install nabla[gpu])")


def _device_count():
    try:
        return cupy.cuda.runtime.getDeviceCount()
    except cupy.cuda.runtime.CUDARuntimeError:
        return 0


if _device_count() == 0:
    pytest.skip("CuPy finds no CUDA device", allow_module_level=True)

pytestmark = pytest.mark.gpu

TOLERANCE = {numpy.float64: 1e-12, numpy.float32: 1e-5}
DTYPES = pytest.mark.parametrize("dtype", list(TOLERANCE), ids=["float64", "float32"])


def _same(on_gpu, on_cpu, dtype):
    """Equal leaf by leaf, relative to each leaf's scale (entries near 0 differ by rounding
    of their neighbours' size, not their own)."""
    gpu_leaves, cpu_leaves = nabla.tree.leaves(on_gpu), nabla.tree.leaves(on_cpu)
    assert len(gpu_leaves) == len(cpu_leaves) > 0
    for g, c in zip(gpu_leaves, cpu_leaves):
        assert isinstance(g, cupy.ndarray), f"a result left the GPU: {type(g).__name__}"
        assert g.dtype == numpy.asarray(c).dtype
        tol = TOLERANCE[dtype]
        numpy.testing.assert_allclose(g.get(), c, rtol=tol,
                                      atol=tol * max(1.0, float(numpy.max(numpy.abs(c)))))


def _loss(model, batch):
    x, y = batch
    return nn.losses.cross_entropy(model(x), y)


def _step(model, batch):
    optimizer = optimizers.adam(1e-2)
    loss, grads = nabla.value_and_grad(_loss)(model, batch)
    model, _ = optimizer.update(grads, optimizer.init(model), model)
    return loss, grads, model


@DTYPES
def test_mlp_training_step_on_the_gpu_equals_the_cpu(dtype):
    rng = numpy.random.default_rng(0)
    model = nn.MLP([5, 16, 3], activation="tanh", rng=rng, dtype=dtype)
    batch = (rng.normal(size=(32, 5)).astype(dtype), rng.integers(0, 3, size=32))
    on_cpu = _step(model, batch)
    on_gpu = _step(model.to("cuda"), tuple(cupy.asarray(b) for b in batch))
    _same(on_gpu, on_cpu, dtype)
    back = on_gpu[2].to("cpu")
    assert all(type(p) is numpy.ndarray for p in back.parameters())


def _f(x):
    return np.sum(np.sin(x) * x ** 2) + np.prod(x[:3]) * np.log(np.sum(x * x))


@DTYPES
def test_hessian_on_the_gpu_equals_the_cpu(dtype):
    x = numpy.random.default_rng(1).normal(size=6).astype(dtype)
    _same(nabla.hessian(_f)(cupy.asarray(x)), nabla.hessian(_f)(x), dtype)


def test_checkpoint_of_a_gpu_model_is_saved_to_the_host(tmp_path):
    model = nn.MLP([3, 4, 2], rng=numpy.random.default_rng(2))
    path = nn.checkpoint.save(model.to("cuda"), tmp_path / "gpu.npz")
    restored = nn.checkpoint.load(path)
    for got, want in zip(restored.parameters(), model.parameters()):
        assert type(got) is numpy.ndarray
        numpy.testing.assert_array_equal(got, want)


def test_a_primitive_without_a_gpu_implementation_names_itself_and_cupy():
    from nabla.scipy.linalg import expm

    with pytest.raises(BackendError, match=r"primitive expm .* cupy\.ndarray"):
        expm(cupy.eye(2))
