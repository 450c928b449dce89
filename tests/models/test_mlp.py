"""MLPClassifier and MLPRegressor: learning digits, nonlinear sets, and reproducibility."""

import numpy as np
import pytest

from nabla.datasets import digits, moons, spirals
from nabla.models import MLPClassifier, MLPRegressor
from nabla.nn import MLP

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@quiet
def test_digits_test_accuracy_at_least_97_percent():
    X_train, X_test, y_train, y_test = digits(standardize=True, seed=0)
    model = MLPClassifier((128,), alpha=1.0, batch_size=32, max_iter=30, random_state=0)
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    assert accuracy >= 0.97, accuracy
    assert model.n_iter_ == len(model.loss_curve_) == 30
    assert model.loss_curve_[-1] < 0.1 * model.loss_curve_[0]
    assert isinstance(model.module_, MLP)
    assert [w.shape for w in model.coefs_] == [(64, 128), (128, 10)]
    assert [b.shape for b in model.intercepts_] == [(128,), (10,)]
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X_test))


@quiet
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_learns_the_spirals_that_no_line_separates(solver):
    X, y = spirals(300, turns=1.0, noise=0.05, seed=0)
    options = {"max_iter": 300, "learning_rate_init": 0.02} if solver == "adam" else {}
    model = MLPClassifier((32, 32), activation="tanh", solver=solver, random_state=0,
                          tol=1e-6, **options).fit(X, y)
    assert model.score(X, y) > 0.95


def test_binary_decision_function_is_the_log_odds():
    X, y = moons(200, noise=0.1, seed=1)
    model = MLPClassifier((16,), solver="lbfgs", random_state=0).fit(X, y)
    z = model.decision_function(X)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(z, np.log(proba[:, 1] / proba[:, 0]), atol=1e-8)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    assert model.score(X, y) > 0.95


def test_regressor_fits_a_curve():
    X = np.linspace(-2.0, 2.0, 80)[:, None]
    y = np.sin(2 * X[:, 0])
    model = MLPRegressor((32,), activation="tanh", solver="lbfgs", max_iter=500,
                         random_state=0).fit(X, y)
    assert model.score(X, y) > 0.99
    assert model.predict(X).shape == (80,)


@quiet
def test_sgd_solver_and_identity_activation_is_a_linear_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = MLPRegressor((4,), activation="identity", solver="sgd", alpha=0.0, batch_size=20,
                         learning_rate_init=0.01, max_iter=100, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.999
    product = model.coefs_[0] @ model.coefs_[1]      # a product of linear maps is linear
    np.testing.assert_allclose(product[:, 0], [1.0, -2.0, 0.5], atol=0.02)


@quiet
def test_same_random_state_same_network():
    X, y = moons(100, seed=0)
    fit = lambda seed: MLPClassifier((8,), max_iter=5, random_state=seed).fit(X, y)
    a, b, c = fit(0), fit(0), fit(1)
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_stops_when_the_loss_stops_improving():
    X, y = moons(100, seed=0)
    model = MLPClassifier((8,), tol=1.0, n_iter_no_change=2, max_iter=100,
                          random_state=0).fit(X, y)
    # scikit-learn's rule: epoch 1 sets the best loss, and no later epoch improves on it
    # by tol = 1, so the count of epochs without improvement passes 2 at epoch 4
    assert model.n_iter_ == 4


def test_weight_penalty_shrinks_the_weights():
    X, y = moons(100, seed=0)
    norms = [sum(np.sum(w ** 2) for w in MLPClassifier(
        (8,), alpha=alpha, solver="lbfgs", random_state=0).fit(X, y).coefs_)
        for alpha in (1e-4, 10.0)]
    assert norms[1] < 0.5 * norms[0]
