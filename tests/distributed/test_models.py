"""Models and minimize on Dask arrays give the in-memory fit, and scikit-learn's loss.

The references: the same estimator fitted on the same data in memory (coefficients to
1e-8, with tolerances tight enough that both runs converge that far), and scikit-learn's
estimator on the in-memory data (the objective nabla reaches is scikit-learn's, to 1e-6
relative).
"""

import dask.array as da
import numpy
import pytest
import sklearn.linear_model
from sklearn.base import clone

import nabla.distributed as nd
import nabla.numpy as np
from nabla.models import LinearRegression, LogisticRegression, Ridge
from nabla.models.logistic import logistic_objective
from nabla.optim import minimize

pytestmark = pytest.mark.dask

N, D = 3000, 4
CHUNKS = (900, 2)  # ragged row blocks (900, 900, 900, 300), chunked along features too


@pytest.fixture(scope="module")
def data():
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((N, D)) * numpy.array([1.0, 2.0, 0.5, 1.5]) + 0.3
    score = X @ numpy.array([1.0, -0.7, 2.0, 0.0]) + 0.2 + rng.standard_normal(N)
    return X, score, (score > 0).astype(int), numpy.digitize(score, [-1.0, 1.0])


def on_dask(X, y):
    return da.from_array(X, chunks=CHUNKS), da.from_array(y, chunks=CHUNKS[0])


def scikit_learn_objective(model, X, y, C):
    """F of nabla.models.logistic at scikit-learn's (or anyone's) fitted coefficients."""
    K = len(model.classes_)
    if K == 2:
        params, target = {"coef": model.coef_[0], "intercept": model.intercept_[0]}, y
    else:
        params, target = {"coef": model.coef_.T, "intercept": model.intercept_}, numpy.eye(K)[y]
    return float(logistic_objective(params, X, target.astype(float), 1.0, 1.0 / (C * len(X))))


@pytest.mark.parametrize(("classes", "solver"), [(2, "lbfgs"), (3, "newton")])
def test_logistic_regression_on_dask_equals_in_memory_and_scikit_learn(client, data, solver,
                                                                       classes):
    X, _, binary, three = data
    y = binary if classes == 2 else three
    options = dict(C=0.5, solver=solver, tol=1e-9, max_iter=500)
    on_cluster = LogisticRegression(**options).fit(*on_dask(X, y))
    in_memory = LogisticRegression(**options).fit(X, y)
    numpy.testing.assert_allclose(on_cluster.coef_, in_memory.coef_, rtol=0, atol=1e-8)
    numpy.testing.assert_allclose(on_cluster.intercept_, in_memory.intercept_, rtol=0, atol=1e-8)
    assert on_cluster.coef_.shape == (1 if classes == 2 else 3, D)
    reference = sklearn.linear_model.LogisticRegression(C=0.5, tol=1e-10, max_iter=10_000)
    reference.fit(X, y)
    assert scikit_learn_objective(on_cluster, X, y, 0.5) == pytest.approx(
        scikit_learn_objective(reference, X, y, 0.5), rel=1e-6)
    numpy.testing.assert_array_equal(on_cluster.classes_, reference.classes_)
    predicted = on_cluster.predict(da.from_array(X, chunks=700))
    assert isinstance(predicted, da.Array)
    numpy.testing.assert_array_equal(predicted.compute(), in_memory.predict(X))
    numpy.testing.assert_allclose(on_cluster.predict_proba(da.from_array(X, chunks=700)).compute(),
                                  in_memory.predict_proba(X), rtol=1e-7)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("model", [LogisticRegression(solver="gd", max_iter=8),
                                   Ridge(alpha=5.0, solver="gd", max_iter=8)],
                         ids=["LogisticRegression", "Ridge"])
def test_gradient_descent_takes_the_same_steps_on_dask(client, data, model):
    """8 steps of gradient descent, with the learning rate from XᵀX summed over the blocks."""
    X, score, binary, _ = data
    y = binary if isinstance(model, LogisticRegression) else score
    on_cluster = clone(model).fit(*on_dask(X, y))
    in_memory = clone(model).fit(X, y)
    assert on_cluster.n_iter_ == in_memory.n_iter_ == 8
    numpy.testing.assert_allclose(on_cluster.coef_, in_memory.coef_, rtol=0, atol=1e-12)


@pytest.mark.parametrize("make", [lambda s: LinearRegression(solver=s, tol=1e-10),
                                  lambda s: Ridge(alpha=5.0, solver=s, tol=1e-10)],
                         ids=["LinearRegression", "Ridge"])
@pytest.mark.parametrize("solver", ["normal", "newton"])
def test_least_squares_on_dask_equals_in_memory_and_scikit_learn(client, data, make, solver):
    X, score, _, _ = data
    on_cluster = make(solver).fit(*on_dask(X, score))
    in_memory = make(solver).fit(X, score)
    numpy.testing.assert_allclose(on_cluster.coef_, in_memory.coef_, rtol=0, atol=1e-8)
    assert on_cluster.intercept_ == pytest.approx(in_memory.intercept_, abs=1e-8)
    alpha = getattr(on_cluster, "alpha", 0.0)
    reference = (sklearn.linear_model.Ridge(alpha=alpha) if alpha
                 else sklearn.linear_model.LinearRegression()).fit(X, score)
    loss = lambda model: (numpy.sum((X @ model.coef_ + model.intercept_ - score) ** 2)
                          + alpha * model.coef_ @ model.coef_)
    assert loss(on_cluster) == pytest.approx(loss(reference), rel=1e-6)
    numpy.testing.assert_allclose(on_cluster.predict(da.from_array(X, chunks=500)).compute(),
                                  reference.predict(X), rtol=1e-6)


@pytest.mark.parametrize("method", ["lbfgs", "newton"])
def test_minimize_runs_a_distributed_objective(client, data, method):
    """minimize asks the objective for its blockwise gradient (and Hessian): the iterates
    are those of minimize on the same loss in memory."""
    X, _, binary, _ = data
    y = binary.astype(float)

    def loss(p, X, y):
        z = X @ p["w"] + p["b"]
        return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(p["w"] ** 2)

    x0 = {"w": numpy.zeros(D), "b": numpy.float64(0.0)}
    objective = nd.objective(loss, *on_dask(X, y))
    on_cluster = minimize(objective, x0, method=method, gtol=1e-8)
    in_memory = minimize(loss, x0, method=method, args=(X, y), gtol=1e-8)
    assert on_cluster.success and in_memory.success
    assert on_cluster.nit == in_memory.nit
    numpy.testing.assert_allclose(on_cluster.x["w"], in_memory.x["w"], rtol=0, atol=1e-9)
    assert on_cluster.fun == pytest.approx(in_memory.fun, rel=1e-12)
    assert float(objective(on_cluster.x)) == pytest.approx(on_cluster.fun, rel=1e-12)


def test_maximize_negates_a_distributed_objective(client):
    from nabla.optim import maximize
    x = da.from_array(numpy.array([1.0, 2.0, 6.0]), chunks=2)
    r = maximize(nd.objective(lambda w, x: -np.mean((x - w) ** 2), x), numpy.float64(0.0),
                 method="newton")
    assert r.success and float(r.x) == pytest.approx(3.0, rel=1e-12)
