"""Metrics: how good a model's predictions are, as ``sklearn.metrics`` measures them.

Each function takes the true targets first and the predictions second, as plain arrays,
and returns a Python float; each equals its ``sklearn.metrics`` counterpart (the tests
check this on random inputs), with an optional ``sample_weight`` ``wᵢ`` (all ones when
omitted) that weighs every average ``Σᵢ wᵢ·(…)ᵢ / Σᵢ wᵢ``:

==============  ====================================  ==========================
function        formula                               ``sklearn.metrics``
==============  ====================================  ==========================
:func:`accuracy`  mean of ``[ŷᵢ = yᵢ]``               ``accuracy_score``
:func:`log_loss`  mean of ``−log pᵢ(yᵢ)``              ``log_loss``
:func:`mse`       mean of ``(yᵢ − ŷᵢ)²``               ``mean_squared_error``
:func:`r2`        ``1 − Σ(yᵢ − ŷᵢ)² / Σ(yᵢ − ȳ)²``      ``r2_score``
==============  ====================================  ==========================

Metrics are for reporting, not for training: they are computed with plain NumPy (accuracy
is not differentiable anyway). The differentiable losses live in ``nabla.nn.losses``.

>>> import numpy as np
>>> from nabla.nn import metrics
>>> metrics.accuracy([0, 1, 1], np.array([[2.0, -1.0], [0.5, 0.1], [0.0, 3.0]]))
0.6666666666666666
"""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "log_loss", "mse", "r2"]


# --------------------------------------------------------------------------------------
# Checks shared by the metrics
# --------------------------------------------------------------------------------------


def _array(x, name, where):
    try:
        a = np.asarray(x)
    except Exception as error:  # ragged lists and the like
        raise ValueError(f"{where}: {name} must be an array, got {type(x).__name__}: "
                         f"{error}") from error
    if a.dtype == object:
        raise TypeError(f"{where}: {name} must be a numeric array, got an object array")
    if a.ndim == 0:
        raise ValueError(f"{where}: {name} must have a sample dimension, got a scalar")
    return a


def _weights(sample_weight, n, where):
    """The sample weights as a float array of length ``n`` (ones when None)."""
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"{where}: sample_weight must have shape ({n},), one weight per "
                         f"sample, got {w.shape}")
    if np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise ValueError(f"{where}: sample_weight must be finite, non-negative and not all "
                         f"zero")
    return w


def _same_length(y_true, y_pred, where):
    if len(y_true) != len(y_pred):
        raise ValueError(f"{where}: y_true has {len(y_true)} samples but the predictions "
                         f"have {len(y_pred)}")


def _regression_pair(y_true, y_pred, where):
    """Targets and predictions as ``(n, outputs)`` float arrays of the same shape.

    A vector and a column of the same length are accepted together (as scikit-learn
    does); any other difference of shape is an error, never a silent broadcast (``(n,)``
    minus ``(n, 1)`` would give an ``n × n`` matrix).
    """
    t = _array(y_true, "y_true", where).astype(float)
    p = _array(y_pred, "y_pred", where).astype(float)
    _same_length(t, p, where)
    t = t.reshape(len(t), -1)
    p = p.reshape(len(p), -1)
    if t.shape != p.shape:
        raise ValueError(f"{where}: y_true and y_pred must have the same shape, got "
                         f"{np.shape(y_true)} and {np.shape(y_pred)}")
    return t, p


# --------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------


def _is_integral(a):
    return (np.issubdtype(a.dtype, np.integer) or a.dtype == bool
            or not np.issubdtype(a.dtype, np.number)
            or bool(np.all(np.isfinite(a)) and np.all(a == np.round(a))))


def accuracy(y_true, y_pred, *, sample_weight=None) -> float:
    """The fraction of samples classified correctly: ``(1/n) Σᵢ [ŷᵢ = yᵢ]``.

    ``y_pred`` is either the predicted labels, shaped like ``y_true``, or one score per
    class, shaped ``y_true.shape + (k,)`` (logits or probabilities): then the predicted
    label is the index of the largest score, ``ŷᵢ = argmax_c sᵢc``, and ``y_true`` holds
    class indices ``0 … k−1``. For label matrices (one row of labels per sample, as in
    multilabel problems) a sample counts as correct when its whole row is, as in
    ``sklearn.metrics.accuracy_score``. Predictions that are neither (such as one
    probability per sample for a binary problem) are refused: threshold them first,
    ``p > 0.5``.

    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    where = "accuracy"
    t = _array(y_true, "y_true", where)
    p = _array(y_pred, "y_pred", where)
    _same_length(t, p, where)
    if p.ndim == t.ndim + 1:
        if p.shape[:-1] != t.shape:
            raise ValueError(f"{where}: class scores y_pred of shape {p.shape} do not fit "
                             f"y_true of shape {t.shape}")
        p = np.argmax(p, axis=-1)
    elif p.shape != t.shape:
        raise ValueError(f"{where}: y_pred must hold labels shaped like y_true {t.shape}, or "
                         f"class scores of shape {t.shape + ('k',)}; got {p.shape}")
    elif not _is_integral(p):
        raise ValueError(f"{where}: y_pred holds continuous values, not labels; threshold "
                         f"probabilities (p > 0.5) or logits (z > 0) first, or pass one score "
                         f"per class")
    correct = (t == p).reshape(len(t), -1).all(axis=1)
    w = _weights(sample_weight, len(t), where)
    return float(np.sum(w * correct) / np.sum(w))


def _one_hot(t, labels, k, where):
    """``y_true`` as an ``(n, k)`` indicator matrix over the sorted classes."""
    classes = np.unique(t) if labels is None else np.asarray(labels)
    if labels is not None and not np.all(np.isin(t, classes)):
        missing = np.setdiff1d(t, classes)
        raise ValueError(f"{where}: y_true has labels {missing.tolist()} that are not in "
                         f"labels={classes.tolist()}")
    if len(classes) != k:
        hint = "" if labels is not None else (
            f"; if some classes are missing from y_true, pass labels=range({k})")
        raise ValueError(f"{where}: y_true has {len(classes)} classes {classes.tolist()} but "
                         f"y_prob gives probabilities for {k}{hint}")
    if k < 2:
        raise ValueError(f"{where}: needs at least two classes, got {classes.tolist()}; "
                         f"pass labels= to name them")
    order = np.sort(classes)
    return (t[:, None] == order[None, :]).astype(float)


def log_loss(y_true, y_prob, *, labels=None, sample_weight=None) -> float:
    """The cross-entropy of predicted probabilities: ``−(1/n) Σᵢ log pᵢ(yᵢ)``.

    ``y_prob`` is ``(n, k)``, the probability of each class (in the sorted order of the
    class labels, as ``predict_proba`` gives them), or ``(n,)``, the probability of the
    positive class of a binary problem (``p(0) = 1 − p``). The classes are those found
    in ``y_true`` unless ``labels`` lists them; ``y_true`` may also be an ``(n, k)``
    matrix of indicators (or of target probabilities, ``−(1/n) Σᵢ Σ_c yᵢc log pᵢc``).
    Probabilities are clipped to ``[ε, 1 − ε]`` with ``ε`` the machine epsilon of their
    dtype, so a confident mistake costs ``−log ε ≈ 36`` instead of infinity; as in
    scikit-learn, rows that do not sum to one are not renormalized.

    >>> round(log_loss([1, 0], [0.9, 0.2]), 6)   # −(log 0.9 + log 0.8) / 2
    0.164252
    """
    where = "log_loss"
    t = _array(y_true, "y_true", where)
    p = _array(y_prob, "y_prob", where)
    _same_length(t, p, where)
    if not np.issubdtype(p.dtype, np.floating):
        p = p.astype(float)
    if p.size and (np.nanmax(p) > 1 or np.nanmin(p) < 0 or np.isnan(p).any()):
        raise ValueError(f"{where}: y_prob must hold probabilities in [0, 1], got values in "
                         f"[{np.nanmin(p)}, {np.nanmax(p)}] (apply softmax or sigmoid to "
                         f"logits first)")
    if p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2:
        raise ValueError(f"{where}: y_prob must have shape (n,) or (n, k), got {p.shape}")
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)
    k = p.shape[1]
    if t.ndim == 2 and t.shape == p.shape:
        target = t.astype(float)
    elif t.ndim == 1:
        target = _one_hot(t, labels, k, where)
    else:
        raise ValueError(f"{where}: y_true must be labels of shape (n,) or indicators of "
                         f"shape {p.shape}, got {t.shape}")
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    per_sample = -np.sum(np.where(target == 0, 0.0, target * np.log(p)), axis=1)
    w = _weights(sample_weight, len(t), where)
    return float(np.sum(w * per_sample) / np.sum(w))


# --------------------------------------------------------------------------------------
# Regression
# --------------------------------------------------------------------------------------


def mse(y_true, y_pred, *, sample_weight=None) -> float:
    """The mean squared error ``(1/n) Σᵢ (yᵢ − ŷᵢ)²``, averaged over outputs too.

    ``y_true`` and ``y_pred`` have the same shape, ``(n,)`` or ``(n, outputs)`` (a vector
    and a one-column matrix may be mixed).

    >>> mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    """
    t, p = _regression_pair(y_true, y_pred, "mse")
    w = _weights(sample_weight, len(t), "mse")
    return float(np.mean(w @ (t - p) ** 2 / np.sum(w)))


def r2(y_true, y_pred, *, sample_weight=None) -> float:
    """The coefficient of determination ``R² = 1 − Σᵢ (yᵢ − ŷᵢ)² / Σᵢ (yᵢ − ȳ)²``.

    1 for perfect predictions, 0 for always predicting the mean ``ȳ``, negative for
    worse. With several outputs, the R² of each is averaged. As in scikit-learn, an
    output whose targets are all equal (``Σ(yᵢ − ȳ)² = 0``) scores 1 if it is predicted
    exactly and 0 otherwise. Needs at least two samples.

    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    0.5
    """
    t, p = _regression_pair(y_true, y_pred, "r2")
    if len(t) < 2:
        raise ValueError(f"r2: needs at least two samples, got {len(t)}")
    w = _weights(sample_weight, len(t), "r2")
    mean = w @ t / np.sum(w)
    residual = w @ (t - p) ** 2
    total = w @ (t - mean) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1.0),
                          np.where(residual == 0, 1.0, 0.0))
    return float(np.mean(scores))
