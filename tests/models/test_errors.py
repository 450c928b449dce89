"""Bad input gets scikit-learn's errors, with messages that say what was wrong."""

import numpy as np
import pytest
import sklearn.exceptions

from nabla.models import (
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    NotFittedError,
    Ridge,
)

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
y_real = np.array([0.5, 1.0, 2.0, 2.5])
y_class = np.array([0, 1, 1, 0])

ALL = [
    (LinearRegression(), y_real),
    (LinearRegression(solver="gd"), y_real),
    (Ridge(solver="minibatch", max_iter=3, random_state=0), y_real),
    (LogisticRegression(), y_class),
    (MLPClassifier((3,), solver="lbfgs", max_iter=5, random_state=0), y_class),
    (MLPRegressor((3,), max_iter=2, random_state=0), y_real),
]
ids = [type(e).__name__ + "-" + getattr(e, "solver", "") for e, _ in ALL]
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_not_fitted_error_is_scikit_learns():
    assert NotFittedError is sklearn.exceptions.NotFittedError


@pytest.mark.parametrize(("estimator", "y"), ALL, ids=ids)
def test_mismatched_lengths(estimator, y):
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[4, 3\\]"):
        estimator.fit(X, y[:3])


@pytest.mark.parametrize(("estimator", "y"), ALL, ids=ids)
def test_nan_or_infinity_in_X(estimator, y):
    bad = X.copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        estimator.fit(bad, y)
    bad[1, 0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        estimator.fit(bad, y)


@pytest.mark.parametrize(("estimator", "y"), ALL, ids=ids)
def test_wrong_number_of_features_at_predict(estimator, y):
    estimator.fit(X, y)
    name = type(estimator).__name__
    with pytest.raises(ValueError, match=f"X has 3 features, but {name} is expecting 2 "
                                         "features as input"):
        estimator.predict(np.ones((2, 3)))


@pytest.mark.parametrize(("estimator", "y"), ALL, ids=ids)
def test_predict_before_fit(estimator, y):
    fresh = type(estimator)()
    with pytest.raises(NotFittedError, match=f"This {type(estimator).__name__} instance is "
                                             "not fitted yet"):
        fresh.predict(X)


@pytest.mark.parametrize(("estimator", "y"), ALL, ids=ids)
def test_one_dimensional_X(estimator, y):
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array instead"):
        estimator.fit(X[:, 0], y)


@pytest.mark.parametrize("classifier", [LogisticRegression(), MLPClassifier()])
def test_classifier_needs_two_classes_and_discrete_labels(classifier):
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 1"):
        classifier.fit(X, [1, 1, 1, 1])
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        classifier.fit(X, y_real)


def test_sample_weights_left_for_one_class():
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(X, y_class, sample_weight=[1.0, 0.0, 0.0, 1.0])


@pytest.mark.parametrize(("weights", "message"), [
    ([1.0, 2.0], r"sample_weight.shape == \(2,\), expected \(4,\)"),
    ([1.0, -1.0, 1.0, 1.0], "Negative values in data passed to sample_weight"),
    ([0.0, 0.0, 0.0, 0.0], "at least one non-zero"),
])
def test_bad_sample_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        LinearRegression().fit(X, y_real, sample_weight=weights)


@pytest.mark.parametrize(("estimator", "message"), [
    (LinearRegression(solver="qr"), "solver must be one of 'normal', 'gd', 'sgd', "
                                    "'minibatch', 'newton'; got 'qr'"),
    (Ridge(alpha=-1.0), "alpha must be a number >= 0; got -1.0"),
    (LinearRegression(solver="gd", learning_rate=0.0),
     "learning_rate must be 'auto' or a number > 0"),
    (LinearRegression(max_iter=0), "max_iter must be an integer >= 1; got 0"),
    (LinearRegression(fit_intercept="yes"), "fit_intercept must be True or False"),
    (LogisticRegression(C=0.0), "C must be a number > 0; got 0.0"),
    (LogisticRegression(solver="saga"), "solver must be one of 'lbfgs', 'newton', 'gd'"),
    (MLPRegressor(hidden_layer_sizes=(4, 0)), "hidden_layer_sizes must be positive integers"),
    (MLPRegressor(activation="softmax"), "activation must be one of 'identity', 'logistic'"),
    (MLPRegressor(batch_size=0), "batch_size must be an integer >= 1"),
    (MLPRegressor(random_state="seed"), "random_state must be None, an int"),
])
def test_bad_hyperparameters_are_named(estimator, message):
    y = y_class if isinstance(estimator, LogisticRegression) else y_real
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        estimator.fit(X, y)


def test_divergence_warns_and_says_what_to_change():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(20, 2))
    with pytest.warns(sklearn.exceptions.ConvergenceWarning,
                      match="diverging; lower lr .*learning_rate parameter"):
        LinearRegression(solver="gd", learning_rate=10.0).fit(data, np.arange(20.0))
    with pytest.raises(ValueError, match="MLPRegressor: training diverged: the loss became "
                                         "inf.*lower learning_rate_init"):
        MLPRegressor(solver="sgd", learning_rate_init=1e30, random_state=0).fit(
            data, np.arange(20.0))


def test_iteration_limit_warns():
    with pytest.warns(sklearn.exceptions.ConvergenceWarning, match="did not converge"):
        LogisticRegression(max_iter=1).fit(X, y_class)
