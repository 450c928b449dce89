"""Loss functions: how far predictions are from targets, as one number to minimize.

Each loss computes a per-example loss ``ℓᵢ`` and reduces it: ``reduction='mean'`` (the
default) gives ``(1/n) Σᵢ ℓᵢ``, ``'sum'`` gives ``Σᵢ ℓᵢ`` and ``'none'`` the array of
``ℓᵢ``. For elementwise losses (``mse``, ``mae``, ``huber``, the binary cross-entropies)
every entry is an example; for the losses over a class axis (``cross_entropy``, ``nll``,
``kl_div``) the class axis is summed first, so an example is a row.

Predictions and targets must have the same shape (no silent broadcasting of an
``(n, 1)`` prediction against an ``(n,)`` target): a mismatch is a ``ValueError`` naming
both shapes. The losses that take logarithms never take ``log(0)``: from logits they go
through ``log_softmax`` / ``softplus``, and from probabilities they clamp the logarithm
at −100, as PyTorch does.

>>> import nabla
>>> import nabla.numpy as np
>>> logits = np.asarray([[2.0, 0.0, -1.0]])
>>> round(float(cross_entropy(logits, np.asarray([0]))), 6)  # −log softmax(logits)[0]
0.169846
>>> nabla.grad(cross_entropy)(logits, np.asarray([0]))       # softmax − one-hot
array([[-0.15620527,  0.1141952 ,  0.04201007]])
"""

from __future__ import annotations

import math

import numpy

import nabla.numpy as np
from nabla.core import concrete, is_staged
from nabla.nn.activations import log_softmax, softplus
from nabla.numpy._backend import plain_array
from nabla.scipy import special

__all__ = [
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll",
    "kl_div",
]

_REDUCTIONS = ("mean", "sum", "none")
_LOG_FLOOR = -100.0  # PyTorch's clamp of log(p) in binary cross-entropy


def _array(x):
    return x if hasattr(x, "ndim") else np.asarray(x, dtype=float)


def _reduce(losses, reduction, name):
    if reduction == "mean":
        return np.mean(losses)
    if reduction == "sum":
        return np.sum(losses)
    if reduction == "none":
        return losses
    raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, not {reduction!r}")


def _same_shape(a, b, name, a_name="predictions", b_name="targets"):
    a, b = _array(a), _array(b)
    if a.shape != b.shape:
        raise ValueError(f"{name}: {a_name} of shape {a.shape} and {b_name} of shape "
                         f"{b.shape} differ; reshape one of them (losses do not broadcast)")
    return a, b


def mse(predictions, targets, reduction="mean"):
    """Mean squared error: ``ℓᵢ = (ŷᵢ − yᵢ)²``; ``∂ℓᵢ/∂ŷᵢ = 2(ŷᵢ − yᵢ)``.

    >>> float(mse(np.asarray([1.0, 2.0]), np.asarray([0.0, 0.0])))   # (1 + 4)/2
    2.5
    """
    predictions, targets = _same_shape(predictions, targets, "mse")
    return _reduce((predictions - targets) ** 2, reduction, "mse")


def mae(predictions, targets, reduction="mean"):
    """Mean absolute error: ``ℓᵢ = |ŷᵢ − yᵢ|``; derivative ``sign(ŷᵢ − yᵢ)`` (0 at 0).

    >>> float(mae(np.asarray([1.0, -2.0]), np.asarray([0.0, 0.0])))
    1.5
    """
    predictions, targets = _same_shape(predictions, targets, "mae")
    return _reduce(np.abs(predictions - targets), reduction, "mae")


def huber(predictions, targets, delta=1.0, reduction="mean"):
    """Huber loss: with ``d = ŷ − y``, ``ℓ = d²/2`` for ``|d| ≤ δ`` and ``δ(|d| − δ/2)``
    beyond: quadratic near 0, linear (robust to outliers) far away, with a continuous
    derivative ``clip(d, −δ, δ)``. (PyTorch's ``HuberLoss``; ``smooth_l1`` is ``huber/δ``.)

    >>> huber(np.asarray([0.5, 3.0]), np.asarray([0.0, 0.0]), reduction='none')
    array([0.125, 2.5  ])
    """
    if not delta > 0:
        raise ValueError(f"huber: delta must be positive, not {delta}")
    predictions, targets = _same_shape(predictions, targets, "huber")
    d = predictions - targets
    size = np.abs(d)
    losses = np.where(size <= delta, 0.5 * d * d, delta * (size - 0.5 * delta))
    return _reduce(losses, reduction, "huber")


def _clamped_log(p):
    """``max(log p, −100)`` without ever evaluating ``log(0)``; derivative ``1/p`` above
    the floor, 0 below it."""
    above = concrete(p) > math.exp(_LOG_FLOOR)
    return np.where(above, np.log(np.where(above, p, 1)), _LOG_FLOOR)


def binary_cross_entropy(probs, targets, reduction="mean"):
    """Binary cross-entropy of probabilities: ``ℓ = −(y·log p + (1 − y)·log(1 − p))``,
    with each logarithm clamped at −100 (as PyTorch), so ``p = 0`` or 1 gives a finite
    loss. Targets may be soft (any value in [0, 1]). Prefer
    :func:`binary_cross_entropy_with_logits`, which needs no clamp.

    >>> p, y = np.asarray([0.0, 0.5]), np.asarray([1.0, 1.0])
    >>> round(float(binary_cross_entropy(p, y)), 6)   # (100 + log 2)/2
    50.346574
    """
    probs, targets = _same_shape(probs, targets, "binary_cross_entropy", "probs")
    values = concrete(probs)
    if numpy.any((values < 0) | (values > 1)) or numpy.any(numpy.isnan(values)):
        raise ValueError("binary_cross_entropy: probs must lie in [0, 1]; for unbounded "
                         "scores use binary_cross_entropy_with_logits")
    losses = -(targets * _clamped_log(probs) + (1 - targets) * _clamped_log(1 - probs))
    return _reduce(losses, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits, targets, reduction="mean"):
    """Binary cross-entropy of ``p = σ(z)`` computed from the logit ``z``:
    ``ℓ = −(y·log σ(z) + (1 − y)·log σ(−z)) = softplus(z) − y·z``, which never overflows
    (``softplus(1000) = 1000``); ``∂ℓ/∂z = σ(z) − y``.

    >>> binary_cross_entropy_with_logits(np.asarray([1000.0, -1000.0]),
    ...                                  np.asarray([0.0, 0.0]), reduction='none')
    array([1000.,    0.])
    """
    logits, targets = _same_shape(logits, targets, "binary_cross_entropy_with_logits",
                                  "logits")
    return _reduce(softplus(logits) - targets * logits, reduction,
                   "binary_cross_entropy_with_logits")


def _pick(log_probs, labels, axis, name):
    """``log_probs`` at the integer ``labels`` along the class ``axis``, one per example."""
    labels = plain_array(labels)
    axis = axis % log_probs.ndim
    expected = log_probs.shape[:axis] + log_probs.shape[axis + 1:]
    if labels.shape != expected:
        raise ValueError(f"{name}: integer labels of shape {labels.shape} do not fit scores "
                         f"of shape {log_probs.shape} with classes on axis {axis}; expected "
                         f"labels of shape {expected}")
    classes = log_probs.shape[axis]
    # checked when the labels are known (inside jit they are not: an invalid one gives an
    # index error when the program runs)
    if labels.size and not is_staged(labels) and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"{name}: labels must lie in [0, {classes}), got values from "
                         f"{labels.min()} to {labels.max()}")
    index = numpy.expand_dims(labels, axis)
    return np.squeeze(np.take_along_axis(log_probs, index, axis=axis), axis=axis)


def _is_labels(targets):
    return numpy.issubdtype(plain_array(targets).dtype, numpy.integer)


def cross_entropy(logits, targets, axis=-1, reduction="mean"):
    """Cross-entropy of the softmax of ``logits`` (classes along ``axis``, default last)
    against ``targets``, computed with ``log_softmax``, so never ``log(0)`` or overflow:

    * integer class labels (shape of ``logits`` without ``axis``):
      ``ℓ = −log softmax(z)_y = logsumexp(z) − z_y``;
    * class probabilities (shape of ``logits``): ``ℓ = −Σ_c p_c·log softmax(z)_c``.

    Either way ``∂ℓ/∂z = softmax(z) − p`` (``p`` one-hot for labels). The same as
    PyTorch's ``cross_entropy`` with classes on axis 1 when ``axis=1``.

    >>> float(cross_entropy(np.asarray([[1e4, 0.0]]), np.asarray([1])))   # logsumexp − 0
    10000.0
    """
    logits = _array(logits)
    log_probs = log_softmax(logits, axis=axis)
    if _is_labels(targets):
        losses = -_pick(log_probs, targets, axis, "cross_entropy")
    else:
        log_probs, targets = _same_shape(log_probs, targets, "cross_entropy", "logits",
                                         "target probabilities")
        losses = -np.sum(targets * log_probs, axis=axis)
    return _reduce(losses, reduction, "cross_entropy")


def nll(log_probs, labels, axis=-1, reduction="mean"):
    """Negative log-likelihood of integer ``labels`` under ``log_probs`` (log-probabilities,
    classes along ``axis``): ``ℓ = −log_probs[y]``. ``nll(log_softmax(z), y)`` is
    ``cross_entropy(z, y)``. (PyTorch's ``nll_loss`` with ``axis=1``.)

    >>> float(nll(np.log(np.asarray([[0.25, 0.75]])), np.asarray([1])))   # −log 0.75
    0.2876820724517809
    """
    log_probs = _array(log_probs)
    if not _is_labels(labels):
        raise TypeError("nll: labels must be integer class indices; for class "
                        "probabilities use cross_entropy")
    return _reduce(-_pick(log_probs, labels, axis, "nll"), reduction, "nll")


def kl_div(log_q, p, axis=-1, reduction="mean"):
    """Kullback–Leibler divergence ``KL(p ‖ q) = Σ_c p_c·(log p_c − log q_c)`` along
    ``axis``, with PyTorch's argument convention: the *input* ``log_q`` holds
    log-probabilities (e.g. from ``log_softmax``), the *target* ``p`` plain probabilities;
    terms with ``p_c = 0`` are 0. ``∂KL/∂log q = −p``.

    The divergence is a sum over classes per example, so ``'mean'`` averages it over the
    examples: PyTorch's ``reduction='batchmean'`` (its own ``'mean'`` divides by the number
    of classes too, which is not the divergence); ``'sum'`` is PyTorch's ``'sum'``.

    >>> p = np.asarray([[0.5, 0.5, 0.0]])
    >>> float(kl_div(np.log(np.asarray([[0.25, 0.5, 0.25]])), p))   # ½ log 2
    0.34657359027997264
    """
    log_q, p = _same_shape(log_q, p, "kl_div", "log_q", "p")
    losses = np.sum(special.xlogy(p, p) - p * log_q, axis=axis)
    return _reduce(losses, reduction, "kl_div")
