"""nabla.prob.vi.advi against exact posteriors of conjugate models."""

import math

import numpy as np
import pytest

import nabla.numpy as jnp
from nabla.prob import Bernoulli, Beta, Normal, transforms
from nabla.prob.vi import advi


def _normal_normal():
    """x_i ~ N(m, s²) with s known, m ~ N(m0, s0²): the exact posterior of m."""
    rng = np.random.default_rng(1)
    s, m0, s0 = 2.0, 1.0, 3.0
    x = rng.normal(4.0, s, size=25)
    post_var = 1.0 / (1.0 / s0**2 + x.size / s**2)
    post_mean = post_var * (m0 / s0**2 + x.sum() / s**2)

    def log_joint(z):
        m = z["m"]
        return Normal(m0, s0).log_prob(m) + jnp.sum(Normal(m, s).log_prob(x))

    return log_joint, post_mean, math.sqrt(post_var)


@pytest.mark.parametrize("family", ["meanfield", "fullrank"])
def test_normal_mean_known_variance(family):
    log_joint, post_mean, post_std = _normal_normal()
    fit = advi(log_joint, {"m": 0.0}, family=family, steps=1500, num_samples=4)
    assert abs(float(fit.mean["m"]) - post_mean) < 0.02 * post_std
    assert abs(float(fit.std["m"]) - post_std) < 0.05 * post_std
    assert fit.elbo.shape == (1500,)
    assert fit.cov.shape == (1, 1)
    np.testing.assert_allclose(fit.cov[0, 0], float(fit.std["m"]) ** 2)


def _linear_regression():
    """y = b + X w + noise, noise ~ N(0, σ²) known, (b, w) ~ N(0, τ² I)."""
    rng = np.random.default_rng(2)
    n, sigma, tau = 40, 0.5, 2.0
    X = rng.normal(size=(n, 2))
    y = 0.3 + X @ np.array([1.5, -0.7]) + sigma * rng.normal(size=n)
    A = np.column_stack([np.ones(n), X])  # the flattened order: 'b' before 'w'
    cov = np.linalg.inv(A.T @ A / sigma**2 + np.eye(3) / tau**2)
    mean = cov @ A.T @ y / sigma**2

    def log_joint(z):
        b, w = z["b"], z["w"]
        prior = Normal(0.0, tau).log_prob(b) + jnp.sum(Normal(0.0, tau).log_prob(w))
        return prior + jnp.sum(Normal(b + X @ w, sigma).log_prob(y))

    return log_joint, mean, cov


def test_linear_regression_fullrank():
    log_joint, mean, cov = _linear_regression()
    fit = advi(log_joint, {"b": 0.0, "w": np.zeros(2)}, family="fullrank", steps=1500,
               num_samples=4)
    got_mean = np.concatenate([[fit.mean["b"]], fit.mean["w"]])
    assert np.linalg.norm(got_mean - mean) < 0.05 * np.linalg.norm(mean)
    assert np.linalg.norm(fit.cov - cov) < 0.05 * np.linalg.norm(cov)
    np.testing.assert_allclose(fit.std["w"], np.sqrt(np.diag(fit.cov))[1:])
    draws = fit.sample(np.random.default_rng(0), 20000)
    assert draws["b"].shape == (20000,) and draws["w"].shape == (20000, 2)
    flat = np.column_stack([draws["b"], draws["w"]])
    np.testing.assert_allclose(np.cov(flat.T), fit.cov, atol=0.05 * np.abs(cov).max())


def test_beta_bernoulli_elbo_below_log_evidence():
    # few observations, so the posterior of logit p is visibly non-Gaussian and the gap
    # KL(q ‖ posterior) (about 0.01 nats) is larger than the Monte Carlo error
    a, b = 1.0, 1.0
    data = np.array([0, 1, 0, 0, 0], float)
    n, k = data.size, data.sum()
    T = transforms.SigmoidTransform()

    def log_joint(z):
        p = T(z["u"])
        return (Beta(a, b).log_prob(p) + jnp.sum(Bernoulli(probs=p).log_prob(data))
                + T.log_abs_det_jacobian(z["u"], p))

    def log_beta(x, y):
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    log_evidence = log_beta(a + k, b + n - k) - log_beta(a, b)
    fit = advi(log_joint, {"u": 0.0}, steps=1500, num_samples=4, final_samples=20000)
    assert fit.final_elbo < log_evidence
    assert log_evidence - fit.final_elbo < 0.05
    # the posterior of p is Beta(a + k, b + n − k): its mean, by sampling through T
    p = T(fit.sample(np.random.default_rng(3), 20000)["u"])
    assert abs(float(np.mean(p)) - (a + k) / (a + b + n)) < 0.02


def test_same_seed_same_result_and_checks():
    log_joint, _, _ = _normal_normal()
    f1 = advi(log_joint, {"m": 0.0}, steps=50, num_samples=2, seed=5)
    f2 = advi(log_joint, {"m": 0.0}, steps=50, num_samples=2, seed=5)
    f3 = advi(log_joint, {"m": 0.0}, steps=50, num_samples=2, seed=6)
    np.testing.assert_array_equal(f1.elbo, f2.elbo)
    assert f1.final_elbo == f2.final_elbo and f1.mean["m"] == f2.mean["m"]
    assert not np.array_equal(f1.elbo, f3.elbo)
    with pytest.raises(ValueError, match="family"):
        advi(log_joint, {"m": 0.0}, family="lowrank")
    with pytest.raises(ValueError, match="steps"):
        advi(log_joint, {"m": 0.0}, steps=0)
    with pytest.raises(ValueError, match="lr"):
        advi(log_joint, {"m": 0.0}, lr=-1.0)


def test_meanfield_cov_is_diagonal_and_elbo_increases():
    log_joint, _, _ = _linear_regression()
    fit = advi(log_joint, {"b": 0.0, "w": np.zeros(2)}, steps=1000, num_samples=4)
    np.testing.assert_array_equal(fit.cov, np.diag(np.diag(fit.cov)))
    assert fit.elbo[-100:].mean() > fit.elbo[:100].mean()
