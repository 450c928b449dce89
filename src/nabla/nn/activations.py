"""Activation functions: elementwise nonlinearities, and softmax over an axis.

Each is a function of arrays built from differentiable ``nabla.numpy`` /
``nabla.scipy.special`` operations, so it works on plain arrays and inside every
transform, to any order of derivative. They are stable by construction (``sigmoid``,
``softplus`` and ``log_softmax`` never overflow, whatever the input) and keep the input's
floating dtype (float32 stays float32).

At a kink the derivative follows NumPy/JAX: the branch ``x > 0`` is taken only for
positive ``x``, so ``relu'(0) = 0`` and ``leaky_relu'(0) = negative_slope`` (as PyTorch).

>>> import nabla
>>> nabla.grad(relu)(0.0), nabla.grad(relu)(2.0)
(np.float64(0.0), np.float64(1.0))
>>> float(sigmoid(-1000.0)), float(softplus(1000.0))
(0.0, 1000.0)
"""

from __future__ import annotations

import math

import numpy

import nabla.numpy as np
from nabla.core import elementwise
from nabla.scipy import special

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "softplus",
    "silu",
    "softmax",
    "log_softmax",
    "get",
]


def _array(x):
    """``x`` as an array (tracers pass through); Python numbers become float64."""
    return x if hasattr(x, "ndim") else np.asarray(x, dtype=float)


def sigmoid(x):
    """The logistic function ``σ(x) = 1/(1 + e^{−x})``, with ``σ' = σ(x)·σ(−x)``.

    Evaluated as SciPy's ``expit``, which never overflows (``σ(−1000) = 0``, no warning).

    >>> sigmoid(np.asarray([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return special.expit(_array(x))


def tanh(x):
    """The hyperbolic tangent ``(eˣ − e^{−x})/(eˣ + e^{−x}) = 2σ(2x) − 1``, ``tanh' = 1 −
    tanh²``.

    >>> float(tanh(0.0))
    0.0
    """
    return np.tanh(_array(x))


# A primitive of its own: ``maximum(x, 0)`` is NumPy's fastest rectifier (``where`` with a
# random mask is ~10× slower), and its own rule gives relu'(0) = 0 where ``maximum``
# would split the tie.
_relu = elementwise(lambda x: numpy.maximum(x, 0), lambda x, ans: x > 0, name="relu")


def relu(x):
    """The rectifier ``max(x, 0)``: derivative 1 for ``x > 0`` and 0 otherwise, including
    at the kink (``relu'(0) = 0``).

    >>> relu(np.asarray([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    """
    return _relu(_array(x))


def leaky_relu(x, negative_slope=0.01):
    """``x`` for ``x > 0``, ``negative_slope·x`` otherwise (derivative ``negative_slope``
    at 0).

    >>> leaky_relu(np.asarray([-2.0, 3.0]), negative_slope=0.5)
    array([-1.,  3.])
    """
    x = _array(x)
    return np.where(x > 0, x, negative_slope * x)


def elu(x, alpha=1.0):
    """The exponential linear unit: ``x`` for ``x > 0``, ``α·(eˣ − 1)`` otherwise; its
    derivative is ``α·eˣ`` for ``x ≤ 0``.

    The exponential is taken of ``min(x, 0)`` only (chosen with ``where``), so a large
    positive ``x`` never produces ``e^x = inf`` in an unused branch, whose ``0·inf`` would
    poison the derivative with nan.

    >>> elu(np.asarray([-1000.0, 0.0, 1000.0]))
    array([  -1.,    0., 1000.])
    """
    x = _array(x)
    positive = x > 0
    return np.where(positive, x, alpha * np.expm1(np.where(positive, 0, x)))


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(x, approximate=False):
    """The Gaussian error linear unit ``x·Φ(x) = ½x(1 + erf(x/√2))``, Φ the standard
    normal distribution function; derivative ``Φ(x) + x·φ(x)``.

    With ``approximate=True``, Hendrycks & Gimpel's ``½x(1 + tanh(√(2/π)(x + 0.044715x³)))``
    (PyTorch's ``approximate='tanh'``).

    >>> round(float(gelu(1.0)), 6), round(float(gelu(1.0, approximate=True)), 6)
    (0.841345, 0.841192)
    """
    x = _array(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + special.erf(x / _SQRT_2))


def softplus(x):
    """``log(1 + eˣ)``, a smooth relu, with ``softplus' = σ``; computed without overflow
    (``softplus(1000) = 1000``) or loss of accuracy for very negative ``x``.

    >>> softplus(np.asarray([-1000.0, 0.0, 1000.0]))
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+03])
    """
    return special.softplus(_array(x))


def silu(x):
    """The sigmoid linear unit (swish) ``x·σ(x)``; derivative ``σ(x)(1 + x(1 − σ(x)))``.

    >>> silu(np.asarray([-1000.0, 0.0, 1000.0]))
    array([  -0.,    0., 1000.])
    """
    x = _array(x)
    return x * special.expit(x)


def softmax(x, axis=-1):
    """``exp(xᵢ) / Σⱼ exp(xⱼ)`` along ``axis``: positive, summing to 1; Jacobian
    ``diag(s) − s sᵀ``. The largest entry is subtracted first, so it never overflows.

    >>> softmax(np.asarray([1000.0, 1000.0]))
    array([0.5, 0.5])
    """
    return special.softmax(_array(x), axis=axis)


def log_softmax(x, axis=-1):
    """``xᵢ − log Σⱼ exp(xⱼ)`` along ``axis``: the log of ``softmax``, with no overflow and
    no ``log(0)``; its derivative is ``I − softmax`` (row by row).

    >>> log_softmax(np.asarray([0.0, -1000.0]))
    array([    0., -1000.])
    """
    return special.log_softmax(_array(x), axis=axis)


def get(activation):
    """The activation function called ``activation`` (one of the names here), or
    ``activation`` itself when it is already callable.

    >>> get('relu') is relu, get(abs) is abs
    (True, True)
    """
    if callable(activation):
        return activation
    if activation not in __all__ or activation == "get":
        names = [n for n in __all__ if n != "get"]
        raise ValueError(f"unknown activation {activation!r}; use a callable or one of {names}")
    return globals()[activation]
