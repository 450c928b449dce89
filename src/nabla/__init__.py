"""nabla: calculus for machine learning.

Exact derivatives of ordinary NumPy code, to any order, in forward and reverse mode:

>>> import nabla
>>> import nabla.numpy as np
>>> nabla.grad(lambda x: x ** 2)(2.0)
np.float64(4.0)
>>> nabla.grad(lambda p: np.sum(p["w"] ** 2) + p["b"])({"w": np.asarray([1.0, 2.0]), "b": 0.5})
{'b': np.float64(1.0), 'w': array([2., 4.])}
"""

from nabla import numpy, scipy, tree  # noqa: F401  (they fill the rule registry)
from nabla.core import ConcretizationError, UnexpectedTracerError
from nabla.jit import jit, make_program
from nabla.numpy.indexing import at
from nabla.transforms import (
    check_grads,
    custom_jvp,
    custom_vjp,
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)

__version__ = "0.1.0"

__all__ = [
    "ConcretizationError",    "UnexpectedTracerError",
    "at",
    "check_grads",
    "custom_jvp",
    "custom_vjp",
    "elementwise_grad",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jit",
    "jvp",
    "make_program",
    "numpy",
    "stop_gradient",
    "tree",
    "value_and_grad",
    "vjp",
]
