"""What every estimator of :mod:`nabla.models` shares: scikit-learn's estimator protocol,
checks of the data and of the hyperparameters, and randomness made explicit.

The estimators are scikit-learn estimators (they derive from ``sklearn.base.BaseEstimator``),
so they work in pipelines, grid searches and cross-validation. scikit-learn is the ``ml``
extra; without it, importing :mod:`nabla.models` raises an ``ImportError`` that says to
``pip install nabla[ml]``.

Conventions (scikit-learn's):

- hyperparameters are stored by ``__init__`` unchanged and checked by ``fit``;
- what ``fit`` learns ends in ``_`` (``coef_``, ``classes_``, ``n_features_in_``,
  ``n_iter_``, …); calling ``predict`` before ``fit`` raises
  ``sklearn.exceptions.NotFittedError``;
- data are checked by ``sklearn.utils.validation``: X must be a finite 2-D numeric array
  (or a list or DataFrame of one), y as long as X, and ``predict`` needs the number of
  features seen in ``fit``;
- an iterative solver that stops at ``max_iter`` before meeting ``tol`` warns with
  ``sklearn.exceptions.ConvergenceWarning`` and keeps its last iterate.

**Dask arrays.** :class:`~nabla.models.LinearRegression`, :class:`~nabla.models.Ridge`
and :class:`~nabla.models.LogisticRegression` also fit on Dask arrays X and y (the
``distributed`` extra), as dask-ml's estimators do: the data stay in their row blocks on
the workers and every loss, gradient and Hessian is summed over the blocks by
:mod:`nabla.distributed`. :func:`validate_blocks` checks them as :func:`validate_data`
checks arrays in memory, block by block (a block with NaN or infinity is named), and
``predict`` on a Dask X gives a Dask array, computed block by block (:func:`blockwise`).

>>> from nabla.models.base import generator
>>> generator(0).integers(10, size=3)       # random_state=0 is a seed
array([8, 6, 5])
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from nabla.distributed import align, check_finite, is_dask, map_reduce

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_array, check_is_fitted
except ImportError as error:  # pragma: no cover - the ml extra is not installed
    raise ImportError("nabla.models needs scikit-learn, the 'ml' extra: "
                      "pip install nabla[ml]") from error

try:
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - scikit-learn < 1.6
    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "blockwise",
    "ConvergenceWarning",
    "NotFittedError",
    "RegressorMixin",
    "check_choice",
    "check_classes",
    "check_is_fitted",
    "check_learning_rate",
    "check_number",
    "check_sample_weight",
    "converged_or_warn",
    "generator",
    "is_dask",
    "second_moment",
    "validate_blocks",
    "validate_data",
]


def validate_data(estimator, X, y="no_validation", *, reset=True, **kwargs):
    """X (and y) checked as scikit-learn does, as float64 arrays.

    ``reset=True`` (in ``fit``) records ``n_features_in_`` (and ``feature_names_in_`` for a
    DataFrame); ``reset=False`` (in ``predict``) checks X against them. Sparse matrices,
    complex numbers, NaN and infinity, empty arrays and 1-D X are refused with
    scikit-learn's messages.

    >>> from nabla.models import LinearRegression
    >>> validate_data(LinearRegression(), [[1, 2], [3, 4]], [0, 1])[0].dtype
    dtype('float64')
    """
    kwargs.setdefault("dtype", np.float64)
    if isinstance(y, str) and y == "no_validation":
        return _validate_data(estimator, X, reset=reset, **kwargs)
    kwargs.setdefault("y_numeric", False)
    return _validate_data(estimator, X, y, reset=reset, **kwargs)


def validate_blocks(estimator, X, y, *, y_numeric=False):
    """Dask arrays ``X`` (n × d) and ``y`` (n labels or values) checked block by block, as
    :func:`validate_data` checks them in memory: X as float64, y as given.

    X must be 2-D with at least one row and one feature, numeric (not complex), and y 1-D
    (an n × 1 column is raveled) with X's row chunks (:func:`nabla.distributed.align`;
    chunks along the features are merged). One pass over the data checks every block of
    X (and of a numeric y) for NaN and infinity and names the first bad block. Sets
    ``n_features_in_``. A check that fails raises ``ValueError``, one of mixed Dask and
    in-memory data ``TypeError``.

    >>> import dask.array as da
    >>> from nabla.models import LinearRegression
    >>> X, y = validate_blocks(LinearRegression(), da.ones((4, 2), chunks=2),
    ...                        da.ones(4, chunks=2))
    >>> X.dtype, X.chunks
    (dtype('float64'), ((2, 2), (2,)))
    """
    name = type(estimator).__name__
    if not (is_dask(X) and is_dask(y)):
        raise TypeError(f"{name}: X and y must both be Dask arrays or both in memory; got "
                        f"{type(X).__name__} and {type(y).__name__}: convert with "
                        "dask.array.from_array(a, chunks=X.chunks[0]) or a.compute()")
    if X.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D Dask array X (samples × features), got "
                         f"{X.ndim} dimensions, shape {X.shape}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name}: y must be 1-D (one target per sample), got shape {y.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name}: X of shape {X.shape} is empty; it needs at least one "
                         "sample and one feature")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool) or np.issubdtype(
            X.dtype, np.complexfloating):
        raise ValueError(f"{name}: X must hold real numbers, got dtype {X.dtype}")
    X, y = align(X, y, names=("X", "y"))
    numeric_y = np.issubdtype(y.dtype, np.number)
    if y_numeric and not numeric_y:
        raise ValueError(f"{name}: y must hold numbers, got dtype {y.dtype}")
    check_finite(X, *([y] if numeric_y else []), names=("X", "y"))
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    estimator.n_features_in_ = X.shape[1]
    return X.astype(np.float64), y


def second_moment(X, s=1.0):
    """``XᵀŜX/n``, Ŝ the diagonal of the sample weights ``s`` (a vector, or one number
    for all): for a Dask array X (``s`` a number), summed over the blocks on the workers.

    >>> second_moment(np.array([[1.0, 0.0], [1.0, 2.0]]))
    array([[1., 1.],
           [1., 2.]])
    """
    if is_dask(X):
        return map_reduce(lambda _, block: block.T @ block, None, X) * s / X.shape[0]
    return X.T @ (np.reshape(s, (-1, 1)) * X) / len(X)


def blockwise(method, X, width=None, dtype=np.float64):
    """``method(X)`` for an in-memory X; for a Dask X, the lazy Dask array of ``method``
    applied to each row block: 1-D results, or ``width`` columns when given.

    >>> import dask.array as da
    >>> blockwise(lambda X: X.sum(axis=1), da.ones((5, 3), chunks=2)).compute()
    array([3., 3., 3., 3., 3.])
    """
    if not is_dask(X):
        return method(X)
    X = X.rechunk({1: -1})
    if width is None:
        return X.map_blocks(method, drop_axis=1, dtype=dtype)
    return X.map_blocks(method, chunks=(X.chunks[0], (width,)), dtype=dtype)


def check_sample_weight(sample_weight, n_samples):
    """``sample_weight`` as a float64 vector of ``n_samples`` weights ``sᵢ ≥ 0``, not all 0.

    ``None`` means every weight is 1; a number gives every sample that weight.

    >>> check_sample_weight(None, 3)
    array([1., 1., 1.])
    >>> check_sample_weight([1, -1], 2)
    Traceback (most recent call last):
    ...
    ValueError: Negative values in data passed to sample_weight: every weight must be >= 0
    """
    if sample_weight is None:
        return np.ones(n_samples)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, float(sample_weight))
    weights = check_array(sample_weight, ensure_2d=False, dtype=np.float64,
                          input_name="sample_weight")
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight.shape == {weights.shape}, expected "
                         f"{(n_samples,)}: one weight per sample")
    if np.any(weights < 0):
        raise ValueError("Negative values in data passed to sample_weight: every weight "
                         "must be >= 0")
    if not np.any(weights > 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return weights


def check_classes(estimator, y):
    """``(classes_, codes)``: the sorted labels of ``y`` and each sample's index among them.

    The labels must be classes (integers, strings, …; not continuous values, which raise
    scikit-learn's ``Unknown label type`` error) and there must be at least two.

    >>> from nabla.models import LogisticRegression
    >>> check_classes(LogisticRegression(), ['b', 'a', 'b'])
    (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
    """
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"{type(estimator).__name__} needs samples of at least 2 classes "
                         f"in the data, but the data contains only one class: "
                         f"{np.asarray(classes[0]).tolist()!r}")
    return classes, codes.reshape(-1)


def check_choice(estimator, name, value, choices):
    """``value`` when it is one of ``choices``; otherwise a ValueError naming them.

    >>> from nabla.models import Ridge
    >>> check_choice(Ridge(), 'solver', 'qr', ('normal', 'gd'))
    Traceback (most recent call last):
    ...
    ValueError: Ridge: solver must be one of 'normal', 'gd'; got 'qr'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{type(estimator).__name__}: {name} must be one of "
                         + ", ".join(repr(c) for c in choices) + f"; got {value!r}")
    return value


def check_number(estimator, name, value, *, low=None, high=None, strict=False,
                 integer=False, allow_inf=False):
    """``value`` as a float (or an int with ``integer=True``) inside the bounds given.

    ``low`` is exclusive with ``strict=True`` and inclusive otherwise; ``high`` is
    inclusive.

    >>> from nabla.models import Ridge
    >>> check_number(Ridge(), 'alpha', -1.0, low=0)
    Traceback (most recent call last):
    ...
    ValueError: Ridge: alpha must be a number >= 0; got -1.0
    """
    kind = "an integer" if integer else "a number"
    bound = ("" if low is None else f" {'>' if strict else '>='} {low}") + (
        "" if high is None else f"{' and' if low is not None else ''} <= {high}")
    wrong = ValueError(f"{type(estimator).__name__}: {name} must be {kind}{bound}; "
                       f"got {value!r}")
    wanted = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, wanted):
        raise wrong
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise wrong
    if low is not None and (value <= low if strict else value < low):
        raise wrong
    if high is not None and value > high:
        raise wrong
    return int(value) if integer else float(value)


def check_learning_rate(estimator, value):
    """``'auto'``, or a step size ``> 0`` as a float; otherwise a ValueError.

    >>> from nabla.models import LinearRegression
    >>> check_learning_rate(LinearRegression(), 'fast')
    Traceback (most recent call last):
    ...
    ValueError: LinearRegression: learning_rate must be 'auto' or a number > 0; got 'fast'
    """
    if isinstance(value, str) and value == "auto":
        return value
    try:
        return check_number(estimator, "learning_rate", value, low=0, strict=True)
    except ValueError:
        raise ValueError(f"{type(estimator).__name__}: learning_rate must be 'auto' or a "
                         f"number > 0; got {value!r}") from None


def generator(random_state):
    """A ``numpy.random.Generator`` from scikit-learn's ``random_state``.

    An int seeds a new generator (the same seed, the same draws); a Generator is used as
    it is; a legacy ``RandomState`` seeds one from its next draw; ``None`` takes fresh
    entropy from the operating system (a different result each fit).

    >>> generator(np.random.default_rng(1)).random() == np.random.default_rng(1).random()
    True
    """
    if random_state is None or isinstance(random_state, numbers.Integral):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(f"random_state must be None, an int, a numpy.random.Generator or a "
                     f"numpy.random.RandomState; got {random_state!r}")


def converged_or_warn(estimator, result, note=""):
    """Warn with ``ConvergenceWarning`` when ``result`` (an ``OptimizeResult``) did not
    converge; the message is the optimizer's, which says why and what to change, and then
    ``note``.

    >>> from nabla.optim import OptimizeResult
    >>> from nabla.models import LogisticRegression
    >>> converged_or_warn(LogisticRegression(), OptimizeResult(x=0.0, success=True))
    True
    """
    if result.success:
        return True
    warnings.warn(f"{type(estimator).__name__} did not converge: {result.message}{note}",
                  ConvergenceWarning, stacklevel=3)
    return False
