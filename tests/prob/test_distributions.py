"""nabla.prob distributions against scipy.stats, finite differences, quadrature and sampling."""

import math

import numpy as np
import pytest
import scipy.stats as st

import nabla
from nabla import tree
from nabla.calculus.integrate import quad
from nabla.prob import (
    Bernoulli,
    Beta,
    Categorical,
    Dirichlet,
    Exponential,
    Gamma,
    LogNormal,
    MultivariateNormal,
    Normal,
    Poisson,
    StudentT,
    Uniform,
)

RNG = np.random.default_rng(0)


def _pos(n=3, lo=0.5, hi=3.0):
    return RNG.uniform(lo, hi, n)


# name: (make(params) -> distribution, scipy frozen, random params, support for quad, values)
def _uniform_params():
    low = RNG.normal(size=3)
    return (low, low + _pos())


UNIVARIATE = {
    "Normal": (Normal, lambda m, s: st.norm(m, s), lambda: (RNG.normal(size=3), _pos()),
               lambda m, s: (-np.inf, np.inf)),
    "LogNormal": (LogNormal, lambda m, s: st.lognorm(s, scale=np.exp(m)),
                  lambda: (RNG.normal(size=3) * 0.5, _pos(lo=0.3, hi=1.0)),
                  lambda m, s: (0.0, np.inf)),
    "Uniform": (Uniform, lambda lo, hi: st.uniform(lo, hi - lo), _uniform_params,
                lambda lo, hi: (lo, hi)),
    "Exponential": (Exponential, lambda r: st.expon(scale=1 / r), lambda: (_pos(),),
                    lambda r: (0.0, np.inf)),
    "Gamma": (Gamma, lambda a, r: st.gamma(a, scale=1 / r), lambda: (_pos(lo=1.0, hi=4.0), _pos()),
              lambda a, r: (0.0, np.inf)),
    "Beta": (Beta, lambda a, b: st.beta(a, b), lambda: (_pos(lo=1.0), _pos(lo=1.0)),
             lambda a, b: (0.0, 1.0)),
    "StudentT": (StudentT, lambda df, m, s: st.t(df, m, s),
                 lambda: (_pos(lo=5.0, hi=9.0), RNG.normal(size=3), _pos()),
                 lambda df, m, s: (-np.inf, np.inf)),
}


def _values(d, n=4):
    """Points inside the support, shaped (n, 1) to broadcast against batch shape (3,)."""
    x = np.asarray(d.sample(np.random.default_rng(1), (n,)))[:, :1]
    return x


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_matches_scipy(name):
    make, ref, params, _ = UNIVARIATE[name]
    for _ in range(3):
        p = params()
        d, r = make(*p), ref(*p)
        assert d.batch_shape == (3,) and d.event_shape == ()
        x = _values(d)
        lp = d.log_prob(x)
        assert lp.shape == (4, 3)
        np.testing.assert_allclose(lp, r.logpdf(x), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(d.cdf(x), r.cdf(x), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(d.mean, r.mean(), rtol=1e-10)
        np.testing.assert_allclose(d.variance, r.var(), rtol=1e-10)
        np.testing.assert_allclose(d.entropy(), r.entropy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_outside_support_is_minus_inf(name):
    make, ref, params, support = UNIVARIATE[name]
    p = tuple(q[:1] for q in params())
    lo, hi = support(*p)
    d = make(*p)
    for x in (np.asarray(lo) - 1.0, np.asarray(hi) + 1.0):
        if np.all(np.isfinite(x)):
            lp = np.asarray(d.log_prob(x))
            assert np.all(lp == -np.inf), (name, x, lp)
            np.testing.assert_allclose(d.cdf(x), ref(*p).cdf(x), atol=1e-12)


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_gradients(name):
    make, _, params, _ = UNIVARIATE[name]
    p = params()
    d = make(*p)
    x = _values(d)
    x = x if name != "Uniform" else (p[0] + 0.3 * (p[1] - p[0]))[None, :]  # inside, away from edges
    nabla.check_grads(lambda *a: make(*a[:-1]).log_prob(a[-1]), (*p, x))
    # entropy too
    nabla.check_grads(lambda *a: make(*a).entropy(), p)


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_density_integrates_to_one(name):
    make, _, params, support = UNIVARIATE[name]
    p = tuple(float(q[0]) for q in params())
    d = make(*p)
    lo, hi = support(*p)
    total = quad(lambda x: nabla.numpy.exp(d.log_prob(x)), lo, hi).value
    assert abs(float(total) - 1) < 1e-7


def _check_moments(x, mean, var, axis=0):
    """Sample mean and variance within 5 standard errors of ``mean`` and ``var``."""
    x = np.asarray(x, dtype=float)
    n = x.shape[axis]
    m, v = x.mean(axis), x.var(axis)
    assert np.all(np.abs(m - mean) < 5 * np.sqrt(var / n) + 1e-12), (m, mean)
    se_var = np.sqrt(((x - m) ** 2).var(axis) / n)
    assert np.all(np.abs(v - var) < 5 * se_var + 1e-12), (v, var)


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_sample_moments(name):
    make, _, params, _ = UNIVARIATE[name]
    d = make(*params())
    x = d.sample(np.random.default_rng(2), (100_000,))
    assert x.shape == (100_000, 3)
    _check_moments(x, np.asarray(d.mean), np.asarray(d.variance))


DISCRETE = {
    "Bernoulli": (lambda p: Bernoulli(probs=p), lambda p: st.bernoulli(p),
                  lambda: (RNG.uniform(0.05, 0.95, 3),), np.arange(-1, 3)[:, None]),
    "Poisson": (Poisson, lambda r: st.poisson(r), lambda: (_pos(hi=6.0),),
                np.arange(-1, 9)[:, None]),
}


@pytest.mark.parametrize("name", DISCRETE)
def test_discrete_matches_scipy(name):
    make, ref, params, k = DISCRETE[name]
    for _ in range(3):
        p = params()
        d, r = make(*p), ref(*p)
        assert d.batch_shape == (3,)
        np.testing.assert_allclose(d.log_prob(k), r.logpmf(k), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(d.cdf(k + 0.5), r.cdf(k + 0.5), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(d.mean, r.mean(), rtol=1e-10)
        np.testing.assert_allclose(d.variance, r.var(), rtol=1e-10)
        np.testing.assert_allclose(d.entropy(), r.entropy(), rtol=1e-10, atol=1e-10)
        assert np.all(np.asarray(d.log_prob(np.array([0.5, -1.0, 7.5]))) == -np.inf)


@pytest.mark.parametrize("name", DISCRETE)
def test_discrete_gradients_and_samples(name):
    make, _, params, k = DISCRETE[name]
    p = params()
    kk = np.clip(k, 0, 1) if name == "Bernoulli" else np.clip(k, 0, None)
    nabla.check_grads(lambda q: make(q).log_prob(kk), p)
    nabla.check_grads(lambda q: make(q).entropy(), p)
    d = make(*p)
    x = d.sample(np.random.default_rng(3), (100_000,))
    assert x.shape == (100_000, 3)
    _check_moments(x, np.asarray(d.mean), np.asarray(d.variance))


def test_bernoulli_logits_stable_and_equal_to_probs():
    logits = RNG.normal(size=3) * 2
    p = 1 / (1 + np.exp(-logits))
    a, b = Bernoulli(logits=logits), Bernoulli(probs=p)
    k = np.array([[0.0], [1.0]])
    np.testing.assert_allclose(a.log_prob(k), b.log_prob(k), rtol=1e-10)
    np.testing.assert_allclose(a.entropy(), st.bernoulli(p).entropy(), rtol=1e-10)
    np.testing.assert_allclose(a.mean, p, rtol=1e-12)
    nabla.check_grads(lambda q: Bernoulli(logits=q).log_prob(k), (logits,))
    nabla.check_grads(lambda q: Bernoulli(logits=q).entropy(), (logits,))
    big = Bernoulli(logits=np.array([-800.0, 800.0]))
    np.testing.assert_allclose(big.log_prob(np.array([1.0, 0.0])), [-800.0, -800.0])
    np.testing.assert_allclose(big.log_prob(np.array([0.0, 1.0])), [0.0, 0.0])


def test_categorical():
    for _ in range(3):
        logits = RNG.normal(size=(3, 4))
        p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        for d in (Categorical(logits=logits), Categorical(probs=p * 2.5)):
            assert d.batch_shape == (3,) and d.event_shape == ()
            k = np.array([[0], [1], [3]])
            np.testing.assert_allclose(d.log_prob(k), np.log(p[np.arange(3), k]), rtol=1e-10)
            np.testing.assert_allclose(d.entropy(), st.entropy(p, axis=-1), rtol=1e-10)
            np.testing.assert_allclose(d.probs, p, rtol=1e-10)
            assert np.all(np.asarray(d.log_prob(np.array([-1, 4, 1.5]))) == -np.inf)
    k = np.array([[0], [2]])
    nabla.check_grads(lambda q: Categorical(logits=q).log_prob(k), (logits,))
    nabla.check_grads(lambda q: Categorical(probs=q).log_prob(k), (p,))
    nabla.check_grads(lambda q: Categorical(logits=q).entropy(), (logits,))
    x = Categorical(probs=p).sample(np.random.default_rng(4), (100_000,))
    assert x.shape == (100_000, 3)
    freq = (x[..., None] == np.arange(4)).mean(0)
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / 100_000))


def _spd(d):
    a = RNG.normal(size=(d, d))
    return a @ a.T + d * np.eye(d)


def test_multivariate_normal():
    for _ in range(3):
        mu, cov = RNG.normal(size=3), _spd(3)
        r = st.multivariate_normal(mu, cov)
        for d in (MultivariateNormal(mu, covariance_matrix=cov),
                  MultivariateNormal(mu, scale_tril=np.linalg.cholesky(cov))):
            assert d.batch_shape == () and d.event_shape == (3,)
            x = RNG.normal(size=(5, 3))
            np.testing.assert_allclose(d.log_prob(x), r.logpdf(x), rtol=1e-10)
            np.testing.assert_allclose(d.log_prob(x[0]), r.logpdf(x[0]), rtol=1e-10)
            np.testing.assert_allclose(d.mean, mu)
            np.testing.assert_allclose(d.variance, np.diag(cov), rtol=1e-10)
            np.testing.assert_allclose(d.covariance_matrix, cov, rtol=1e-10)
            np.testing.assert_allclose(d.entropy(), r.entropy(), rtol=1e-10)
    # batched loc
    locs = RNG.normal(size=(2, 3))
    d = MultivariateNormal(locs, covariance_matrix=cov)
    assert d.batch_shape == (2,)
    x = RNG.normal(size=(4, 1, 3))
    want = np.stack([st.multivariate_normal(m, cov).logpdf(x[:, 0]) for m in locs], -1)
    np.testing.assert_allclose(d.log_prob(x), want, rtol=1e-10)


def test_multivariate_normal_gradients_and_samples():
    mu, cov = RNG.normal(size=3), _spd(3)
    x = RNG.normal(size=(4, 3))
    # only symmetric perturbations of a covariance are meaningful
    nabla.check_grads(lambda m, c, v: MultivariateNormal(m, covariance_matrix=(c + c.T) / 2)
                      .log_prob(v), (mu, cov, x))
    L = np.linalg.cholesky(cov)
    nabla.check_grads(lambda m, t, v: MultivariateNormal(m, scale_tril=nabla.numpy.tril(t))
                      .log_prob(v),
                      (mu, L, x))
    d = MultivariateNormal(mu, covariance_matrix=cov)
    s = d.sample(np.random.default_rng(5), (100_000,))
    assert s.shape == (100_000, 3)
    _check_moments(s, mu, np.diag(cov))
    np.testing.assert_allclose(np.cov(s.T), cov, rtol=0.05, atol=0.05)


def test_dirichlet():
    for _ in range(3):
        a = _pos(4, lo=1.0)
        d, r = Dirichlet(a), st.dirichlet(a)
        assert d.batch_shape == () and d.event_shape == (4,)
        x = RNG.dirichlet(a)
        np.testing.assert_allclose(d.log_prob(x), r.logpdf(x), rtol=1e-10)
        np.testing.assert_allclose(d.mean, r.mean(), rtol=1e-10)
        np.testing.assert_allclose(d.variance, r.var(), rtol=1e-10)
        np.testing.assert_allclose(d.entropy(), r.entropy(), rtol=1e-10)
        assert float(d.log_prob(np.array([0.5, 0.5, 0.5, -0.5]))) == -np.inf
        assert float(d.log_prob(np.array([0.5, 0.5, 0.5, 0.5]))) == -np.inf
    nabla.check_grads(lambda q: Dirichlet(q).log_prob(x), (a,))
    nabla.check_grads(lambda q: Dirichlet(q).entropy(), (a,))
    s = Dirichlet(a).sample(np.random.default_rng(6), (100_000,))
    assert s.shape == (100_000, 4)
    np.testing.assert_allclose(s.sum(-1), 1.0)
    _check_moments(s, np.asarray(d.mean), np.asarray(d.variance))
    batched = Dirichlet(np.stack([a, a + 1]))
    assert batched.batch_shape == (2,)
    assert batched.log_prob(x).shape == (2,)


def test_rsample_gradient_of_normal_second_moment():
    mu, sigma, n = 0.7, 1.3, 100_000

    def second_moment(m, s):
        x = Normal(m, s).rsample(np.random.default_rng(7), (n,))
        return (x * x).mean()

    dmu, dsigma = nabla.grad(second_moment, argnums=(0, 1))(mu, sigma)
    eps = np.random.default_rng(7).standard_normal(n)
    x = mu + sigma * eps
    se_mu, se_sigma = (2 * x).std() / math.sqrt(n), (2 * x * eps).std() / math.sqrt(n)
    assert abs(float(dmu) - 2 * mu) < 5 * se_mu
    assert abs(float(dsigma) - 2 * sigma) < 5 * se_sigma


@pytest.mark.parametrize("make, params", [
    (Normal, (0.3, 1.5)), (LogNormal, (0.2, 0.4)), (Uniform, (-1.0, 2.5)),
    (Exponential, (1.7,)),
])
def test_rsample_gradient_of_mean(make, params):
    n = 100_000
    argnums = tuple(range(len(params)))
    est = nabla.grad(lambda *p: make(*p).rsample(np.random.default_rng(8), (n,)).mean(),
                     argnums=argnums)(*params)
    exact = nabla.grad(lambda *p: make(*p).mean, argnums=argnums)(*params)
    np.testing.assert_allclose(np.array(est, dtype=float), np.array(exact, dtype=float),
                               rtol=0.03, atol=0.01)


def test_rsample_gradient_multivariate_normal():
    mu, L = np.array([0.5, -1.0]), np.array([[1.0, 0.0], [0.6, 0.8]])
    x = MultivariateNormal(mu, scale_tril=L).rsample(np.random.default_rng(9), (7,))
    assert x.shape == (7, 2)
    g = nabla.grad(lambda m: MultivariateNormal(m, scale_tril=L).rsample(
        np.random.default_rng(9), (7,)).sum())(mu)
    np.testing.assert_allclose(g, [7.0, 7.0])


def test_sample_shapes_and_seeds():
    dists = [Normal(np.zeros(2), 1.0), LogNormal(0.0, np.ones(2)), Uniform(0.0, np.ones(2)),
             Exponential(np.ones(2)), Gamma(np.ones(2), 1.0), Beta(np.ones(2), 2.0),
             StudentT(np.full(2, 3.0)), Bernoulli(probs=np.full(2, 0.3)),
             Categorical(logits=np.zeros((2, 5))), Poisson(np.ones(2)),
             MultivariateNormal(np.zeros((2, 3)), covariance_matrix=np.eye(3)),
             Dirichlet(np.ones((2, 3)))]
    for d in dists:
        a = d.sample(np.random.default_rng(11), (4, 5))
        b = d.sample(np.random.default_rng(11), (4, 5))
        assert a.shape == (4, 5) + tuple(d.batch_shape) + tuple(d.event_shape), d
        np.testing.assert_array_equal(a, b)
        assert d.sample(np.random.default_rng(11)).shape == tuple(d.batch_shape) + tuple(
            d.event_shape)


def test_float32_in_float32_out():
    f = np.float32
    for d, x in [(Normal(np.array([0.0, 1.0], f), f(2.0)), 0.5),
                 (LogNormal(np.array([0.0, 1.0], f), 2.0), 0.5),
                 (Uniform(np.array([0.0, 1.0], f), 2.0), 0.5),
                 (Gamma(np.array([2.0], f), 1.0), 0.5),
                 (Beta(np.array([2.0], f), 3.0), 0.5),
                 (StudentT(np.array([3.0], f), 1.0, 2.0), 0.5),
                 (Exponential(np.array([2.0], f)), 0.5),
                 (Bernoulli(probs=np.array([0.3], f)), 1.0),
                 (Bernoulli(logits=np.array([0.3], f)), 1.0),
                 (Poisson(np.array([0.3], f)), 1.0),
                 (Dirichlet(np.ones(3, f)), np.full(3, 1 / 3, f)),
                 (MultivariateNormal(np.zeros(2, f), covariance_matrix=np.eye(2, dtype=f)),
                  np.zeros(2, f))]:
        assert np.asarray(d.log_prob(x)).dtype == np.float32, d
        assert np.asarray(d.entropy()).dtype == np.float32, d
        assert np.asarray(d.mean).dtype == np.float32, d
        assert np.asarray(d.sample(np.random.default_rng(0), (3,))).dtype == np.float32, d
    c = Categorical(logits=np.zeros(3, f))
    assert np.asarray(c.log_prob(1)).dtype == np.float32
    assert np.asarray(c.entropy()).dtype == np.float32


def test_edge_parameters():
    d = StudentT(np.array([0.5, 1.5, 3.0]), 1.0, 2.0)
    np.testing.assert_array_equal(d.mean, [np.nan, 1.0, 1.0])  # torch's convention
    np.testing.assert_array_equal(d.variance, [np.nan, np.inf, 12.0])
    p = Poisson(np.array([0.0, 2.0]))
    np.testing.assert_allclose(p.entropy(), st.poisson([0.0, 2.0]).entropy(), rtol=1e-10)
    np.testing.assert_allclose(p.log_prob(np.array([0.0, 1.0])),
                               st.poisson([0.0, 2.0]).logpmf([0, 1]))
    b = Bernoulli(probs=np.array([0.0, 1.0]))
    np.testing.assert_array_equal(b.log_prob(np.array([[0.0], [1.0]])),
                                  [[0, -np.inf], [-np.inf, 0]])
    np.testing.assert_array_equal(b.entropy(), [0.0, 0.0])
    assert float(Exponential(1.0).log_prob(-1.0)) == -np.inf
    with pytest.raises(TypeError, match="counts are data"):
        nabla.grad(lambda k: Poisson(1.0).log_prob(k))(1.0)


def test_distribution_is_a_pytree():
    d = Normal(np.array([0.0, 1.0]), 2.0)
    assert len(tree.leaves(d)) == 2
    g = nabla.grad(lambda q: q.log_prob(np.array([1.0, 1.0])).sum())(d)
    assert isinstance(g, Normal)
    np.testing.assert_allclose(g.loc, [0.25, 0.0])
    gb = nabla.grad(lambda q: q.log_prob(np.array([1.0])).sum())(Bernoulli(logits=0.0))
    np.testing.assert_allclose(gb.logits, 0.5)


def test_gradient_finite_when_some_values_outside_support():
    x = np.array([-1.0, 0.5, 2.0])
    g = nabla.grad(lambda r: Gamma(2.0, r).log_prob(x)[1:].sum())(1.5)
    assert np.isfinite(float(g))
    g = nabla.grad(lambda a: Beta(a, 2.0).log_prob(np.array([0.3, 1.5]))[0])(2.0)
    assert np.isfinite(float(g))


@pytest.mark.parametrize("build, phrase", [
    (lambda: Normal(0.0, -1.0), "scale must be positive"),
    (lambda: LogNormal(0.0, 0.0), "scale must be positive"),
    (lambda: Uniform(1.0, 0.0), "high must be greater than low"),
    (lambda: Exponential(-2.0), "rate must be positive"),
    (lambda: Gamma(-1.0, 1.0), "concentration must be positive"),
    (lambda: Gamma(1.0, 0.0), "rate must be positive"),
    (lambda: Beta(1.0, -1.0), "concentration0 must be positive"),
    (lambda: StudentT(0.0), "df must be positive"),
    (lambda: StudentT(3.0, 0.0, -1.0), "scale must be positive"),
    (lambda: Bernoulli(probs=1.5), "probs must be probabilities in [0, 1]"),
    (lambda: Bernoulli(), "exactly one of probs and logits"),
    (lambda: Bernoulli(probs=0.5, logits=0.0), "exactly one of probs and logits"),
    (lambda: Categorical(probs=[0.5, -0.5]), "probs must be non-negative"),
    (lambda: Poisson(-1.0), "rate must be non-negative"),
    (lambda: Dirichlet([1.0, 0.0]), "concentration must be positive"),
    (lambda: MultivariateNormal(np.zeros(2), covariance_matrix=np.array([[1.0, 2.0],
                                                                          [2.0, 1.0]])),
     "positive definite"),
    (lambda: MultivariateNormal(np.zeros(2), covariance_matrix=np.eye(3)), "must be a (2, 2)"),
    (lambda: MultivariateNormal(np.zeros(2), scale_tril=np.ones((2, 2))), "lower triangular"),
    (lambda: MultivariateNormal(np.zeros(2)), "exactly one of covariance_matrix"),
    (lambda: MultivariateNormal(np.zeros(2), covariance_matrix=np.eye(2)).log_prob(np.zeros(3)),
     "event shape"),
    (lambda: Dirichlet(np.ones(3)).log_prob(np.ones(2) / 2), "event shape"),
])
def test_bad_input_errors(build, phrase):
    with pytest.raises(ValueError, match=__import__("re").escape(phrase)):
        build()
