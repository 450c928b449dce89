"""Initial values for parameters, drawn from an explicit ``numpy.random.Generator``.

The scale of a layer's initial weights decides whether signals keep their size as they
pass forward through many layers, and gradients as they pass backward. A weight array
feeds ``fan_in`` inputs into each output and receives gradients from ``fan_out`` outputs:

* for a matrix used as ``y = x @ w`` (nabla's ``Linear`` stores ``w`` with shape
  ``(in_features, out_features)``), ``fan_in = shape[-2]`` and ``fan_out = shape[-1]``;
* for a convolution kernel of shape ``(out_channels, in_channels, kh, kw)`` (PyTorch's
  layout, which ``Conv2d`` uses), pass ``in_axis=1, out_axis=0``: ``fan_in =
  in_channels·kh·kw`` and ``fan_out = out_channels·kh·kw``.

In general ``fan_in = shape[in_axis]·r`` and ``fan_out = shape[out_axis]·r``, with ``r``
the product of the other axes (the receptive field), as in ``torch.nn.init``; only the
default axes differ, because PyTorch stores a linear layer's weight transposed,
``(out, in)``. With those fans:

* Xavier/Glorot (for tanh and sigmoid): ``Var w = gain² · 2/(fan_in + fan_out)``;
* Kaiming/He (for relu): ``Var w = gain² / fan`` with ``fan = fan_in`` (mode
  ``'fan_in'``: keeps the forward signal's variance) or ``fan_out`` (keeps the gradient's);

a uniform draw on ``[−a, a]`` has variance ``a²/3``, so the uniform versions use ``a =
√3·std``. Numbers are drawn in float64 and then cast to ``dtype``, so a float32 model
starts from the float64 model's values, rounded.

>>> w = kaiming_uniform(np.random.default_rng(0), (512, 256))
>>> bool(np.abs(w).max() <= np.sqrt(2.0) * np.sqrt(3 / 512))   # gain·√(3/fan_in)
True
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "calculate_gain",
    "fans",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "normal",
    "zeros",
]


def calculate_gain(nonlinearity: str = "relu", param: float | None = None) -> float:
    """The factor by which a nonlinearity is expected to shrink the standard deviation,
    as in ``torch.nn.init.calculate_gain``: ``'linear'`` and ``'sigmoid'`` → 1,
    ``'tanh'`` → 5/3, ``'relu'`` → √2, ``'leaky_relu'`` → √(2/(1 + a²)) with ``a = param``
    the negative slope (default 0.01), ``'selu'`` → 3/4.

    >>> calculate_gain('tanh')
    1.6666666666666667
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0),
             "selu": 0.75}
    if nonlinearity not in gains:
        raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; use one of "
                         f"{sorted([*gains, 'leaky_relu'])}")
    return gains[nonlinearity]


def fans(shape, in_axis: int = -2, out_axis: int = -1) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape``: the sizes of ``in_axis`` and
    ``out_axis``, each times the product of the remaining axes (the receptive field).

    >>> fans((784, 256))                          # Linear: w has shape (in, out)
    (784, 256)
    >>> fans((16, 3, 5, 5), in_axis=1, out_axis=0)  # Conv2d: (out, in, kh, kw)
    (75, 400)
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) < 2:
        raise ValueError(f"fans: a weight needs at least 2 axes (inputs and outputs), got "
                         f"shape {shape}")
    in_axis, out_axis = in_axis % len(shape), out_axis % len(shape)
    receptive = math.prod(n for i, n in enumerate(shape) if i not in (in_axis, out_axis))
    return shape[in_axis] * receptive, shape[out_axis] * receptive


def _check_rng(rng, name):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name}: rng must be a numpy.random.Generator (e.g. "
                        f"numpy.random.default_rng(0)), got {type(rng).__name__}")


def _kaiming_std(shape, nonlinearity, mode, in_axis, out_axis):
    fan_in, fan_out = fans(shape, in_axis, out_axis)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming: mode must be 'fan_in' or 'fan_out', not {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity) / math.sqrt(fan)


def _xavier_std(shape, gain, in_axis, out_axis):
    fan_in, fan_out = fans(shape, in_axis, out_axis)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform(rng, shape, gain=1.0, *, in_axis=-2, out_axis=-1, dtype=np.float64):
    """Glorot & Bengio (2010): uniform on ``[−a, a]``, ``a = gain·√(6/(fan_in + fan_out))``.

    >>> xavier_uniform(np.random.default_rng(0), (2, 3)).shape
    (2, 3)
    """
    _check_rng(rng, "xavier_uniform")
    a = math.sqrt(3.0) * _xavier_std(shape, gain, in_axis, out_axis)
    return rng.uniform(-a, a, size=shape).astype(dtype)


def xavier_normal(rng, shape, gain=1.0, *, in_axis=-2, out_axis=-1, dtype=np.float64):
    """Glorot & Bengio (2010): normal with mean 0, ``std = gain·√(2/(fan_in + fan_out))``.

    >>> xavier_normal(np.random.default_rng(0), (2, 3), dtype=np.float32).dtype
    dtype('float32')
    """
    _check_rng(rng, "xavier_normal")
    std = _xavier_std(shape, gain, in_axis, out_axis)
    return rng.normal(0.0, std, size=shape).astype(dtype)


def kaiming_uniform(rng, shape, nonlinearity="relu", *, mode="fan_in", in_axis=-2,
                    out_axis=-1, dtype=np.float64):
    """He et al. (2015): uniform on ``[−a, a]``, ``a = gain·√(3/fan)``, gain from
    :func:`calculate_gain` (√2 for relu) and ``fan`` chosen by ``mode``.

    >>> kaiming_uniform(np.random.default_rng(0), (3, 2)).shape
    (3, 2)
    """
    _check_rng(rng, "kaiming_uniform")
    a = math.sqrt(3.0) * _kaiming_std(shape, nonlinearity, mode, in_axis, out_axis)
    return rng.uniform(-a, a, size=shape).astype(dtype)


def kaiming_normal(rng, shape, nonlinearity="relu", *, mode="fan_in", in_axis=-2,
                   out_axis=-1, dtype=np.float64):
    """He et al. (2015): normal with mean 0, ``std = gain/√fan``.

    >>> w = kaiming_normal(np.random.default_rng(0), (20000, 2))
    >>> round(float(w.std() * np.sqrt(20000 / 2)), 1)   # std·√(fan_in/2) ≈ 1
    1.0
    """
    _check_rng(rng, "kaiming_normal")
    std = _kaiming_std(shape, nonlinearity, mode, in_axis, out_axis)
    return rng.normal(0.0, std, size=shape).astype(dtype)


def normal(rng, shape, std=0.01, *, dtype=np.float64):
    """Normal with mean 0 and standard deviation ``std``.

    >>> round(float(normal(np.random.default_rng(0), (10000,), std=0.1).std()), 2)
    0.1
    """
    _check_rng(rng, "normal")
    return rng.normal(0.0, std, size=shape).astype(dtype)


def zeros(shape, *, dtype=np.float64):
    """All zeros (the usual start for biases).

    >>> zeros((2,), dtype=np.float32)
    array([0., 0.], dtype=float32)
    """
    return np.zeros(shape, dtype=dtype)
