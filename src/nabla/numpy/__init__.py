"""The differentiable NumPy namespace: ``import nabla.numpy as np``.

Every function here is NumPy's, with its derivative rules beside it, so code written
against it can be passed to :func:`nabla.grad` and friends. Called on plain arrays, with
no transform active, each function is NumPy's own plus a type check.

>>> import nabla
>>> import nabla.numpy as np
>>> float(nabla.grad(lambda x: np.sum(np.sin(x) ** 2))(np.asarray(0.5)))  # 2 sin x cos x
0.8414709848078965

Plain ``import numpy`` code works too: tracers take part in NumPy's dispatch (NEP 13/18).
A NumPy function without a rule raises ``TypeError`` naming it, never a wrong derivative.
"""

import numpy as _np
from numpy import (  # noqa: F401  constants and types, as in NumPy
    bool_,
    complex64,
    complex128,
    dtype,
    e,
    finfo,
    float16,
    float32,
    float64,
    iinfo,
    inf,
    int8,
    int16,
    int32,
    int64,
    nan,
    ndarray,
    newaxis,
    pi,
    random,
    uint8,
)

from nabla.numpy.creation import *  # noqa: F403
from nabla.numpy.creation import __all__ as _creation
from nabla.numpy.elementwise import *  # noqa: F403
from nabla.numpy.elementwise import __all__ as _elementwise
from nabla.numpy.indexing import getitem  # noqa: F401  (x[index] on tracers)
from nabla.numpy.nondiff import *  # noqa: F403
from nabla.numpy.nondiff import __all__ as _nondiff
from nabla.numpy.products import *  # noqa: F403
from nabla.numpy.products import __all__ as _products
from nabla.numpy.reductions import *  # noqa: F403
from nabla.numpy.reductions import __all__ as _reductions
from nabla.numpy.shape import *  # noqa: F403
from nabla.numpy.shape import __all__ as _shape

__all__ = sorted({*_creation, *_elementwise, *_nondiff, *_products, *_reductions, *_shape})
del _np
