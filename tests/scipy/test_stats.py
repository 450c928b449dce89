"""nabla.scipy.stats: SciPy's values, gradients of log-likelihoods, invalid parameters."""

import numpy
import pytest
import scipy.stats

import nabla
import nabla.scipy.stats as nst

rng = numpy.random.default_rng(1)


def close(got, want):
    numpy.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


X = numpy.array([-3.0, -0.5, 0.0, 0.2, 0.7, 1.0, 1.3, 4.0])
CONTINUOUS = [
    ("norm", (0.3, 1.7), ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]),
    ("t", (3.5, 0.3, 1.7), ["logpdf", "pdf", "cdf", "logcdf"]),
    ("gamma", (2.5, -0.2, 1.7), ["logpdf", "pdf", "cdf", "logcdf"]),
    ("gamma", (1.0,), ["logpdf", "pdf", "cdf"]),
    ("beta", (2.5, 1.5), ["logpdf", "pdf", "cdf", "logcdf"]),
    ("beta", (0.5, 3.0, -0.2, 1.5), ["logpdf", "pdf", "cdf", "logcdf"]),
]


@pytest.mark.parametrize("name,params,methods", CONTINUOUS)
def test_continuous_values_are_scipys(name, params, methods):
    with numpy.errstate(divide="ignore"):
        for m in methods:
            close(getattr(getattr(nst, name), m)(X, *params),
                  getattr(getattr(scipy.stats, name), m)(X, *params))
            # frozen, as in SciPy
            close(getattr(getattr(nst, name)(*params), m)(X),
                  getattr(getattr(scipy.stats, name)(*params), m)(X))


def test_norm_ppf_and_tails():
    q = numpy.array([1e-10, 0.3, 0.5, 0.99])
    close(nst.norm.ppf(q, 1.0, 2.0), scipy.stats.norm.ppf(q, 1.0, 2.0))
    x = numpy.array([-40.0, -10.0, 10.0])
    close(nst.norm.logcdf(x), scipy.stats.norm.logcdf(x))
    close(nst.norm.logsf(x), scipy.stats.norm.logsf(x))
    assert numpy.isfinite(nabla.grad(lambda x: nst.norm.logcdf(x))(-40.0))


@pytest.mark.parametrize("name,params", [("poisson", (2.5,)), ("poisson", (0.0,)),
                                         ("bernoulli", (0.3,)), ("bernoulli", (1.0,))])
def test_discrete_values_are_scipys(name, params):
    k = numpy.array([-1.0, 0.0, 1.0, 2.0, 3.5, 7.0])
    with numpy.errstate(divide="ignore"):
        for m in ["logpmf", "pmf", "cdf", "logcdf"]:
            close(getattr(getattr(nst, name), m)(k, *params),
                  getattr(getattr(scipy.stats, name), m)(k, *params))


def test_multivariate_normal_values_are_scipys():
    m = rng.normal(size=(3, 3))
    cov, mean = m @ m.T + numpy.eye(3), rng.normal(size=3)
    x = rng.normal(size=(5, 3))
    mvn, ref = nst.multivariate_normal, scipy.stats.multivariate_normal
    close(mvn.logpdf(x, mean, cov), ref.logpdf(x, mean, cov))
    close(mvn.logpdf(x[0], mean, cov), ref.logpdf(x[0], mean, cov))
    close(mvn.pdf(x, mean, cov), ref.pdf(x, mean, cov))
    close(mvn(mean, cov).logpdf(x), ref(mean, cov).logpdf(x))
    close(mvn.logpdf(x, mean, numpy.diag(cov)), ref.logpdf(x, mean, numpy.diag(cov)))
    close(mvn.logpdf(x[:, 0], 0.5, 2.0), ref.logpdf(x[:, 0], 0.5, 2.0))  # 1-D: n points
    close(mvn.logpdf(x, mean, 2.0), ref.logpdf(x, mean, 2.0))


def test_gaussian_log_likelihood_gradients_are_the_closed_form():
    x = rng.normal(2.0, 3.0, size=50)

    def loglik(mu, sigma):
        return nst.norm.logpdf(x, loc=mu, scale=sigma).sum()

    mu, sigma = 1.5, 2.5
    g_mu, g_sigma = nabla.grad(loglik, argnums=(0, 1))(mu, sigma)
    r = x - mu
    close(g_mu, r.sum() / sigma**2)
    close(g_sigma, -x.size / sigma + (r**2).sum() / sigma**3)
    # and in the value: d/dx log N(x) = −(x − μ)/σ²
    close(nabla.elementwise_grad(lambda x: nst.norm.logpdf(x, mu, sigma))(x), -r / sigma**2)


def test_multivariate_normal_gradients_are_the_closed_form():
    m = rng.normal(size=(3, 3))
    cov, mean, x = m @ m.T + numpy.eye(3), rng.normal(size=3), rng.normal(size=3)
    g_x, g_mean, g_cov = nabla.grad(nst.multivariate_normal.logpdf, argnums=(0, 1, 2))(
        x, mean, cov)
    inv = numpy.linalg.inv(cov)
    r = x - mean
    close(g_x, -inv @ r)
    close(g_mean, inv @ r)
    numpy.testing.assert_allclose(g_cov, 0.5 * (inv @ numpy.outer(r, r) @ inv - inv),
                                  rtol=1e-10)


def test_poisson_and_bernoulli_gradients():
    k = numpy.array([0.0, 3.0, 5.0])
    # d/dmu Σ log pmf = Σ k/mu − n
    close(nabla.grad(lambda mu: nst.poisson.logpmf(k, mu).sum())(2.0), 8 / 2.0 - 3)
    # d/dmu P(K ≤ k) = −pmf(k)
    close(nabla.grad(lambda mu: nst.poisson.cdf(3, mu))(2.0), -scipy.stats.poisson.pmf(3, 2.0))
    y = numpy.array([1.0, 0.0, 1.0, 1.0])
    close(nabla.grad(lambda p: nst.bernoulli.logpmf(y, p).sum())(0.6), 3 / 0.6 - 1 / 0.4)


def test_cdfs_are_differentiable_in_location_and_scale():
    # d/dx F(x) is the density
    for dist, params in [(nst.t, (3.5, 0.3, 1.7)), (nst.gamma, (2.5, 0.0, 1.7)),
                         (nst.beta, (2.5, 1.5))]:
        g = nabla.elementwise_grad(lambda x, d=dist, p=params: d.cdf(x, *p))(
            numpy.array([0.2, 0.6]))
        close(g, dist.pdf(numpy.array([0.2, 0.6]), *params))


def test_invalid_parameters_raise():
    with pytest.raises(ValueError, match="norm.logpdf: scale must be positive"):
        nst.norm.logpdf(0.0, scale=-1.0)
    with pytest.raises(ValueError, match="scale must be positive"):
        nabla.grad(lambda s: nst.norm.logpdf(0.0, 0.0, s))(0.0)
    with pytest.raises(ValueError, match="gamma.logpdf: a must be positive"):
        nst.gamma.logpdf(1.0, -2.0)
    with pytest.raises(ValueError, match="t.logpdf: df must be positive"):
        nst.t.logpdf(1.0, 0.0)
    with pytest.raises(ValueError, match="p must be a probability"):
        nst.bernoulli.logpmf(1, 1.5)
    with pytest.raises(ValueError, match="mu must be non-negative"):
        nst.poisson.pmf(1, -1.0)
    with pytest.raises(ValueError, match="positive definite"):
        nst.multivariate_normal.logpdf(numpy.zeros(2), cov=numpy.array([[1.0, 2.0],
                                                                         [2.0, 1.0]]))
    with pytest.raises(ValueError, match="dimension"):
        nst.multivariate_normal.logpdf(numpy.zeros(3), cov=numpy.eye(2))


def test_what_is_not_differentiated_says_so():
    with pytest.raises(TypeError, match="k and loc are integers"):
        nabla.grad(lambda k: nst.poisson.logpmf(k, 2.0))(1.0)
    with pytest.raises(TypeError, match="stdtr with respect to df"):
        nabla.grad(lambda df: nst.t.cdf(0.5, df))(3.0)
    with pytest.raises(TypeError, match="gammainc with respect to a"):
        nabla.grad(lambda a: nst.gamma.cdf(0.5, a))(3.0)
    # ... while the log-densities are differentiable in every parameter
    g = nabla.grad(lambda df: nst.t.logpdf(0.5, df))(3.0)
    h = 1e-6
    close_fd = (scipy.stats.t.logpdf(0.5, 3.0 + h) - scipy.stats.t.logpdf(0.5, 3.0 - h)) / (2 * h)
    assert g == pytest.approx(close_fd, rel=1e-7)
