"""LinearRegression and Ridge: every solver reaches the normal-equation solution."""

import numpy as np
import pytest
from sklearn import linear_model

from nabla.datasets import diabetes
from nabla.models import LinearRegression, Ridge


@pytest.fixture(scope="module")
def data():
    split = diabetes(standardize=True, seed=0)
    return split.X_train, split.y_train


def normal_equations(X, y, alpha=0.0):
    """``[b, w]`` from ``(AᵀA + αD)θ = Aᵀy`` with ``A = [1, X]``, D not penalizing b."""
    A = np.column_stack([np.ones(len(X)), X])
    D = np.diag([0.0] + [1.0] * X.shape[1])
    return np.linalg.solve(A.T @ A + alpha * D, A.T @ y)


SOLVERS = {
    "normal": {},
    "newton": {"tol": 1e-9},
    "gd": {"tol": 1e-9, "max_iter": 20000},
    "minibatch": {"tol": 1e-9, "max_iter": 3000, "batch_size": 32, "random_state": 0},
    # one sample per step: SVRG at a step a little above the cautious 'auto' one
    "sgd": {"tol": 5e-9, "max_iter": 1000, "learning_rate": 0.05, "random_state": 0},
}


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_solver_matches_the_normal_equations(data, solver):
    X, y = data
    expected = normal_equations(X, y)
    model = LinearRegression(solver=solver, **SOLVERS[solver]).fit(X, y)
    np.testing.assert_allclose(model.coef_, expected[1:], rtol=0, atol=1e-6)
    assert abs(model.intercept_ - expected[0]) <= 1e-6
    assert model.n_iter_ >= 1 and model.n_features_in_ == X.shape[1]


def test_linear_regression_matches_scikit_learn_with_sample_weights(data):
    X, y = data
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    ours = LinearRegression().fit(X, y, sample_weight=weights)
    theirs = linear_model.LinearRegression().fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-9)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), rel=1e-12)


@pytest.mark.parametrize(("solver", "alpha"), [
    *[(solver, alpha) for solver in ("normal", "newton", "gd") for alpha in (0.1, 1.0, 100.0)],
    ("minibatch", 10.0), ("sgd", 10.0)])
def test_ridge_matches_scikit_learn(data, alpha, solver):
    X, y = data
    options = {**SOLVERS[solver], "max_iter": SOLVERS[solver].get("max_iter", 100)}
    ours = Ridge(alpha=alpha, solver=solver, **options).fit(X, y)
    theirs = linear_model.Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=1e-6)
    np.testing.assert_allclose(ours.coef_, normal_equations(X, y, alpha)[1:], atol=1e-6)


def test_ridge_with_sample_weights_and_without_intercept_matches_scikit_learn(data):
    X, y = data
    weights = np.random.default_rng(1).integers(1, 4, len(y)).astype(float)
    for solver in ("normal", "newton"):
        ours = Ridge(alpha=3.0, fit_intercept=False, solver=solver, tol=1e-10)
        ours.fit(X, y, sample_weight=weights)
        theirs = linear_model.Ridge(alpha=3.0, fit_intercept=False)
        theirs.fit(X, y, sample_weight=weights)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-8)
        assert ours.intercept_ == 0.0


def test_plain_sgd_gets_near_the_minimum_but_not_to_it(data):
    """Without variance reduction, 40 epochs at a constant learning rate bring the loss
    within a few percent of its minimum but the coefficients nowhere near 1e-6: the
    noisy steps cannot resolve the flat direction of nearly collinear features."""
    X, y = data
    best = LinearRegression().fit(X, y)
    with pytest.warns(Warning, match="plain SGD with a constant learning rate"):
        plain = LinearRegression(solver="minibatch", variance_reduction=False,
                                 learning_rate=0.05, max_iter=40, random_state=0).fit(X, y)
    mse = lambda model: np.mean((model.predict(X) - y) ** 2)
    assert 1e-4 < mse(plain) / mse(best) - 1 < 0.05
    assert np.max(np.abs(plain.coef_ - best.coef_)) > 1.0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_stochastic_solvers_are_reproducible(data):
    X, y = data
    runs = [LinearRegression(solver="minibatch", max_iter=5, random_state=seed).fit(X, y)
            for seed in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0].coef_, runs[1].coef_)
    assert not np.array_equal(runs[0].coef_, runs[2].coef_)


def test_gradient_descent_history_and_n_iter(data):
    X, y = data
    model = LinearRegression(solver="gd", tol=1e-3, max_iter=5000).fit(X, y)
    result = model.optimize_result_
    assert result.success and model.n_iter_ == result.nit
    losses = np.array(result.history["fun"])
    assert np.all(np.diff(losses) <= 1e-12)   # lr = 1/Λ: every step lowers the loss


def test_works_in_scikit_learn_model_selection(data):
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = data
    search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0, 1000.0]}, cv=3).fit(X, y)
    assert search.best_params_["alpha"] in (0.1, 10.0)
    scores = cross_val_score(make_pipeline(StandardScaler(), LinearRegression()), X, y, cv=3)
    assert scores.mean() > 0.3
