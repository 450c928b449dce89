"""GaussianMixture: EM matched iterate by iterate against scikit-learn's."""

import warnings

import numpy as np
import pytest

from nabla.prob.mixture import GaussianMixture, NotFittedError

sklearn_mixture = pytest.importorskip("sklearn.mixture")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

TYPES = ["full", "diag", "spherical", "tied"]


def blobs(seed=0, n=150):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0], [-3.0, 5.0, 2.0]])
    scales = [0.5, 1.0, 1.5]
    X = np.concatenate([c + s * rng.standard_normal((n // 3, 3)) @ np.diag([1, 0.6, 1.3])
                        for c, s in zip(centers, scales)])
    return X


def starts(X, covariance_type, k=3):
    """Deliberately rough start values: means from a few samples, unit precisions."""
    rng = np.random.default_rng(1)
    means = X[rng.choice(len(X), k, replace=False)] + 0.5
    weights = np.array([0.5, 0.3, 0.2])
    d = X.shape[1]
    precisions = {"full": np.stack([np.eye(d) * (1 + 0.2 * j) for j in range(k)]),
                  "tied": np.eye(d) * 0.7,
                  "diag": np.ones((k, d)) * np.arange(1, k + 1)[:, None] * 0.5,
                  "spherical": np.array([0.4, 1.0, 2.0])}[covariance_type]
    return dict(n_components=k, covariance_type=covariance_type, weights_init=weights,
                means_init=means, precisions_init=precisions)


def pair(covariance_type, **kwargs):
    X = blobs()
    params = {**starts(X, covariance_type), **kwargs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = GaussianMixture(**params).fit(X)
        theirs = sklearn_mixture.GaussianMixture(**params).fit(X)
    return X, ours, theirs


@pytest.mark.parametrize("covariance_type", TYPES)
def test_converges_to_sklearns_optimum(covariance_type):
    X, ours, theirs = pair(covariance_type, tol=1e-10, max_iter=1000)
    assert ours.converged_ and theirs.converged_
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-6)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-6)
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=1e-6)
    assert ours.bic(X) == pytest.approx(theirs.bic(X), rel=1e-6)
    assert ours.aic(X) == pytest.approx(theirs.aic(X), rel=1e-6)
    assert ours.n_iter_ == pytest.approx(theirs.n_iter_, abs=2)


@pytest.mark.parametrize("max_iter", [1, 2, 7])
@pytest.mark.parametrize("covariance_type", TYPES)
def test_same_iterate_after_the_same_number_of_iterations(covariance_type, max_iter):
    X, ours, theirs = pair(covariance_type, tol=0.0, max_iter=max_iter)
    assert ours.n_iter_ == theirs.n_iter_ == max_iter
    assert ours.converged_ is theirs.converged_ is False
    for name in ["weights_", "means_", "covariances_", "precisions_",
                 "precisions_cholesky_"]:
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name),
                                   rtol=1e-9, atol=1e-12, err_msg=name)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-12)
    np.testing.assert_allclose(ours.history_, theirs.lower_bounds_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_history_never_decreases_and_ends_at_lower_bound(covariance_type):
    X = blobs(3)
    gm = GaussianMixture(3, covariance_type=covariance_type, init_params="random",
                         tol=1e-8, max_iter=500, random_state=0).fit(X)
    assert len(gm.history_) == gm.n_iter_
    assert gm.history_[-1] == gm.lower_bound_
    assert np.all(np.diff(gm.history_) >= -1e-12)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
def test_default_initializations_match_sklearn(init_params):
    X = blobs(2)
    kwargs = dict(n_components=3, init_params=init_params, random_state=0, n_init=2)
    ours = GaussianMixture(**kwargs).fit(X)
    theirs = sklearn_mixture.GaussianMixture(**kwargs).fit(X)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-8)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-7, atol=1e-9)
    assert ours.n_iter_ == theirs.n_iter_


def test_defaults_are_sklearns():
    theirs = sklearn_mixture.GaussianMixture().get_params()
    ours = GaussianMixture().get_params()
    for name, value in ours.items():
        assert theirs[name] == value, name


@pytest.mark.parametrize("covariance_type", TYPES)
def test_degenerate_component_stays_finite(covariance_type):
    rng = np.random.default_rng(0)
    X = np.concatenate([np.tile([[1.0, 2.0]], (20, 1)), rng.normal(size=(30, 2)) + 6])
    gm = GaussianMixture(2, covariance_type=covariance_type, init_params="random_from_data",
                         means_init=[[1.0, 2.0], [6.0, 6.0]], max_iter=50,
                         random_state=0).fit(X)
    for name in ["weights_", "means_", "covariances_", "precisions_cholesky_", "history_"]:
        assert np.all(np.isfinite(getattr(gm, name))), name
    assert np.isfinite(gm.lower_bound_)
    assert np.all(np.isfinite(gm.predict_proba(X)))
    np.testing.assert_array_equal(gm.predict(X[:20]), np.full(20, gm.predict(X[:1])[0]))
    if covariance_type != "tied":  # the collapsed component's variance is reg_covar
        collapsed = np.asarray(gm.covariances_)[gm.predict(X[:1])[0]]
        assert np.max(collapsed) == pytest.approx(1e-6, rel=1e-3)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_sample_shapes(covariance_type):
    X = blobs()
    gm = GaussianMixture(3, covariance_type=covariance_type, init_params="random_from_data",
                         random_state=0).fit(X)
    Xs, ys = gm.sample(40)
    assert Xs.shape == (40, 3) and ys.shape == (40,)
    assert set(ys.tolist()) <= {0, 1, 2}
    assert gm.sample()[0].shape == (1, 3)
    with pytest.raises(ValueError, match="n_samples"):
        gm.sample(0)


def test_sample_matches_sklearn():
    X, ours, theirs = pair("full", tol=0.0, max_iter=3, random_state=5)
    for a, b in zip(ours.sample(25), theirs.sample(25)):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_errors():
    gm = GaussianMixture(2)
    with pytest.raises(NotFittedError):
        gm.predict([[0.0, 1.0]])
    with pytest.raises(NotFittedError):
        gm.sample(3)
    X = blobs()
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(2).fit(bad)
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        GaussianMixture(5).fit(X[:3])
    with pytest.raises(ValueError, match="2D"):
        GaussianMixture(1).fit(X[:, 0])
    with pytest.raises(ValueError, match="covariance_type"):
        GaussianMixture(1, covariance_type="banana").fit(X)
    with pytest.raises(ValueError, match="weights"):
        GaussianMixture(2, weights_init=[0.5, 0.6]).fit(X)
    with pytest.raises(ValueError, match="means"):
        GaussianMixture(2, means_init=np.zeros((3, 3))).fit(X)
    fitted = GaussianMixture(2, init_params="random_from_data", random_state=0).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict(bad)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :2])


def test_not_converged_warns_like_sklearn():
    with pytest.warns(ConvergenceWarning):
        GaussianMixture(3, init_params="random", max_iter=1, random_state=0).fit(blobs())


def test_warm_start_continues_like_sklearn():
    X = blobs()
    kwargs = dict(**starts(X, "diag"), warm_start=True, max_iter=2, tol=0.0)
    ours, theirs = GaussianMixture(**kwargs), sklearn_mixture.GaussianMixture(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):
            ours.fit(X)
            theirs.fit(X)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-10)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-12)


def test_kmeans_without_sklearn_names_the_extra(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "sklearn.cluster", None)
    with pytest.raises(ImportError, match=r"pip install nabla\[ml\]"):
        GaussianMixture(2).fit(blobs())
    # the other initializations need no scikit-learn
    GaussianMixture(2, init_params="random_from_data", random_state=0).fit(blobs())


def test_clone_and_repr():
    from sklearn.base import clone

    gm = GaussianMixture(3, covariance_type="tied", means_init=np.zeros((3, 3)))
    copy = clone(gm)
    assert copy.get_params()["covariance_type"] == "tied"
    assert repr(gm).startswith("GaussianMixture(n_components=3, covariance_type='tied'")
