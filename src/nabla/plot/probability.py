"""Figures of probability: a density and its area, a log-likelihood surface with the MLE,
EM fitting a Gaussian mixture, the ELBO of variational inference, and the learning curve of
a policy-gradient agent."""

from __future__ import annotations

import numpy as onp

from nabla.plot import style as S


def _pdf(dist, x):
    import nabla.numpy as np
    return np.exp(dist.log_prob(x))


def density(dist, a, b, *, n=400, ax=None):
    """The density p(x) = exp(``dist.log_prob(x)``) on [a, b], the area under it shaded,
    and ∫ₐᵇ p(x) dx by :func:`nabla.calculus.integrate.quad` in the title (≈ 1 when
    [a, b] holds nearly all the mass).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.prob import Normal
    >>> from nabla.plot import density
    >>> fig = density(Normal(0.0, 1.0), -8.0, 8.0)
    >>> fig.axes[0].get_title()
    'Normal density: ∫ p(x) dx over [-8, 8] = 1'
    """
    from nabla.calculus.integrate import quad

    fig, ax = S.figure(ax)
    a, b = float(a), float(b)
    x = onp.linspace(a, b, int(n))
    y = onp.asarray(_pdf(dist, x), dtype=float)
    area = float(quad(lambda t: _pdf(dist, t), a, b).value)
    name = type(dist).__name__
    ax.plot(x, y, color=S.CURVE, lw=2, label=f"p(x), {name}")
    ax.fill_between(x, 0.0, y, color=S.ACCENT, alpha=0.3, label=f"area = {area:.6g}")
    ax.axhline(0.0, color=S.MUTED, lw=0.8)
    S.label(ax, "x", "density p(x)",
            f"{name} density: ∫ p(x) dx over [{a:g}, {b:g}] = {area:.6g}")
    return fig


def _loglik_grid(family, data, names, P, Q):
    data = onp.asarray(data, dtype=float)
    try:
        dist = family(**{names[0]: P[..., None], names[1]: Q[..., None]})
        ll = onp.asarray(dist.log_prob(data), dtype=float).sum(axis=-1)
        if ll.shape == P.shape:
            return ll
    except Exception:  # pragma: no cover - a family that does not broadcast
        pass
    out = onp.empty(P.shape)  # pragma: no cover
    for idx in onp.ndindex(P.shape):  # pragma: no cover
        d = family(**{names[0]: float(P[idx]), names[1]: float(Q[idx])})
        out[idx] = float(onp.sum(onp.asarray(d.log_prob(data), dtype=float)))
    return out  # pragma: no cover


def _ellipse(ax, center, cov, k, **kw):
    """The ellipse (x − c)ᵀ cov⁻¹ (x − c) = k² as a patch added to ``ax``."""
    from matplotlib.patches import Ellipse

    vals, vecs = onp.linalg.eigh(onp.asarray(cov, dtype=float))
    vals = onp.clip(vals, 0.0, None)
    angle = onp.degrees(onp.arctan2(vecs[1, 1], vecs[0, 1]))
    patch = Ellipse(tuple(onp.asarray(center, dtype=float)), 2 * k * onp.sqrt(vals[1]),
                    2 * k * onp.sqrt(vals[0]), angle=angle, fill=False, **kw)
    ax.add_patch(patch)
    return patch


def likelihood_surface(family, data, result, *, span=4.0, n=80, ax=None):
    """Contours of the log-likelihood ℓ(θ₁, θ₂) = Σᵢ log p(xᵢ; θ) over the first two
    parameters of ``family``, with the MLE of ``result`` (an :class:`~nabla.prob.MLEResult`)
    and its 1- and 2-standard-error ellipses from ``result.cov``. The grid spans ``span``
    standard errors either side of the MLE (positive parameters stay positive).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy
    >>> from nabla.prob import Normal, fit_mle
    >>> from nabla.plot import likelihood_surface
    >>> x = numpy.random.default_rng(0).normal(1.0, 2.0, 50)
    >>> fig = likelihood_surface(Normal, x, fit_mle(Normal, x))
    >>> len(fig.axes[0].patches)                          # 1σ and 2σ ellipses
    2
    """
    fig, ax = S.figure(ax)
    names = list(result.params)[:2]
    if len(names) < 2:
        raise ValueError("likelihood_surface needs a family with two parameters")
    theta = onp.array([float(result.params[k]) for k in names])
    se = onp.array([float(result.stderr[k]) for k in names])
    lo, hi = theta - span * se, theta + span * se
    lo = onp.where((theta > 0) & (lo <= 0), theta / 10, lo)
    P, Q = onp.meshgrid(onp.linspace(lo[0], hi[0], int(n)), onp.linspace(lo[1], hi[1], int(n)))
    ll = _loglik_grid(family, data, names, P, Q)
    best = float(result.loglik)
    levels = best - onp.array([12.5, 8.0, 4.5, 2.0, 0.5])[::1]
    levels = onp.unique(onp.concatenate([onp.linspace(ll.min(), levels[0], 5)[:-1], levels]))
    cs = ax.contour(P, Q, ll, levels=levels, cmap="viridis", linewidths=1.0)
    ax.clabel(cs, fontsize=7, fmt="%.1f")
    cov = onp.asarray(result.cov, dtype=float)[:2, :2]
    _ellipse(ax, theta, cov, 1.0, color=S.DERIVATIVE, lw=2, label="1 s.e. ellipse")
    _ellipse(ax, theta, cov, 2.0, color=S.DERIVATIVE, lw=1.2, ls="--", label="2 s.e. ellipse")
    ax.plot([theta[0]], [theta[1]], "*", color="black", ms=12,
            label=f"MLE ({S.fmt(theta[0])}, {S.fmt(theta[1])})")
    S.label(ax, names[0], names[1], f"log-likelihood of {family.__name__}: max {best:.5g}")
    return fig


def _covariances(model):
    k = len(model.means_)
    d = model.means_.shape[1]
    c = onp.asarray(model.covariances_, dtype=float)
    kind = getattr(model, "covariance_type", "full")
    if kind == "tied":
        return onp.broadcast_to(c, (k, d, d))
    if kind == "diag":
        return onp.array([onp.diag(v) for v in c])
    if kind == "spherical":
        return onp.array([v * onp.eye(d) for v in c])
    return c


def mixture_em(X, model, *, ax=None):
    """Two panels: the points with one 2-σ ellipse per component of a fitted Gaussian
    mixture (first two features), and its mean log-likelihood per EM iteration, which
    never decreases. ``model`` is a fitted :class:`~nabla.prob.GaussianMixture` (its
    ``history_`` is drawn) or a list of snapshots fitted for 1, 2, … iterations (their
    ``lower_bound_`` is drawn and the last one's components). ``ax`` is a pair of axes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy
    >>> from nabla.prob import GaussianMixture
    >>> from nabla.plot import mixture_em
    >>> rng = numpy.random.default_rng(0)
    >>> X = numpy.concatenate([rng.normal(-3, 1, (50, 2)), rng.normal(3, 1, (50, 2))])
    >>> fig = mixture_em(X, GaussianMixture(2, random_state=0).fit(X))
    >>> len(fig.axes[0].patches), len(fig.axes)
    (2, 2)
    """
    if isinstance(model, (list, tuple)):
        history = onp.array([float(m.lower_bound_) for m in model])
        model = model[-1]
    else:
        history = onp.asarray(model.history_, dtype=float)
    fig, (left, right) = S.figure(ax, ncols=2)
    X = onp.asarray(X, dtype=float)
    labels = model.predict(X)
    for k, (mean, cov) in enumerate(zip(model.means_, _covariances(model))):
        color = S.COLORS[k % len(S.COLORS)]
        pts = X[labels == k]
        left.scatter(pts[:, 0], pts[:, 1] if X.shape[1] > 1 else onp.zeros(len(pts)), s=8,
                     color=color, alpha=0.5)
        _ellipse(left, mean[:2], cov[:2, :2], 2.0, color=color, lw=2,
                 label=f"component {k + 1}: weight {float(model.weights_[k]):.2f}")
        left.plot([mean[0]], [mean[1]], "x", color="black", ms=8)
    left.autoscale_view()
    S.label(left, "x₁", "x₂", f"{len(model.means_)} components, 2σ ellipses")
    right.plot(onp.arange(1, len(history) + 1), history, "o-", color=S.CURVE, lw=2, ms=4,
               label="mean log-likelihood")
    S.label(right, "EM iteration", "mean log-likelihood",
            f"EM never decreases it: final {history[-1]:.5g}")
    return fig


def _first(result):
    mean = float(onp.ravel(onp.asarray(result.loc, dtype=float))[0])
    std = float(onp.sqrt(onp.asarray(result.cov, dtype=float).reshape(
        len(onp.ravel(result.loc)), -1)[0, 0]))
    return mean, std


def elbo(result, exact_mean=None, exact_std=None, *, ax=None):
    """Two panels: the ELBO of an :class:`~nabla.prob.ADVIResult` per step, and the
    Gaussian q of its first coordinate against the exact posterior N(``exact_mean``,
    ``exact_std``²) when given. ``ax`` is a pair of axes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.prob import Normal, advi
    >>> from nabla.plot import elbo
    >>> fit = advi(lambda z: Normal(3.0, 2.0).log_prob(z), 0.0, steps=200, num_samples=4)
    >>> fig = elbo(fit, 3.0, 2.0)
    >>> [line.get_label() for line in fig.axes[1].get_lines()]
    ['q (ADVI)', 'exact posterior']
    """
    fig, (left, right) = S.figure(ax, ncols=2)
    values = onp.asarray(result.elbo, dtype=float)
    steps = onp.arange(1, len(values) + 1)
    left.plot(steps, values, color=S.MUTED, lw=0.8, label="ELBO estimate per step")
    w = max(1, len(values) // 50)
    if w > 1:
        smooth = onp.convolve(values, onp.ones(w) / w, mode="valid")
        left.plot(steps[w - 1:], smooth, color=S.CURVE, lw=2, label=f"moving average ({w})")
    left.axhline(float(result.final_elbo), color=S.DERIVATIVE, ls="--", lw=1,
                 label=f"final ELBO {float(result.final_elbo):.5g}")
    S.label(left, "step", "ELBO", "ELBO rises as q approaches the posterior")
    m, s = _first(result)
    centers = [m] + ([float(exact_mean)] if exact_mean is not None else [])
    widths = [s] + ([float(exact_std)] if exact_std is not None else [])
    x = onp.linspace(min(centers) - 4 * max(widths), max(centers) + 4 * max(widths), 400)

    def normal(mu, sd):
        return onp.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * onp.sqrt(2 * onp.pi))

    right.plot(x, normal(m, s), color=S.CURVE, lw=2, label="q (ADVI)")
    title = f"q = N({m:.4g}, {s:.4g}²)"
    if exact_mean is not None and exact_std is not None:
        right.plot(x, normal(float(exact_mean), float(exact_std)), color=S.DERIVATIVE,
                   lw=2, ls="--", label="exact posterior")
        title += f" vs exact N({float(exact_mean):.4g}, {float(exact_std):.4g}²)"
    S.label(right, "z", "density", title)
    return fig


def moving_average(values, window):
    """The mean of each run of ``window`` consecutive values (``len - window + 1`` of them).

    >>> moving_average([1.0, 2.0, 3.0, 4.0], 2).tolist()
    [1.5, 2.5, 3.5]
    """
    values = onp.asarray(values, dtype=float)
    window = max(1, min(int(window), len(values)))
    return onp.convolve(values, onp.ones(window) / window, mode="valid")


def learning_curve(returns, *, window=10, ax=None):
    """Episode returns per episode and their moving average over ``window`` episodes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.plot import learning_curve
    >>> fig = learning_curve([10.0, 12.0, 20.0, 30.0, 50.0], window=2)
    >>> fig.axes[0].get_lines()[1].get_ydata().tolist()
    [11.0, 16.0, 25.0, 40.0]
    """
    fig, ax = S.figure(ax)
    returns = onp.asarray(returns, dtype=float)
    episodes = onp.arange(1, len(returns) + 1)
    ax.plot(episodes, returns, color=S.MUTED, lw=0.8, marker=".", ms=3, label="episode return")
    avg = moving_average(returns, window)
    w = len(returns) - len(avg) + 1
    ax.plot(episodes[w - 1:], avg, color=S.CURVE, lw=2, label=f"moving average ({w})")
    S.label(ax, "episode", "return", f"learning curve: {len(returns)} episodes")
    return fig
