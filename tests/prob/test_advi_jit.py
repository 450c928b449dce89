"""advi(..., jit=True): the ELBO estimates and the fitted q are those of jit=False (float64,
1e-10), for both families; a log_joint that cannot be compiled runs eagerly with a warning
(silently with jit="auto", the default)."""

import warnings

import numpy as np
import pytest

import nabla.numpy as jnp
from nabla.prob import Beta, advi, transforms

RNG = np.random.default_rng(0)
X = RNG.standard_normal((200, 3))
Y = (RNG.random(200) < 1.0 / (1.0 + np.exp(-X @ np.array([1.0, -2.0, 0.5])))).astype(float)


def counted(log_joint):
    calls = []

    def wrapper(z):
        calls.append(None)
        return log_joint(z)

    return wrapper, calls


def logistic_regression(z):
    """Bayesian logistic regression: N(0, 1) prior on the weights and on the bias."""
    logits = X @ z["w"] + z["b"]
    return (jnp.sum(Y * logits - jnp.logaddexp(0.0, logits))
            - 0.5 * jnp.sum(z["w"] ** 2) - 0.5 * z["b"] ** 2)


def assert_same_fit(compiled, eager):
    np.testing.assert_allclose(compiled.elbo, eager.elbo, rtol=0, atol=1e-10)
    np.testing.assert_allclose(compiled.loc, eager.loc, rtol=0, atol=1e-10)
    np.testing.assert_allclose(compiled.scale_tril, eager.scale_tril, rtol=0, atol=1e-10)
    assert compiled.final_elbo == pytest.approx(eager.final_elbo, abs=1e-10)


@pytest.mark.parametrize("family", ["meanfield", "fullrank"])
def test_the_fit_is_that_of_the_eager_run(family):
    log_joint, calls = counted(logistic_regression)
    options = dict(family=family, steps=40, num_samples=2, final_samples=10)
    init = {"w": np.zeros(3), "b": 0.0}
    eager = advi(log_joint, init, jit=False, **options)
    assert len(calls) == 40 * 2 + 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager
        compiled = advi(log_joint, init, jit=True, **options)
    assert_same_fit(compiled, eager)
    # compiled: log_joint runs in Python once per draw to be traced and once per draw to
    # check the first result, then only for final_elbo
    assert len(calls) - (40 * 2 + 10) == 2 * 2 + 10


T = transforms.SigmoidTransform()


def beta_bernoulli(z):
    """7 successes in 10 under a Beta(2, 3) prior; it checks the probability in Python, so
    it cannot be compiled."""
    p = T(z["u"])
    if not 0 < p < 1:
        raise ValueError("p must be a probability")
    return (Beta(2.0, 3.0).log_prob(p) + 7 * jnp.log(p) + 3 * jnp.log1p(-p)
            + T.log_abs_det_jacobian(z["u"], p))


def test_a_log_joint_that_cannot_be_compiled_runs_eagerly_with_a_warning():
    options = dict(steps=30, final_samples=10)
    eager = advi(beta_bernoulli, {"u": 0.0}, jit=False, **options)
    with pytest.warns(UserWarning, match=r"advi: jit=True, but log_joint runs eagerly .* "
                                         r"cannot be compiled"):
        fallback = advi(beta_bernoulli, {"u": 0.0}, jit=True, **options)
    assert_same_fit(fallback, eager)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = advi(beta_bernoulli, {"u": 0.0}, **options)  # jit="auto"
    assert_same_fit(quiet, eager)


def test_jit_must_be_true_false_or_auto():
    with pytest.raises(TypeError, match="advi: jit must be True, False or 'auto'"):
        advi(logistic_regression, {"w": np.zeros(3), "b": 0.0}, jit=0)
