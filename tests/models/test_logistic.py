"""LogisticRegression reaches scikit-learn's coefficients with the same C."""

import numpy as np
import pytest
from sklearn import linear_model

from nabla.datasets import breast_cancer, iris, load, wine
from nabla.models import LogisticRegression


def scikit_learn(X, y, C, sample_weight=None):
    model = linear_model.LogisticRegression(C=C, tol=1e-12, max_iter=100000)
    return model.fit(X, y, sample_weight=sample_weight)


@pytest.fixture(scope="module")
def cancer():
    split = breast_cancer(standardize=True, seed=0)
    return split.X_train, split.y_train, split.X_test


@pytest.mark.parametrize("C", [0.1, 1.0])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_binary_coefficients_match_scikit_learn(cancer, solver, C):
    X, y, X_test = cancer
    ours = LogisticRegression(C=C, solver=solver, tol=1e-8, max_iter=1000).fit(X, y)
    theirs = scikit_learn(X, y, C)
    assert ours.coef_.shape == theirs.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test),
                               atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    assert ours.optimize_result_.success


def test_binary_by_gradient_descent(cancer):
    X, y, _ = cancer
    ours = LogisticRegression(C=0.1, solver="gd", tol=1e-7, max_iter=20000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, scikit_learn(X, y, 0.1).coef_, rtol=0, atol=1e-4)
    losses = np.array(ours.optimize_result_.history["fun"])
    assert np.all(np.diff(losses) <= 1e-12)   # lr = 1/Λ: a descent step every time


@pytest.mark.parametrize("dataset", [iris, wine])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_multinomial_coefficients_match_scikit_learn(dataset, solver):
    split = dataset(standardize=True, seed=0)
    X, y = split.X_train, split.y_train
    ours = LogisticRegression(C=1.0, solver=solver, tol=1e-8, max_iter=1000).fit(X, y)
    theirs = scikit_learn(X, y, 1.0)
    assert ours.coef_.shape == theirs.coef_.shape == (3, X.shape[1])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-4)
    assert abs(ours.intercept_.sum()) < 1e-12
    np.testing.assert_allclose(ours.predict_proba(split.X_test),
                               theirs.predict_proba(split.X_test), atol=1e-5)
    assert ours.score(split.X_test, split.y_test) > 0.9


def test_sample_weights_and_no_intercept_match_scikit_learn():
    split = load("wine", standardize=True, seed=1)
    X, y = split.X_train, split.y_train
    weights = np.random.default_rng(0).uniform(0.2, 2.0, len(y))
    ours = LogisticRegression(C=0.5, fit_intercept=False, tol=1e-8, max_iter=1000)
    ours.fit(X, y, sample_weight=weights)
    theirs = linear_model.LogisticRegression(C=0.5, fit_intercept=False, tol=1e-12,
                                             max_iter=100000)
    theirs.fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(ours.intercept_, np.zeros(3))


def test_string_labels_and_probabilities():
    X = np.array([[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0]])
    y = np.array(["cat", "cat", "dog", "cat", "dog", "dog"])
    model = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog"])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X))
    z = model.decision_function(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)))
    np.testing.assert_array_equal(model.predict(X), np.where(z > 0, "dog", "cat"))


def test_without_penalty_separable_data_send_the_weights_far():
    """With C = inf the likelihood of separable data has no maximum: the weights grow
    until the gradient (which shrinks like e^{−margin}) falls below tol. The penalty of a
    finite C keeps them small."""
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    free = LogisticRegression(C=np.inf).fit(X, [0, 0, 1, 1])
    held = LogisticRegression(C=1.0).fit(X, [0, 0, 1, 1])
    assert free.coef_[0, 0] > 5 > held.coef_[0, 0] > 0
    np.testing.assert_array_equal(free.predict(X), [0, 0, 1, 1])
