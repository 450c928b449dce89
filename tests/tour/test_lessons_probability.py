"""The probability lessons of the tour: each runs quickly, draws its figures, and its
numbers agree with independent computations (SciPy, closed forms, scikit-learn)."""

import importlib
import math
import time

import numpy
import pytest
import scipy.integrate
import scipy.stats

PROBABILITY = ["densities", "likelihood", "mixtures", "variational", "policy_gradient"]
PNG = b"\x89PNG\r\n\x1a\n"


def module(name):
    return importlib.import_module(f"nabla.tour.lessons.{name}")


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    """Every probability lesson, run once with quick=True: {name: (lesson, folder, s)}."""
    out = {}
    for name in PROBABILITY:
        folder = tmp_path_factory.mktemp(name)
        start = time.perf_counter()
        lesson = module(name).run(folder, quick=True)
        out[name] = (lesson, folder, time.perf_counter() - start)
    return out


def test_they_follow_the_registry():
    from nabla.tour.lessons import ORDER
    assert ORDER[-len(PROBABILITY):] == tuple(PROBABILITY)


@pytest.mark.parametrize("name", PROBABILITY)
def test_lesson_runs_quickly_with_figures(lessons, name):
    lesson, folder, seconds = lessons[name]
    assert lesson.name == name == module(name).NAME and lesson.title == module(name).TITLE
    assert seconds < 30, seconds
    assert lesson.figures and lesson.code.strip() and lesson.numbers
    for f in lesson.figures:
        assert f.startswith(f"{name}-") and f.endswith(".png")
        data = (folder / f).read_bytes()
        assert len(data) > 1000 and data.startswith(PNG)


def test_densities_integrate_to_one(lessons):
    n = lessons["densities"][0].numbers
    assert n["∫ Normal(1, 2) density over [−15, 17]"] == pytest.approx(1.0, abs=1e-12)
    assert n["∫ Gamma(3, 2) density over [0, 30]"] == pytest.approx(1.0, abs=1e-12)
    assert n["∫ x · Normal(1, 2) density (the mean)"] == pytest.approx(1.0, abs=1e-10)
    assert n["∫ (x − 1)² · Normal(1, 2) density (the variance)"] == pytest.approx(4.0, rel=1e-10)
    assert n["∫ x · Gamma(3, 2) density (the mean)"] == pytest.approx(1.5, rel=1e-10)
    within = scipy.stats.norm.cdf(1) - scipy.stats.norm.cdf(-1)
    assert n["P(μ − σ < X < μ + σ) = ∫ over [−1, 3]"] == pytest.approx(within, rel=1e-12)
    assert n["Normal(1, 2) cdf(3) − cdf(−1)"] == pytest.approx(within, rel=1e-12)
    gamma = scipy.stats.gamma(3.0, scale=0.5)
    assert scipy.integrate.quad(gamma.pdf, 0, 30)[0] == pytest.approx(
        n["∫ Gamma(3, 2) density over [0, 30]"], rel=1e-10)


def test_likelihood_matches_the_closed_form(lessons):
    n = lessons["likelihood"][0].numbers
    x = module("likelihood").sample(quick=True)
    mu, sigma = x.mean(), x.std()          # the MLE of a Normal (biased σ)
    assert n["n"] == len(x) == 200
    assert n["MLE μ̂"] == pytest.approx(mu, rel=1e-10)
    assert n["MLE σ̂"] == pytest.approx(sigma, rel=1e-10)
    assert n["standard error of μ̂"] == pytest.approx(sigma / math.sqrt(len(x)), rel=1e-8)
    assert n["standard error of σ̂"] == pytest.approx(sigma / math.sqrt(2 * len(x)), rel=1e-8)
    assert n["maximum log-likelihood ℓ(μ̂, σ̂)"] == pytest.approx(
        scipy.stats.norm(mu, sigma).logpdf(x).sum(), rel=1e-12)
    rate = 1 / numpy.abs(x).mean()
    assert n["Exponential MLE rate of |x|"] == pytest.approx(rate, rel=1e-10)
    assert n["standard error of the Exponential rate"] == pytest.approx(
        rate / math.sqrt(len(x)), rel=1e-8)


def test_mixtures_em_is_monotone_and_agrees_with_sklearn(lessons):
    sklearn_mixture = pytest.importorskip("sklearn.mixture")
    n = lessons["mixtures"][0].numbers
    history = numpy.array(n["mean log-likelihood per iteration"])
    assert len(history) == n["EM iterations"] > 5
    assert numpy.all(numpy.diff(history) >= -1e-12)
    assert history[-1] - history[0] > 0.1       # it visibly climbs
    assert history[-1] == n["final mean log-likelihood (lower_bound_)"]
    X = module("mixtures").sample(quick=True)
    sk = sklearn_mixture.GaussianMixture(3, random_state=0, tol=1e-8).fit(X)
    assert n["final mean log-likelihood (lower_bound_)"] == pytest.approx(
        sk.lower_bound_, abs=1e-5)
    order = numpy.argsort(sk.means_[:, 0])
    numpy.testing.assert_allclose(n["means, sorted by x₁"], sk.means_[order], atol=1e-3)
    numpy.testing.assert_allclose(n["weights, same order"], sk.weights_[order], atol=1e-3)


def test_variational_matches_the_conjugate_posterior(lessons):
    n = lessons["variational"][0].numbers
    v = module("variational")
    x = v.sample()
    # the exact posterior of μ, by precision weighting, written out independently
    precision = 1 / 100 + len(x)
    mean, std = x.sum() / precision, 1 / math.sqrt(precision)
    assert n["exact posterior mean (conjugate)"] == pytest.approx(mean, rel=1e-12)
    assert n["exact posterior std (conjugate)"] == pytest.approx(std, rel=1e-12)
    assert n["ADVI posterior mean of μ"] == pytest.approx(mean, abs=0.02)
    assert n["ADVI posterior std of μ"] == pytest.approx(std, rel=0.05)
    assert n["ELBO, mean of the last 50 steps"] > n["ELBO, mean of the first 50 steps"]
    # at the exact posterior the ELBO is the log evidence, log N(x; 0, I + 100·11ᵀ)
    cov = numpy.eye(len(x)) + 100.0
    evidence = scipy.stats.multivariate_normal(numpy.zeros(len(x)), cov).logpdf(x)
    assert n["final ELBO"] == pytest.approx(evidence, abs=0.05)


def test_policy_gradient_return_improves(lessons):
    pytest.importorskip("gymnasium")
    n = lessons["policy_gradient"][0].numbers
    assert n["timesteps"] >= 6000 and n["episodes"] >= 20
    assert n["mean return of the last 10 episodes"] > 2 * n["mean return of the first 10 episodes"]
    assert n["best episode return"] >= n["mean return of the last 10 episodes"]
