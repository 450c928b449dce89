"""scikit-learn's bundled data sets, split into training and test sets.

The five small data sets that scikit-learn installs with itself (read from files in its
package, never downloaded):

==================  ======  ========  ==================================================
name                n       features  target
==================  ======  ========  ==================================================
``'digits'``        1797    64        the digit 0–9 in an 8 × 8 image (pixels 0–16)
``'iris'``          150     4         one of 3 species of iris
``'breast_cancer'`` 569     30        malignant (0) or benign (1)
``'diabetes'``      442     10        disease progression after a year (a real number)
``'wine'``          178     13        one of 3 cultivars
==================  ======  ========  ==================================================

:func:`load` (or the function of each name) shuffles the samples with ``seed``, keeps
``test_size`` of them for testing (for the classification sets in the proportions of
the classes, *stratified*), and can standardize the features with the mean and standard
deviation of the training set alone (``x ← (x − μ_train)/σ_train``; the test set must not
leak into the model). It returns a :class:`Split`, which unpacks as scikit-learn's
``train_test_split`` does.

>>> from nabla.datasets import load
>>> X_train, X_test, y_train, y_test = load('iris', test_size=0.2, seed=0)
>>> X_train.shape, X_test.shape
((120, 4), (30, 4))
"""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

__all__ = ["NAMES", "Split", "breast_cancer", "diabetes", "digits", "iris", "load", "wine"]

# name -> (scikit-learn loader, task)
_LOADERS = {
    "digits": ("load_digits", "classification"),
    "iris": ("load_iris", "classification"),
    "breast_cancer": ("load_breast_cancer", "classification"),
    "diabetes": ("load_diabetes", "regression"),
    "wine": ("load_wine", "classification"),
}
NAMES = tuple(_LOADERS)


@dataclasses.dataclass(frozen=True, eq=False)
class Split:
    """A data set split into training and test sets.

    ``X_train``, ``X_test`` (samples × features, float64), ``y_train``, ``y_test`` (int
    class labels, or float targets for regression); ``feature_names``, ``target_names``
    (the class names; None for regression), ``name``, ``task`` (``'classification'`` or
    ``'regression'``), and with ``standardize=True`` the ``mean`` and ``scale`` the
    features were standardized with (None otherwise). It unpacks as
    ``X_train, X_test, y_train, y_test``.

    >>> split = load('wine', seed=1)
    >>> split
    Split('wine': 133 train, 45 test, 13 features, 3 classes)
    >>> X_train, X_test, y_train, y_test = split
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple
    target_names: tuple | None
    name: str
    task: str
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None

    def __iter__(self):
        return iter((self.X_train, self.X_test, self.y_train, self.y_test))

    def __repr__(self):
        target = ("a real target" if self.target_names is None
                  else f"{len(self.target_names)} classes")
        return (f"Split({self.name!r}: {len(self.X_train)} train, {len(self.X_test)} test, "
                f"{self.X_train.shape[1]} features, {target})")


def _test_count(test_size, n, name):
    """The number of test samples: ``⌈test_size·n⌉`` for a fraction, or the count given."""
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        count = int(test_size)
    elif isinstance(test_size, numbers.Real) and not isinstance(test_size, bool) \
            and 0 < test_size < 1:
        count = math.ceil(float(test_size) * n)
    else:
        count = -1
    if not 1 <= count <= n - 1:
        raise ValueError(f"load({name!r}): test_size must be a fraction strictly between 0 "
                         f"and 1, or a number of samples from 1 to {n - 1} (the data has "
                         f"{n} samples); got {test_size!r}")
    return count


def _stratified(y, count, rng):
    """Test indices: ``count`` samples, each class's share by largest remainders."""
    classes, counts = np.unique(y, return_counts=True)
    quotas = count * counts / len(y)
    shares = np.floor(quotas).astype(int)
    extra = np.argsort(-(quotas - shares), kind="stable")[:count - shares.sum()]
    shares[extra] += 1
    chosen = [rng.permutation(np.flatnonzero(y == c))[:k] for c, k in zip(classes, shares)]
    return rng.permutation(np.concatenate(chosen))


def split_indices(y, test_size, seed, stratify, name="data"):
    """``(train, test)``: the indices of the samples of each set, shuffled by ``seed``.

    >>> train, test = split_indices(np.array([0, 0, 0, 1, 1, 1]), 2, 0, stratify=True)
    >>> sorted(np.array([0, 0, 0, 1, 1, 1])[test].tolist())     # one of each class
    [0, 1]
    """
    n = len(y)
    count = _test_count(test_size, n, name)
    rng = np.random.default_rng(seed)
    test = _stratified(y, count, rng) if stratify else rng.permutation(n)[:count]
    mask = np.ones(n, dtype=bool)
    mask[test] = False
    return rng.permutation(np.flatnonzero(mask)), test


def load(name, *, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The bundled data set ``name`` (module table) as a :class:`Split`.

    ``test_size``: the fraction (``⌈test_size·n⌉`` samples) or the number of samples
    held out for testing; ``seed``: an int (or a ``numpy.random.Generator``) that
    decides the shuffle — the same seed, the same split; ``standardize``: scale each
    feature to mean 0 and standard deviation 1 on the training set (features constant
    there are only centered); ``stratify``: keep the class proportions in both sets
    (default: True for classification, False for regression).

    >>> split = load('breast_cancer', standardize=True, seed=0)
    >>> bool(abs(split.X_train.mean()) < 1e-12), split.target_names
    (True, ('malignant', 'benign'))
    """
    if name not in _LOADERS:
        raise ValueError(f"load: unknown data set {name!r}; the bundled ones are "
                         + ", ".join(repr(n) for n in NAMES)
                         + " (see also nabla.datasets.noisy_line, moons, spirals, blobs)")
    try:
        import sklearn.datasets
    except ImportError as error:  # pragma: no cover - the ml extra is not installed
        raise ImportError(f"load({name!r}) reads scikit-learn's bundled data: "
                          "pip install nabla[ml]") from error
    loader, task = _LOADERS[name]
    bunch = getattr(sklearn.datasets, loader)()
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.int64 if task == "classification" else np.float64)
    if stratify is None:
        stratify = task == "classification"
    train, test = split_indices(y, test_size, seed, stratify, name)
    X_train, X_test = X[train], X[test]
    mean = scale = None
    if standardize:
        mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        X_train, X_test = (X_train - mean) / scale, (X_test - mean) / scale
    target_names = (tuple(str(t) for t in bunch.target_names)
                    if task == "classification" else None)
    return Split(X_train, X_test, y[train], y[test], tuple(bunch.feature_names),
                 target_names, name, task, mean, scale)


def digits(*, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The 'digits' data set: 8 × 8 images of handwritten digits (pixels 0–16); the
    class is the digit. See :func:`load`.

    >>> digits(seed=0)
    Split('digits': 1347 train, 450 test, 64 features, 10 classes)
    """
    return load('digits', test_size=test_size, seed=seed, standardize=standardize,
                stratify=stratify)


def iris(*, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The 'iris' data set: four measurements of 150 irises; the class is the species
    (3). See :func:`load`.

    >>> iris(seed=0)
    Split('iris': 112 train, 38 test, 4 features, 3 classes)
    """
    return load('iris', test_size=test_size, seed=seed, standardize=standardize,
                stratify=stratify)


def breast_cancer(*, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The 'breast_cancer' data set: 30 features of cell nuclei from breast masses;
    malignant (0) or benign (1). See :func:`load`.

    >>> breast_cancer(seed=0)
    Split('breast_cancer': 426 train, 143 test, 30 features, 2 classes)
    """
    return load('breast_cancer', test_size=test_size, seed=seed, standardize=standardize,
                stratify=stratify)


def diabetes(*, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The 'diabetes' data set: ten baseline variables of 442 patients; the target is
    disease progression a year later. See :func:`load`.

    >>> diabetes(seed=0)
    Split('diabetes': 331 train, 111 test, 10 features, a real target)
    """
    return load('diabetes', test_size=test_size, seed=seed, standardize=standardize,
                stratify=stratify)


def wine(*, test_size=0.25, seed=0, standardize=False, stratify=None):
    """The 'wine' data set: 13 chemical measurements of 178 wines; the class is the
    cultivar (3). See :func:`load`.

    >>> wine(seed=0)
    Split('wine': 133 train, 45 test, 13 features, 3 classes)
    """
    return load('wine', test_size=test_size, seed=seed, standardize=standardize,
                stratify=stratify)
