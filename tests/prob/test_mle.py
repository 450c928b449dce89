"""Maximum-likelihood fits: closed forms, SciPy's fits, standard errors, bad input."""

import numpy as np
import pytest

from nabla.prob import (
    Bernoulli,
    Beta,
    Categorical,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Poisson,
    StudentT,
    Uniform,
)
from nabla.prob.mle import MLEResult, fit_mle
from scipy import stats


@pytest.fixture
def rng():
    return np.random.default_rng(20261202)


def _close(a, b, rtol):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


# Closed forms, from starts far from the answer so the optimizer has work to do.
def test_normal_closed_form(rng):
    x = rng.normal(1.5, 2.0, 300)
    r = fit_mle(Normal, x, init={"loc": -3.0, "scale": 0.2})
    assert isinstance(r, MLEResult) and r.success and r.nit > 0
    _close(r.params["loc"], x.mean(), 1e-6)
    _close(r.params["scale"], x.std(), 1e-6)  # biased: divide by n
    _close(r.loglik, np.sum(stats.norm.logpdf(x, x.mean(), x.std())), 1e-6)
    assert isinstance(r.dist, Normal)


def test_normal_default_init(rng):
    x = rng.normal(-1.0, 0.5, 50)
    r = fit_mle(Normal, x)
    assert r.success
    _close([r.params["loc"], r.params["scale"]], [x.mean(), x.std()], 1e-6)


def test_exponential_closed_form(rng):
    x = rng.exponential(0.5, 200)
    r = fit_mle(Exponential, x, init={"rate": 20.0})
    assert r.success and r.nit > 0
    _close(r.params["rate"], 1 / x.mean(), 1e-6)


def test_poisson_closed_form(rng):
    x = rng.poisson(4.0, 200)
    r = fit_mle(Poisson, x, init={"rate": 0.3})
    assert r.success and r.nit > 0
    _close(r.params["rate"], x.mean(), 1e-6)


def test_bernoulli_closed_form(rng):
    x = (rng.random(250) < 0.3).astype(int)
    r = fit_mle(Bernoulli, x, init={"probs": 0.9})
    assert r.success and r.nit > 0
    _close(r.params["probs"], x.mean(), 1e-6)


def test_gamma_matches_scipy(rng):
    x = rng.gamma(2.5, 1 / 1.5, 300)
    r = fit_mle(Gamma, x)
    a, _, scale = stats.gamma.fit(x, floc=0)
    assert r.success
    _close(r.params["concentration"], a, 1e-4)
    _close(r.params["rate"], 1 / scale, 1e-4)


def test_beta_matches_scipy(rng):
    x = rng.beta(2.0, 5.0, 300)
    r = fit_mle(Beta, x)
    a, b, _, _ = stats.beta.fit(x, floc=0, fscale=1)
    assert r.success
    _close(r.params["concentration1"], a, 1e-4)
    _close(r.params["concentration0"], b, 1e-4)


def test_lognormal_and_studentt(rng):
    x = rng.lognormal(0.3, 0.5, 200)
    r = fit_mle(LogNormal, x)
    assert r.success
    _close([r.params["loc"], r.params["scale"]], [np.log(x).mean(), np.log(x).std()], 1e-6)
    t = 1.0 + 2.0 * rng.standard_t(4.0, 400)
    r = fit_mle(StudentT, t)
    assert r.success
    df, loc, scale = stats.t.fit(t)
    _close([r.params["df"], r.params["loc"], r.params["scale"]], [df, loc, scale], 1e-3)


def test_normal_standard_errors(rng):
    x = rng.normal(0.0, 3.0, 400)
    r = fit_mle(Normal, x)
    sigma = x.std()
    np.testing.assert_allclose(r.stderr["loc"], sigma / np.sqrt(x.size), rtol=1e-6)
    np.testing.assert_allclose(r.stderr["scale"], sigma / np.sqrt(2 * x.size), rtol=1e-6)
    np.testing.assert_allclose(r.cov, np.diag([sigma**2 / x.size, sigma**2 / (2 * x.size)]),
                               rtol=1e-6, atol=1e-12)


def test_exponential_standard_error(rng):
    x = rng.exponential(2.0, 100)
    r = fit_mle(Exponential, x)
    np.testing.assert_allclose(r.stderr["rate"], r.params["rate"] / np.sqrt(x.size), rtol=1e-6)


def test_result_fields(rng):
    r = fit_mle(Gamma, rng.gamma(3.0, 1.0, 100))
    assert set(r.params) == set(r.stderr) == {"concentration", "rate"}
    assert r.cov.shape == (2, 2) and isinstance(r.message, str) and isinstance(r.nit, int)
    assert isinstance(r.dist, Gamma)
    np.testing.assert_allclose(float(r.dist.rate), r.params["rate"])


@pytest.mark.parametrize("method", ["bfgs", "newton", "cg"])
def test_other_methods(rng, method):
    x = rng.gamma(0.3, 5.0, 300)
    r = fit_mle(Gamma, x, method=method)
    a, _, scale = stats.gamma.fit(x, floc=0)
    assert r.success and r.message.startswith(method)
    _close([r.params["concentration"], r.params["rate"]], [a, 1 / scale], 1e-4)


def test_nan_data():
    with pytest.raises(ValueError, match="NaN"):
        fit_mle(Normal, [1.0, np.nan, 2.0])


@pytest.mark.parametrize("family, data, word", [
    (Exponential, [1.0, -0.5, 2.0], "support"),
    (Poisson, [1.0, 2.5], "support"),
    (Bernoulli, [0, 1, 2], "support"),
    (Gamma, [1.0, 0.0], "support"),
    (Beta, [0.2, 1.0], "support"),
    (LogNormal, [-1.0, 2.0], "support"),
])
def test_outside_support(family, data, word):
    with pytest.raises(ValueError, match=word) as e:
        fit_mle(family, data)
    assert family.__name__ in str(e.value)


def test_unsupported_families():
    with pytest.raises(TypeError, match="Uniform.*supported families: Normal"):
        fit_mle(Uniform, [0.1, 0.5])
    with pytest.raises(TypeError, match="Categorical.*Normal.*Exponential.*StudentT"):
        fit_mle(Categorical, [0, 1])
    with pytest.raises(TypeError, match="supported families"):
        fit_mle("normal", [0.1, 0.5])


def test_other_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        fit_mle(Normal, np.ones((2, 2)))
    with pytest.raises(ValueError, match="constant"):
        fit_mle(Normal, [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="unknown parameter"):
        fit_mle(Normal, [1.0, 2.0], init={"mu": 0.0})
