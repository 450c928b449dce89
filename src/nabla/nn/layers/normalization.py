"""Normalization layers: ``LayerNorm`` (over each example's features) and ``BatchNorm``
(over the batch, per channel, with running statistics kept as explicit state).

Both standardize, ``x̂ = (x − μ) / √(σ² + ε)``, and then scale and shift with learned
``w`` (starting at 1) and ``b`` (starting at 0): ``y = x̂ ⊙ w + b``. The mean and the
(biased) variance are ordinary differentiable functions of ``x``, so the gradient flows
through them too, as it must.

>>> import numpy
>>> LayerNorm(3)(numpy.array([[1.0, 2.0, 3.0]]))   # (x − 2)/√(2/3 + ε)
array([[-1.22473569,  0.        ,  1.22473569]])
"""

from __future__ import annotations

import numpy

import nabla.numpy as np
from nabla.nn.module import Module
from nabla.transforms import stop_gradient

__all__ = ["LayerNorm", "BatchNorm"]


def _standardize(x, mean, var, eps):
    return (x - mean) / np.sqrt(var + eps)


class LayerNorm(Module):
    """Layer normalization (Ba, Kiros & Hinton, 2016): each example standardized over its
    last axes (those of ``normalized_shape``), ``μ`` and ``σ²`` the mean and biased
    variance of those entries, then ``y = x̂ ⊙ w + b`` with ``w``, ``b`` of shape
    ``normalized_shape`` (left out with ``elementwise_affine=False``). Behaves the same in
    training and evaluation.

    >>> import numpy
    >>> LayerNorm((2, 3))
    LayerNorm((2, 3), eps=1e-05, elementwise_affine=True)  # 12 parameters
    """

    def __init__(self, normalized_shape, eps=1e-5, *, elementwise_affine=True,
                 dtype=numpy.float64):
        shape = (normalized_shape,) if numpy.ndim(normalized_shape) == 0 else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps = float(eps)
        self.w = numpy.ones(self.normalized_shape, dtype) if elementwise_affine else None
        self.b = numpy.zeros(self.normalized_shape, dtype) if elementwise_affine else None

    def __call__(self, x):
        k = len(self.normalized_shape)
        shape = numpy.shape(x)
        if len(shape) < k or shape[len(shape) - k:] != self.normalized_shape:
            raise ValueError(f"LayerNorm: expected input whose last axes have shape "
                             f"{self.normalized_shape}, got shape {shape}")
        axes = tuple(range(-k, 0))
        mean = np.mean(x, axis=axes, keepdims=True)
        var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
        y = _standardize(x, mean, var, self.eps)
        return y if self.w is None else y * self.w + self.b

    def extra_repr(self):
        shape = self.normalized_shape
        return (f"{shape[0] if len(shape) == 1 else shape}, eps={self.eps}, "
                f"elementwise_affine={self.w is not None}")


class BatchNorm(Module):
    """Batch normalization (Ioffe & Szegedy, 2015) of inputs ``(N, C)``, ``(N, C, L)`` or
    ``(N, C, H, W)``: each channel ``c`` standardized over every axis but axis 1, then
    ``y = x̂ ⊙ w + b`` with ``w``, ``b`` of shape ``(C,)``.

    The running statistics are *state*, not parameters, and are passed explicitly, so the
    layer stays a pure function (and ``nabla.grad`` never differentiates them):

    * ``state = bn.init_state()`` gives ``{'mean': zeros(C), 'var': ones(C)}``;
    * in training mode, ``y, state = bn(x, state)`` normalizes with the batch's mean ``μ_B``
      and biased variance ``σ²_B`` and returns the updated statistics, with PyTorch's
      momentum ``m``: ``mean ← (1 − m)·mean + m·μ_B`` and ``var ← (1 − m)·var +
      m·σ²_B·n/(n − 1)`` (the unbiased variance of the ``n`` values per channel);
    * in evaluation mode (``bn.eval()``), ``y = bn(x, state)`` normalizes with the running
      statistics and returns only ``y``.

    Inside ``nabla.grad``, return the new state as auxiliary output: ``nabla.grad(loss,
    has_aux=True)`` with ``loss`` returning ``(value, state)``.

    >>> import numpy
    >>> bn = BatchNorm(2)
    >>> y, state = bn(numpy.array([[0.0, 1.0], [2.0, 5.0]]), bn.init_state())
    >>> y.round(4), state['mean']
    (array([[-1., -1.],
           [ 1.,  1.]]), array([0.1, 0.3]))
    """

    def __init__(self, num_features, momentum=0.1, eps=1e-5, *, dtype=numpy.float64):
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm: momentum must lie in [0, 1], not {momentum}")
        self.num_features, self.momentum, self.eps = int(num_features), momentum, float(eps)
        self.dtype = numpy.dtype(dtype)
        self.w = numpy.ones(self.num_features, self.dtype)
        self.b = numpy.zeros(self.num_features, self.dtype)

    def init_state(self):
        """The running statistics before any batch: mean 0 and variance 1 per channel."""
        return {"mean": numpy.zeros(self.num_features, self.dtype),
                "var": numpy.ones(self.num_features, self.dtype)}

    def __call__(self, x, state):
        shape = numpy.shape(x)
        if len(shape) < 2 or shape[1] != self.num_features:
            raise ValueError(f"BatchNorm: expected input of shape (N, {self.num_features}, "
                             f"...), got shape {shape}")
        if not (isinstance(state, dict) and {"mean", "var"} <= state.keys()):
            raise ValueError("BatchNorm: state must be a dict with 'mean' and 'var', as "
                             "bn.init_state() returns")
        axes = (0, *range(2, len(shape)))
        per_channel = (self.num_features,) + (1,) * (len(shape) - 2)   # broadcasts on (N, C, …)
        w, b = np.reshape(self.w, per_channel), np.reshape(self.b, per_channel)
        if not self.training:
            mean, var = (np.reshape(state[k], per_channel) for k in ("mean", "var"))
            return _standardize(x, mean, var, self.eps) * w + b
        n = int(numpy.prod([shape[a] for a in axes]))
        if n < 2:
            raise ValueError(f"BatchNorm: training needs more than one value per channel "
                             f"to estimate a variance, got input of shape {shape}")
        mean = np.mean(x, axis=axes, keepdims=True)
        var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
        y = _standardize(x, mean, var, self.eps) * w + b
        m = self.momentum
        batch_mean, batch_var = stop_gradient((np.reshape(mean, (-1,)), np.reshape(var, (-1,))))
        new_state = {"mean": (1 - m) * state["mean"] + m * batch_mean,
                     "var": (1 - m) * state["var"] + m * batch_var * (n / (n - 1))}
        return y, new_state

    def extra_repr(self):
        return f"{self.num_features}, momentum={self.momentum}, eps={self.eps}"
