"""Gradient clipping on pytrees: bound the global norm, or every entry.

Clipping keeps one bad batch from throwing the parameters far away. By global norm, the
whole gradient is rescaled (its direction kept), as ``torch.nn.utils.clip_grad_norm_``;
by value, each entry is cut to ``[-limit, limit]``, as ``torch.nn.utils.clip_grad_value_``.

>>> from nabla.optim import clipping
>>> clipping.clip_by_global_norm({'a': 6.0, 'b': 8.0}, max_norm=5.0)
{'a': 3.0, 'b': 4.0}
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from nabla import tree

__all__ = ["clip_by_global_norm", "clip_by_value", "global_norm"]


def _check_positive(x, name):
    if not isinstance(x, numbers.Real) or isinstance(x, bool) or not x > 0:
        raise ValueError(f"{name} must be a number > 0, got {x!r}")
    return float(x)


def global_norm(grads: Any) -> float:
    """The Euclidean norm of all leaves together: ``‖g‖ = √(Σ_leaves Σ_entries g²)``.

    Accumulated in float64, whatever the leaves' dtype.

    >>> import numpy as np
    >>> global_norm({'w': np.asarray([3.0, 0.0]), 'b': 4.0})
    5.0
    """
    return float(_norm(grads))


def _norm(grads):
    """:func:`global_norm` as a float64 scalar on the gradients' backend (a 0-d CuPy array
    for gradients on the GPU): nothing is copied to the host."""
    return np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in tree.leaves(grads)))


def clip_by_global_norm(grads: Any, max_norm: float) -> Any:
    """Rescale ``grads`` so that its global norm is at most ``max_norm``.

    ``g ← g · min(1, max_norm / ‖g‖)``: unchanged when ``‖g‖ ≤ max_norm``, otherwise the
    same direction with norm exactly ``max_norm``. Dtypes are kept.

    >>> import numpy as np
    >>> clip_by_global_norm([np.asarray([6.0, 8.0], dtype=np.float32)], max_norm=5.0)
    [array([3., 4.], dtype=float32)]
    """
    max_norm = _check_positive(max_norm, "max_norm")
    norm = _norm(grads)
    if not norm > max_norm:  # also leaves NaN gradients as they are, so divergence shows
        return grads
    scale = max_norm / norm
    return tree.map(lambda g: _scaled(g, scale), grads)


def _scaled(g, scale):
    """``g·scale`` in the dtype of ``g`` (float32 stays float32, a Python float a float)."""
    return g * scale.astype(g.dtype) if hasattr(g, "dtype") else type(g)(g * scale)


def clip_by_value(grads: Any, limit: float) -> Any:
    """Cut every entry of ``grads`` to ``[-limit, limit]``: ``g ← max(−limit, min(g, limit))``.

    >>> import numpy as np
    >>> clip_by_value({'w': np.asarray([-3.0, 0.5, 2.0])}, limit=1.0)
    {'w': array([-1. ,  0.5,  1. ])}
    """
    limit = _check_positive(limit, "limit")
    return tree.map(lambda g: np.clip(g, -limit, limit), grads)
