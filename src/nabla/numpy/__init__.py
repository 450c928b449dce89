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

from nabla.numpy import assembly as _assembly
from nabla.numpy import creation as _creation
from nabla.numpy import diagonals as _diagonals
from nabla.numpy import discrete as _discrete
from nabla.numpy import elementwise as _elementwise
from nabla.numpy import indexing as _indexing
from nabla.numpy import nondiff as _nondiff
from nabla.numpy import products as _products
from nabla.numpy import reductions as _reductions
from nabla.numpy import shape as _shape
from nabla.numpy import sorting as _sorting

_MODULES = (_assembly, _creation, _diagonals, _discrete, _elementwise, _indexing,
            _nondiff, _products, _reductions, _shape, _sorting)

from nabla.numpy.assembly import *  # noqa: E402,F403
from nabla.numpy.creation import *  # noqa: E402,F403
from nabla.numpy.diagonals import *  # noqa: E402,F403
from nabla.numpy.discrete import *  # noqa: E402,F403
from nabla.numpy.elementwise import *  # noqa: E402,F403
from nabla.numpy.indexing import *  # noqa: E402,F403
from nabla.numpy.nondiff import *  # noqa: E402,F403
from nabla.numpy.products import *  # noqa: E402,F403
from nabla.numpy.reductions import *  # noqa: E402,F403
from nabla.numpy.shape import *  # noqa: E402,F403
from nabla.numpy.sorting import *  # noqa: E402,F403

__all__ = sorted({name for module in _MODULES for name in module.__all__})
del _np

from nabla.numpy import linalg  # noqa: E402,F401  (registers numpy.linalg's rules)
