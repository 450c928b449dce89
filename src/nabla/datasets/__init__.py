"""Layer 6: data to learn from, with nothing downloaded.

- scikit-learn's bundled data sets, split (and optionally standardized) into training and
  test sets: :func:`load` and :func:`digits`, :func:`iris`, :func:`breast_cancer`,
  :func:`diabetes`, :func:`wine`, each returning a :class:`Split`
  (:mod:`nabla.datasets.bundled`; these need the ``ml`` extra);
- synthetic sets generated from a seed: :func:`noisy_line`, :func:`moons`,
  :func:`spirals`, :func:`blobs` (:mod:`nabla.datasets.synthetic`).

>>> from nabla.datasets import digits
>>> X_train, X_test, y_train, y_test = digits(test_size=0.25, seed=0, standardize=True)
>>> X_train.shape, y_test.shape
((1347, 64), (450,))
"""

from nabla.datasets.bundled import NAMES, Split, breast_cancer, diabetes, digits, iris, load, wine
from nabla.datasets.synthetic import blobs, moons, noisy_line, spirals

__all__ = ["NAMES", "Split", "blobs", "breast_cancer", "diabetes", "digits", "iris", "load",
           "moons", "noisy_line", "spirals", "wine"]
