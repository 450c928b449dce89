"""What every integration method checks first: the integrand, the limits, the counts.

An integrand is a function of an *array* of points that returns one value per point:
``f(x)`` with ``x`` of shape ``(m,)`` returns shape ``(m,)``. Called that way, one call of
``f`` evaluates a whole quadrature rule, and ``f`` may be written with ``nabla.numpy``
(or plain NumPy) so that the integral can be differentiated.

>>> import nabla.numpy as np
>>> f = Integrand(np.sin)
>>> f(np.asarray([0.0, np.pi / 2]))
array([0., 1.])
>>> f.neval
2
"""

from __future__ import annotations

import numbers

import numpy as onp

import nabla.numpy as np
from nabla.core import concrete


class Integrand:
    """``f``, checked to be callable and to return one value per point, counting points.

    ``name`` is how ``f`` is called in error messages (``"f"``, ``"f(y, x)"``).
    """

    def __init__(self, f, name="f"):
        if not callable(f):
            raise TypeError(f"{name} must be a function of an array of points, "
                            f"got {type(f).__name__} {f!r:.60}")
        self.f = f
        self.name = name
        self.neval = 0

    def __call__(self, *points):
        shape = points[0].shape
        count = shape[0]
        y = self.f(*points)
        if not hasattr(y, "shape"):
            y = np.asarray(y)
        if y.shape != (count,):
            raise ValueError(
                f"{self.name} must return one value per point: called with {count} points "
                f"(an array of shape {shape}), it returned shape {y.shape}. "
                "Write it with array operations, e.g. lambda x: np.exp(-x ** 2), or "
                "lambda x: np.full_like(x, 3.0) for a constant.")
        if not (onp.issubdtype(y.dtype, onp.floating) or onp.issubdtype(y.dtype, onp.integer)
                or y.dtype == bool):
            raise TypeError(f"{self.name} must return real numbers, got an array of {y.dtype}")
        self.neval += count
        return y


def check_limit(x, name):
    """``x`` as a limit of integration: a real number (a traced scalar allowed), not NaN."""
    value = concrete(x)
    if onp.ndim(value) != 0 or not isinstance(onp.asarray(value).item(), numbers.Real):
        raise TypeError(f"the limit {name} must be a real number, got {x!r:.60}")
    if onp.isnan(value):
        raise ValueError(f"the limit {name} is NaN")
    return x


def check_finite_limits(a, b, method):
    """Limits for a method that samples the interval uniformly: both finite."""
    check_limit(a, "a")
    check_limit(b, "b")
    if not (onp.isfinite(concrete(a)) and onp.isfinite(concrete(b))):
        raise ValueError(f"{method} needs finite limits, got a={concrete(a)}, b={concrete(b)}; "
                         "quad integrates over infinite ranges (by a change of variables)")


def check_count(n, name="n", minimum=1):
    """``n`` as a count: an integer (not a bool) of at least ``minimum``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__} {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {n}")
    return int(n)
