import math

import matplotlib.pyplot as plt
import numpy as onp
import pytest
import scipy.integrate
import scipy.stats
from matplotlib.collections import PolyCollection
from matplotlib.patches import Ellipse

from nabla.plot import density, elbo, learning_curve, likelihood_surface, mixture_em
from nabla.plot.probability import moving_average
from nabla.prob import Gamma, GaussianMixture, Normal, advi, fit_mle


def _shaded_area(ax):
    (poly,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    xy = poly.get_paths()[0].vertices
    # the polygon of fill_between: area by the shoelace formula
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * abs(onp.dot(x, onp.roll(y, 1)) - onp.dot(y, onp.roll(x, 1)))


def test_density_draws_the_normal_pdf_and_its_unit_area(png):
    fig = density(Normal(1.0, 2.0), -15.0, 17.0, n=301)
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    x = line.get_xdata()
    assert len(x) == 301 and x[0] == -15.0 and x[-1] == 17.0
    onp.testing.assert_allclose(line.get_ydata(), scipy.stats.norm(1.0, 2.0).pdf(x),
                                rtol=1e-12)
    assert _shaded_area(ax) == pytest.approx(1.0, abs=1e-3)
    assert ax.get_title().endswith("= 1") and "[-15, 17]" in ax.get_title()
    png(fig)


def test_density_title_is_the_quad_integral_over_a_part():
    fig = density(Normal(0.0, 1.0), -1.0, 1.0)
    expected = scipy.integrate.quad(scipy.stats.norm.pdf, -1.0, 1.0)[0]
    assert f"= {expected:.6g}" in fig.axes[0].get_title()
    assert _shaded_area(fig.axes[0]) == pytest.approx(expected, rel=1e-4)


def test_density_into_a_given_axes():
    fig, ax = plt.subplots()
    assert density(Gamma(2.0, 1.0), 0.0, 30.0, ax=ax) is fig
    assert "= 1" in ax.get_title()


def test_likelihood_surface_ellipses_match_the_closed_form_mle(png):
    x = onp.random.default_rng(1).normal(2.0, 3.0, 200)
    result = fit_mle(Normal, x)
    fig = likelihood_surface(Normal, x, result)
    ax = fig.axes[0]
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 2
    mu, sigma = x.mean(), x.std()
    for e, k in zip(ellipses, (1, 2)):
        assert e.center == pytest.approx((mu, sigma), rel=1e-6)
        # J = diag(n/σ², 2n/σ²): semi-axes σ/√n and σ/√(2n), times k
        axes = sorted([e.width / 2, e.height / 2])
        assert axes == pytest.approx([k * sigma / math.sqrt(400), k * sigma / math.sqrt(200)],
                                     rel=1e-4)
    (star,) = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert star.get_xdata()[0] == pytest.approx(mu, rel=1e-8)
    assert star.get_ydata()[0] == pytest.approx(sigma, rel=1e-8)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("loc", "scale")
    png(fig)


def test_likelihood_surface_of_gamma_stays_positive():
    x = onp.random.default_rng(2).gamma(2.0, 1.5, 100)
    result = fit_mle(Gamma, x)
    fig = likelihood_surface(Gamma, x, result, span=20.0)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] > 0 or ax.dataLim.x0 > 0
    assert len(ax.patches) == 2


def _data():
    rng = onp.random.default_rng(0)
    return onp.concatenate([rng.normal(-3, 1, (80, 2)), rng.normal(3, 0.5, (60, 2)),
                            rng.normal((4, -4), 0.7, (60, 2))])


def test_mixture_em_draws_one_ellipse_per_component_and_a_rising_curve(png):
    X = _data()
    gm = GaussianMixture(3, random_state=0, tol=1e-8).fit(X)
    fig = mixture_em(X, gm)
    left, right = fig.axes
    ellipses = [p for p in left.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 3
    onp.testing.assert_allclose([e.center for e in ellipses], gm.means_, rtol=1e-12)
    for e, cov in zip(ellipses, gm.covariances_):
        semi = sorted([e.width / 2, e.height / 2])
        onp.testing.assert_allclose(semi, 2 * onp.sqrt(onp.linalg.eigvalsh(cov)), rtol=1e-10)
    y = right.get_lines()[0].get_ydata()
    onp.testing.assert_array_equal(y, gm.history_)
    assert onp.all(onp.diff(y) >= -1e-12) and y[-1] == gm.lower_bound_
    png(fig)


@pytest.mark.filterwarnings("ignore")
def test_mixture_em_from_snapshots():
    X = _data()
    snaps = [GaussianMixture(3, random_state=0, max_iter=k).fit(X) for k in (1, 2, 3, 5)]
    fig = mixture_em(X, snaps)
    y = fig.axes[1].get_lines()[0].get_ydata()
    assert list(y) == [s.lower_bound_ for s in snaps]
    assert len(fig.axes[0].patches) == 3


@pytest.mark.filterwarnings("ignore")
def test_mixture_em_diagonal_and_spherical():
    X = _data()
    for kind in ("diag", "spherical", "tied"):
        gm = GaussianMixture(2, covariance_type=kind, random_state=0).fit(X)
        assert len(mixture_em(X, gm).axes[0].patches) == 2


def test_elbo_draws_the_curve_and_both_densities(png):
    fit = advi(lambda z: Normal(3.0, 2.0).log_prob(z), 0.0, steps=300, num_samples=4)
    fig = elbo(fit, 3.0, 2.0)
    left, right = fig.axes
    raw = left.get_lines()[0]
    onp.testing.assert_array_equal(raw.get_ydata(), fit.elbo)
    q, exact = right.get_lines()
    x = q.get_xdata()
    onp.testing.assert_allclose(exact.get_ydata(), scipy.stats.norm(3.0, 2.0).pdf(x),
                                rtol=1e-12)
    onp.testing.assert_allclose(q.get_ydata(), scipy.stats.norm(
        float(fit.mean), float(fit.std)).pdf(x), rtol=1e-10)
    png(fig)


def test_elbo_without_exact_posterior():
    fit = advi(lambda z: Normal(0.0, 1.0).log_prob(z), 1.0, steps=50)
    fig = elbo(fit)
    assert [ln.get_label() for ln in fig.axes[1].get_lines()] == ["q (ADVI)"]


def test_learning_curve_moving_average(png):
    returns = onp.random.default_rng(0).uniform(0, 100, 40)
    fig = learning_curve(returns, window=5)
    raw, avg = fig.axes[0].get_lines()
    onp.testing.assert_array_equal(raw.get_ydata(), returns)
    expected = [returns[i:i + 5].mean() for i in range(36)]
    onp.testing.assert_allclose(avg.get_ydata(), expected, rtol=1e-12)
    onp.testing.assert_array_equal(avg.get_xdata(), onp.arange(5, 41))
    png(fig)


def test_moving_average_window_larger_than_the_data():
    assert moving_average([1.0, 3.0], 10).tolist() == [2.0]
