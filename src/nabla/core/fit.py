"""Matching derivatives to the values they belong to.

Rules are written as if no broadcasting happened. When ``x`` of shape (3, 1) meets ``y``
of shape (1, 4), the cotangent of ``x`` that comes out of ``multiply``'s rule has shape
(3, 4); it is summed back down to (3, 1) here, because each entry of ``x`` contributed to
a whole row of the result. In forward mode a tangent is broadcast up to the result's shape.
Both are cast to the dtype of the value they belong to, so float32 stays float32.

These are NumPy calls on existing arrays: on plain arrays they are NumPy, on tracers (when
differentiating a derivative) they dispatch to nabla's differentiable versions.
"""

from __future__ import annotations

import math

import numpy as np


def sum_to_shape(c, shape):
    """Sum ``c`` over the axes that broadcasting added or stretched, giving ``shape``."""
    lead = c.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and c.shape[lead + i] != 1
    )
    if axes:
        c = np.sum(c, axis=axes)
    if c.shape != shape:
        c = np.reshape(c, shape) if c.size == math.prod(shape) else np.broadcast_to(c, shape)
    return c


def fit_cotangent(c, like):
    """``c`` summed to the shape of ``like`` and cast to its dtype."""
    if c.shape != like.shape:
        c = sum_to_shape(c, like.shape)
    if c.dtype != like.dtype:
        c = c.astype(like.dtype)
    return c


def fit_tangent(t, like):
    """``t`` broadcast to the shape of ``like`` and cast to its dtype."""
    if t.shape != like.shape:
        t = np.broadcast_to(t, like.shape)
    if t.dtype != like.dtype:
        t = t.astype(like.dtype)
    return t
