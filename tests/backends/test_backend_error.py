"""A primitive that cannot run on an array's backend says which primitive and which type."""

import numpy
import pytest

import nabla
import nabla.numpy as np
from nabla.core.primitive import BackendError, backend_name


class ndarray:  # noqa: N801  named as CuPy names its array, defined where CuPy defines it
    """An array of a library that implements nothing: NumPy's dispatch finds no function."""

    __module__ = "cupy._core.core"
    shape, ndim, dtype = (2,), 1, numpy.dtype(numpy.float64)

    def __array_function__(self, func, types, args, kwargs):
        return NotImplemented

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return NotImplemented


def test_the_type_is_named_as_its_library_presents_it():
    assert backend_name(ndarray()) == "cupy.ndarray"
    assert backend_name(numpy.zeros(1)) == "numpy.ndarray"


def test_error_names_the_primitive_and_the_type():
    with pytest.raises(BackendError, match=r"primitive sin has no implementation for arrays "
                                           r"of type cupy\.ndarray"):
        np.sin(ndarray())


def test_error_names_them_inside_a_transform_too():
    with pytest.raises(BackendError, match=r"primitive tanh .* cupy\.ndarray"):
        nabla.grad(lambda x: np.sum(np.tanh(x)))(ndarray())


def test_errors_on_numpy_data_are_unchanged():
    with pytest.raises(ValueError, match="mismatch"):
        np.matmul(numpy.ones((2, 3)), numpy.ones((2, 3)))
    with pytest.raises(TypeError) as info:
        np.sin("text")
    assert not isinstance(info.value, BackendError)
