"""scikit-learn's bundled data sets, split and standardized; nothing is downloaded."""

import socket

import numpy as np
import pytest

from nabla import datasets
from nabla.datasets import NAMES, Split, load

SHAPES = {"digits": (1797, 64, 10), "iris": (150, 4, 3), "breast_cancer": (569, 30, 2),
          "diabetes": (442, 10, None), "wine": (178, 13, 3)}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a data set tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", NAMES)
def test_every_set_loads_offline_with_its_shape(name, no_network):
    n, d, classes = SHAPES[name]
    split = getattr(datasets, name)(seed=0)
    assert isinstance(split, Split) and split.name == name
    X_train, X_test, y_train, y_test = split
    assert len(X_test) == int(np.ceil(0.25 * n)) and len(X_train) + len(X_test) == n
    assert X_train.shape[1] == X_test.shape[1] == d == len(split.feature_names)
    assert X_train.dtype == np.float64
    if classes is None:
        assert split.task == "regression" and split.target_names is None
        assert y_train.dtype == np.float64
    else:
        assert split.task == "classification" and len(split.target_names) == classes
        assert y_train.dtype == np.int64
        assert set(np.unique(y_test)) <= set(range(classes))


def test_train_and_test_partition_the_samples():
    from sklearn.datasets import load_iris

    full = load_iris().data
    X_train, X_test, _, _ = load("iris", seed=3)
    rows = {tuple(r) for r in np.vstack([X_train, X_test])}
    assert rows == {tuple(r) for r in full}
    assert len(X_train) + len(X_test) == len(full)


def test_the_seed_decides_the_split():
    a, b, c = (load("wine", seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_classification_splits_are_stratified():
    split = load("breast_cancer", test_size=0.2, seed=0)
    whole = np.bincount(np.concatenate([split.y_train, split.y_test])) / 569
    for part in (split.y_train, split.y_test):
        np.testing.assert_allclose(np.bincount(part) / len(part), whole, atol=0.01)
    assert len(split.y_test) == 114


def test_test_size_as_a_count_and_unstratified():
    split = load("digits", test_size=100, seed=0, stratify=False)
    assert len(split.X_test) == 100 and len(split.X_train) == 1697


def test_standardize_with_the_training_statistics_only():
    split = load("diabetes", standardize=True, seed=0)
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0)
    raw = load("diabetes", seed=0)
    np.testing.assert_allclose(split.X_test, (raw.X_test - split.mean) / split.scale)
    assert not np.allclose(split.X_test.mean(axis=0), 0.0, atol=1e-3)


def test_constant_features_are_only_centered():
    split = load("digits", standardize=True, seed=0)   # some pixels are always 0
    assert np.all(np.isfinite(split.X_train)) and np.all(np.isfinite(split.X_test))
    assert np.any(split.scale == 1.0)


@pytest.mark.parametrize("test_size", [0, 1.0, 1.5, -0.1, 150, "half", True])
def test_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size must be a fraction strictly between 0 "
                                         "and 1, or a number of samples from 1 to 149"):
        load("iris", test_size=test_size)


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown data set 'mnist'; the bundled ones are "
                                         "'digits', 'iris'"):
        load("mnist")
