"""Layers that act on the last axis or on whole examples: ``Linear``, ``Embedding``,
``Flatten``.

>>> import numpy
>>> layer = Linear(3, 2, rng=numpy.random.default_rng(0))
>>> layer(numpy.ones((4, 3))).shape
(4, 2)
"""

from __future__ import annotations

import numpy

import nabla.numpy as np
from nabla.nn import init as initializers
from nabla.nn.module import Module
from nabla.numpy._backend import plain_array

__all__ = ["Linear", "Embedding", "Flatten"]

_INITS = ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "normal")


def check_rng(rng, layer):
    """Refuse anything but a ``numpy.random.Generator`` as a layer's ``rng``."""
    if not isinstance(rng, numpy.random.Generator):
        raise TypeError(f"{layer}: rng must be a numpy.random.Generator (e.g. "
                        f"numpy.random.default_rng(0)), got {type(rng).__name__}")


def initial_weight(init, rng, shape, dtype, layer, **axes):
    """A weight of ``shape`` drawn by ``init``: the name of a function in ``nabla.nn.init``
    (given the fan ``axes``) or a callable ``init(rng, shape, dtype=dtype)``."""
    check_rng(rng, layer)
    if callable(init):
        return numpy.asarray(init(rng, shape, dtype=dtype))
    if init not in _INITS:
        raise ValueError(f"{layer}: init must be a callable or one of {list(_INITS)}, "
                         f"not {init!r}")
    if init == "normal":
        return initializers.normal(rng, shape, dtype=dtype)
    return getattr(initializers, init)(rng, shape, dtype=dtype, **axes)


class Linear(Module):
    """Affine map ``y = x @ w + b`` on the last axis of ``x``.

    ``w`` has shape ``(in_features, out_features)`` (so the formula reads left to right,
    without the transpose of PyTorch's ``x @ W.T``), ``b`` shape ``(out_features,)``.
    Gradients: ``∂L/∂w = xᵀ G``, ``∂L/∂b = Σ_rows G``, ``∂L/∂x = G wᵀ`` for ``G = ∂L/∂y``.

    ``w`` starts from ``init``: a name from ``nabla.nn.init`` (default Kaiming/He uniform
    for relu, ``fan_in = in_features``) or a callable ``init(rng, shape, dtype=dtype)``;
    ``b`` starts at 0 (``bias=False`` leaves it out).

    >>> import numpy
    >>> layer = Linear(2, 3, rng=numpy.random.default_rng(0), dtype=numpy.float32)
    >>> layer
    Linear(in_features=2, out_features=3, bias=True)  # 9 parameters
    >>> layer(numpy.ones((1, 2), dtype=numpy.float32)).dtype
    dtype('float32')
    """

    def __init__(self, in_features, out_features, *, rng, bias=True, init="kaiming_uniform",
                 dtype=numpy.float64):
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.w = initial_weight(init, rng, (self.in_features, self.out_features), dtype,
                                "Linear")
        self.b = initializers.zeros((self.out_features,), dtype=dtype) if bias else None

    def __call__(self, x):
        shape = numpy.shape(x)
        if not shape or shape[-1] != self.in_features:
            raise ValueError(f"Linear: expected input with last axis of size "
                             f"{self.in_features} (in_features), got shape {shape}")
        y = x @ self.w
        return y if self.b is None else y + self.b

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.b is not None}")


class Embedding(Module):
    """A lookup table: row ``i`` of ``w`` (shape ``(num_embeddings, dim)``) is the vector
    of token ``i``; ``embedding(indices)`` has shape ``indices.shape + (dim,)``.

    Looking up is indexing, so the gradient of ``w`` adds the incoming gradients into the
    rows that were used (twice for an index used twice) and leaves the others 0. ``w``
    starts from a standard normal, as in PyTorch.

    >>> import numpy
    >>> table = Embedding(10, 4, rng=numpy.random.default_rng(0))
    >>> table(numpy.array([[1, 2, 1]])).shape
    (1, 3, 4)
    """

    def __init__(self, num_embeddings, dim, *, rng, dtype=numpy.float64):
        check_rng(rng, "Embedding")
        self.num_embeddings, self.dim = int(num_embeddings), int(dim)
        self.w = rng.standard_normal((self.num_embeddings, self.dim)).astype(dtype)

    def __call__(self, indices):
        indices = plain_array(indices)
        if not numpy.issubdtype(indices.dtype, numpy.integer):
            raise TypeError(f"Embedding: indices must be integers, got dtype {indices.dtype}")
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise IndexError(f"Embedding: indices must lie in [0, {self.num_embeddings}), "
                             f"got values from {indices.min()} to {indices.max()}")
        return self.w[indices]

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.dim}"


class Flatten(Module):
    """Axes ``start_dim`` to ``end_dim`` merged into one: by default every axis but the
    first (the batch), so ``(N, C, H, W)`` becomes ``(N, C·H·W)``. No parameters.

    >>> import numpy
    >>> Flatten()(numpy.zeros((2, 3, 4, 5))).shape
    (2, 60)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def __call__(self, x):
        shape = numpy.shape(x)
        ndim = len(shape)
        valid = all(-ndim <= d < ndim for d in (self.start_dim, self.end_dim))
        if not valid or self.start_dim % ndim > self.end_dim % ndim:
            raise ValueError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}): "
                             f"cannot flatten input of shape {shape}")
        start, end = self.start_dim % ndim, self.end_dim % ndim
        merged = int(numpy.prod(shape[start:end + 1]))
        return np.reshape(x, shape[:start] + (merged,) + shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
