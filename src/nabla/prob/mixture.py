r"""Gaussian mixture models fitted by expectation–maximization, with scikit-learn's interface.

A mixture of :math:`K` Gaussians has the density

.. math::

    p(x) = \sum_{k=1}^K \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k), \qquad
    \pi_k \ge 0,\ \sum_k \pi_k = 1.

:class:`GaussianMixture` fits :math:`\pi, \mu, \Sigma` to samples :math:`x_1, \dots, x_n`
by expectation–maximization (EM), exactly as ``sklearn.mixture.GaussianMixture`` does
(same parameters, defaults, attributes and iterates), with the steps written here in NumPy.

Every covariance is handled through the upper-triangular Cholesky factor :math:`U_k` of its
precision, :math:`\Sigma_k^{-1} = U_k U_k^\top` (``precisions_cholesky_``; for
:math:`\Sigma_k = L_k L_k^\top`, :math:`U_k = L_k^{-\top}`), so no matrix is ever inverted
and :math:`\log\det\Sigma_k^{-1/2} = \sum_j \log (U_k)_{jj}`.

**E step** (in log space). With :math:`y_{ik} = U_k^\top (x_i - \mu_k)`,

.. math::

    \log \mathcal N(x_i \mid \mu_k, \Sigma_k)
        = -\tfrac d2 \log 2\pi + \sum_j \log (U_k)_{jj} - \tfrac12 \lVert y_{ik}\rVert^2,

    \ell_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k), \qquad
    \log r_{ik} = \ell_{ik} - \operatorname{logsumexp}_j \ell_{ij},

so the responsibilities :math:`r_{ik} = p(z_i = k \mid x_i)` never under- or overflow.
The mean log-likelihood :math:`\frac1n \sum_i \operatorname{logsumexp}_k \ell_{ik}` of the
current parameters is recorded in ``history_``; EM guarantees it never decreases.

**M step**. With :math:`N_k = \sum_i r_{ik} + 10\epsilon` (machine :math:`\epsilon`, so an
empty component does not divide by zero) and the regularization :math:`\lambda`
(``reg_covar``) added to every variance,

.. math::

    \pi_k = N_k / \textstyle\sum_j N_j, \qquad
    \mu_k = \frac1{N_k} \sum_i r_{ik} x_i, \qquad
    S_k = \frac1{N_k} \sum_i r_{ik} (x_i - \mu_k)(x_i - \mu_k)^\top,

- ``"full"``: :math:`\Sigma_k = S_k + \lambda I`;
- ``"tied"``: one :math:`\Sigma = \frac1{\sum_k N_k} \sum_k N_k S_k + \lambda I`;
- ``"diag"``: :math:`\Sigma_k = \operatorname{diag}(S_k) + \lambda`;
- ``"spherical"``: :math:`\sigma_k^2 = \frac1d \operatorname{tr} S_k + \lambda`.

EM stops when the mean log-likelihood changes by less than ``tol`` between iterations (or
after ``max_iter``); ``lower_bound_`` is the last one. Of ``n_init`` starts, the one with
the highest ``lower_bound_`` is kept.

>>> import numpy as np
>>> from nabla.prob.mixture import GaussianMixture
>>> rng = np.random.default_rng(0)
>>> X = np.concatenate([rng.normal(-5, 1, (100, 1)), rng.normal(5, 1, (100, 1))])
>>> gm = GaussianMixture(n_components=2, init_params="random_from_data", random_state=0).fit(X)
>>> np.round(np.sort(gm.means_.ravel()))
array([-5.,  5.])
>>> bool(np.all(np.diff(gm.history_) >= 0)), bool(gm.history_[-1] == gm.lower_bound_)
(True, True)
>>> gm.predict([[-4.0], [6.0]]).tolist() == [int(np.argmin(gm.means_)), int(np.argmax(gm.means_))]
True
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

try:  # scikit-learn's exceptions when it is installed, so callers can catch those
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
except ImportError:  # pragma: no cover - the ml extra is not installed
    class NotFittedError(ValueError, AttributeError):
        """The estimator is used before ``fit``."""

    class ConvergenceWarning(UserWarning):
        """EM stopped at ``max_iter`` before meeting ``tol``."""

__all__ = ["ConvergenceWarning", "GaussianMixture", "NotFittedError"]

_COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
_INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")
_CHOLESKY_ERROR = ("Fitting the mixture model failed because some components have "
                   "ill-defined empirical covariance (for instance caused by singleton "
                   "or collapsed samples). Try to decrease the number of components, "
                   "increase reg_covar, or scale the input data.")


def _random_state(seed):
    """A ``np.random.RandomState`` from ``None``, an int or a RandomState (sklearn's rule)."""
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        return np.random.RandomState(seed)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"{seed!r} cannot be used to seed a numpy.random.RandomState instance")


def _logsumexp(a, axis):
    """``log Σ exp(a)`` along ``axis``, shifted by the maximum so it cannot overflow."""
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return np.squeeze(out, axis=axis)


def _sklearn(what):
    try:
        import sklearn.cluster
    except ImportError as error:  # pragma: no cover - the ml extra is not installed
        raise ImportError(f"GaussianMixture(init_params={what!r}) needs scikit-learn, the "
                          "'ml' extra: pip install nabla[ml]") from error
    return sklearn.cluster


def _check_array(X, name="X"):
    """X as a finite 2-D float64 array, refused with scikit-learn's messages otherwise."""
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError("Sparse data was passed, but dense data is required.")
    try:
        X = np.asarray(X)
    except ValueError as error:
        raise ValueError(f"{name} could not be converted to an array: {error}") from error
    if np.iscomplexobj(X):
        raise ValueError("Complex data not supported")
    try:
        X = X.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from error
    if X.ndim != 2:
        raise ValueError(f"Expected 2D array, got {X.ndim}D array instead: Reshape your data "
                         "either using array.reshape(-1, 1) if your data has a single feature "
                         "or array.reshape(1, -1) if it contains a single sample.")
    if X.shape[0] < 1:
        raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of "
                         "1 is required.")
    if X.shape[1] < 1:
        raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of "
                         "1 is required.")
    if np.isnan(X).any():
        raise ValueError(f"Input {name} contains NaN.")
    if not np.isfinite(X).all():
        raise ValueError(f"Input {name} contains infinity or a value too large for "
                         "dtype('float64').")
    return X


def _flip(a):
    return a[::-1, ::-1]


def _precision_cholesky(covariances, covariance_type):
    """The factors ``U`` with ``Σ⁻¹ = U Uᵀ``: ``U = L⁻ᵀ`` for the Cholesky factor ``L`` of Σ."""
    if covariance_type in ("full", "tied"):
        covs = covariances[None] if covariance_type == "tied" else covariances
        d = covs.shape[-1]
        out = np.empty_like(covs)
        for k, cov in enumerate(covs):
            try:
                lower = np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                raise ValueError(_CHOLESKY_ERROR) from None
            out[k] = np.linalg.solve(lower, np.eye(d)).T   # L⁻ᵀ (upper triangular)
        return out[0] if covariance_type == "tied" else out
    if np.any(covariances <= 0.0):
        raise ValueError(_CHOLESKY_ERROR)
    return 1.0 / np.sqrt(covariances)


def _precision_cholesky_from_precisions(precisions, covariance_type):
    """Upper-triangular ``U`` with ``P = U Uᵀ``: ``U = J chol(J P J) J`` (J flips)."""
    if covariance_type == "full":
        return np.stack([_flip(np.linalg.cholesky(_flip(p))) for p in precisions])
    if covariance_type == "tied":
        return _flip(np.linalg.cholesky(_flip(precisions)))
    return np.sqrt(precisions)


def _estimate_parameters(X, resp, reg_covar, covariance_type):
    """The M step's ``(N_k, μ_k, Σ_k)`` from the responsibilities (module docstring)."""
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    n_features = X.shape[1]
    if covariance_type == "full":
        covariances = np.empty((len(nk), n_features, n_features))
        for k in range(len(nk)):
            diff = X - means[k]
            covariances[k] = (resp[:, k] * diff.T) @ diff / nk[k]
            covariances[k].flat[::n_features + 1] += reg_covar
    elif covariance_type == "tied":
        covariances = np.zeros((n_features, n_features))
        for k in range(len(nk)):
            diff = X - means[k]
            covariances += (resp[:, k] * diff.T) @ diff
        covariances /= nk.sum()
        covariances.flat[::n_features + 1] += reg_covar
    else:
        variances = np.empty((len(nk), n_features))
        for k in range(len(nk)):
            variances[k] = resp[:, k] @ (X - means[k]) ** 2 / nk[k]
        covariances = variances + reg_covar
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)
    return nk, means, covariances


def _estimate_log_gaussian_prob(X, means, precisions_chol, covariance_type):
    """``log N(xᵢ | μ_k, Σ_k)`` for every sample and component, shape ``(n, K)``."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    if covariance_type == "full":
        log_det = np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)).sum(axis=1)
        sq = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) @ precisions_chol[k]
            sq[:, k] = np.sum(y * y, axis=1)
    elif covariance_type == "tied":
        log_det = np.full(n_components, np.log(np.diag(precisions_chol)).sum())
        sq = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) @ precisions_chol
            sq[:, k] = np.sum(y * y, axis=1)
    elif covariance_type == "diag":
        log_det = np.log(precisions_chol).sum(axis=1)
        sq = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) * precisions_chol[k]
            sq[:, k] = np.sum(y * y, axis=1)
    else:  # spherical
        log_det = n_features * np.log(precisions_chol)
        sq = np.empty((n_samples, n_components))
        for k in range(n_components):
            diff = X - means[k]
            sq[:, k] = np.sum(diff * diff, axis=1) * precisions_chol[k] ** 2
    return -0.5 * (n_features * np.log(2 * np.pi) + sq) + log_det


class GaussianMixture:
    """A Gaussian mixture fitted by EM; scikit-learn's ``GaussianMixture`` interface.

    Parameters (scikit-learn's names and defaults)
        n_components: the number ``K`` of Gaussians.
        covariance_type: ``"full"`` (one matrix each), ``"tied"`` (one shared matrix),
            ``"diag"`` (one diagonal each) or ``"spherical"`` (one variance each).
        tol: EM stops when the mean log-likelihood gains less than this.
        reg_covar: added to every variance, so a collapsed component stays invertible.
        max_iter: EM iterations per start. n_init: starts; the best is kept.
        init_params: the responsibilities EM starts from: ``"kmeans"`` (k-means labels;
            needs scikit-learn), ``"k-means++"`` (needs scikit-learn), ``"random"``
            (uniform draws, normalized) or ``"random_from_data"`` (K samples as one-point
            components).
        weights_init, means_init, precisions_init: starting values that replace those
            from ``init_params``.
        random_state: ``None``, an int or a ``np.random.RandomState``: the randomness of
            the starts and of :meth:`sample`.
        warm_start, verbose, verbose_interval: as scikit-learn's (``warm_start=True``
            continues from the last fit).

    Attributes after ``fit``: ``weights_``, ``means_``, ``covariances_``, ``precisions_``,
    ``precisions_cholesky_``, ``converged_``, ``n_iter_``, ``lower_bound_`` (the last mean
    log-likelihood), ``history_`` (the mean log-likelihood at each iteration of the kept
    start, ending at ``lower_bound_``; non-decreasing), ``n_features_in_``.

    >>> import numpy as np
    >>> X = np.array([[0.0, 0.1], [0.2, 0.0], [10.0, 10.1], [10.2, 9.9]])
    >>> gm = GaussianMixture(2, covariance_type="spherical", init_params="random_from_data",
    ...                      random_state=1).fit(X)
    >>> sorted(gm.predict(X).tolist()) == [0, 0, 1, 1]
    True
    >>> gm.sample(5)[0].shape
    (5, 2)
    """

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                 max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
                 means_init=None, precisions_init=None, random_state=None, warm_start=False,
                 verbose=0, verbose_interval=10):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    _PARAMS = ("n_components", "covariance_type", "tol", "reg_covar", "max_iter", "n_init",
               "init_params", "weights_init", "means_init", "precisions_init",
               "random_state", "warm_start", "verbose", "verbose_interval")

    def get_params(self, deep=True):
        """The constructor's parameters, as a dict (scikit-learn's protocol)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params):
        """Set constructor parameters by name; returns ``self``."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}.")
            setattr(self, name, value)
        return self

    def __repr__(self):
        changed = [f"{name}={getattr(self, name)!r}" for name in self._PARAMS
                   if not _same(getattr(self, name), type(self)().get_params()[name])]
        return f"GaussianMixture({', '.join(changed)})"

    # ----------------------------------------------------------------- checks
    def _check_parameters(self, n_features):
        def number(name, kind, low, *, integer=False):
            value = getattr(self, name)
            ok = isinstance(value, numbers.Integral if integer else numbers.Real)
            if not ok or isinstance(value, bool) or value < low:
                raise ValueError(f"The '{name}' parameter of GaussianMixture must be {kind}. "
                                 f"Got {value!r} instead.")

        number("n_components", "an int in the range [1, inf)", 1, integer=True)
        number("tol", "a float in the range [0.0, inf)", 0.0)
        number("reg_covar", "a float in the range [0.0, inf)", 0.0)
        number("max_iter", "an int in the range [0, inf)", 0, integer=True)
        number("n_init", "an int in the range [1, inf)", 1, integer=True)
        if self.covariance_type not in _COVARIANCE_TYPES:
            raise ValueError(f"The 'covariance_type' parameter of GaussianMixture must be a "
                             f"str among {set(_COVARIANCE_TYPES)}. Got "
                             f"{self.covariance_type!r} instead.")
        if self.init_params not in _INIT_PARAMS:
            raise ValueError(f"The 'init_params' parameter of GaussianMixture must be a str "
                             f"among {set(_INIT_PARAMS)}. Got {self.init_params!r} instead.")
        k, d = self.n_components, n_features
        self._weights_init = self._means_init = self._precisions_init = None
        if self.weights_init is not None:
            w = np.asarray(self.weights_init, dtype=np.float64)
            if w.shape != (k,):
                raise ValueError(f"The parameter 'weights' should have the shape of {(k,)}, "
                                 f"but got {w.shape}")
            if np.any(w < 0) or np.any(w > 1):
                raise ValueError("The parameter 'weights' should be in the range [0, 1], "
                                 f"but got max value {w.max():.5f}, min value {w.min():.5f}")
            if not np.allclose(np.abs(1.0 - np.sum(w)), 0.0):
                raise ValueError("The parameter 'weights' should be normalized, but got "
                                 f"sum(weights) = {np.sum(w):.5f}")
            self._weights_init = w
        if self.means_init is not None:
            m = np.asarray(self.means_init, dtype=np.float64)
            if m.shape != (k, d):
                raise ValueError(f"The parameter 'means' should have the shape of {(k, d)}, "
                                 f"but got {m.shape}")
            self._means_init = m
        if self.precisions_init is not None:
            p = np.asarray(self.precisions_init, dtype=np.float64)
            shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d),
                     "spherical": (k,)}[self.covariance_type]
            if p.shape != shape:
                raise ValueError(f"The parameter '{self.covariance_type} precision' should "
                                 f"have the shape of {shape}, but got {p.shape}")
            if self.covariance_type in ("diag", "spherical"):
                if np.any(p <= 0.0):
                    raise ValueError(f"'{self.covariance_type} precision' should be positive")
            else:
                for mat in p.reshape(-1, d, d):
                    if not (np.allclose(mat, mat.T) and np.all(np.linalg.eigvalsh(mat) > 0)):
                        raise ValueError(f"'{self.covariance_type} precision' should be "
                                         "symmetric, positive-definite")
            self._precisions_init = p

    def _check_fitted(self):
        if not hasattr(self, "precisions_cholesky_"):
            raise NotFittedError("This GaussianMixture instance is not fitted yet. Call "
                                 "'fit' with appropriate arguments before using this "
                                 "estimator.")

    def _check_X(self, X):
        self._check_fitted()
        X = _check_array(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but GaussianMixture is "
                             f"expecting {self.n_features_in_} features as input.")
        return X

    # ----------------------------------------------------------------- EM
    def _initialize_parameters(self, X, random_state):
        n_samples, _ = X.shape
        k = self.n_components
        resp = None
        if (self._weights_init is None or self._means_init is None
                or self._precisions_init is None):
            if self.init_params == "kmeans":
                labels = _sklearn("kmeans").KMeans(
                    n_clusters=k, n_init=1, random_state=random_state).fit(X).labels_
                resp = np.zeros((n_samples, k))
                resp[np.arange(n_samples), labels] = 1
            elif self.init_params == "k-means++":
                _, indices = _sklearn("k-means++").kmeans_plusplus(
                    X, k, random_state=random_state)
                resp = np.zeros((n_samples, k))
                resp[indices, np.arange(k)] = 1
            elif self.init_params == "random":
                resp = random_state.uniform(size=(n_samples, k))
                resp /= resp.sum(axis=1)[:, None]
            else:  # random_from_data
                indices = random_state.choice(n_samples, size=k, replace=False)
                resp = np.zeros((n_samples, k))
                resp[indices, np.arange(k)] = 1
        covariances = None
        if resp is not None:
            weights, means, covariances = _estimate_parameters(
                X, resp, self.reg_covar, self.covariance_type)
            weights = weights / n_samples
        self.weights_ = weights if self._weights_init is None else self._weights_init.copy()
        self.means_ = means if self._means_init is None else self._means_init.copy()
        if self._precisions_init is None:
            self.covariances_ = covariances
            self.precisions_cholesky_ = _precision_cholesky(covariances, self.covariance_type)
        else:
            self.precisions_cholesky_ = _precision_cholesky_from_precisions(
                self._precisions_init, self.covariance_type)
            if covariances is None:  # every start value given: Σ = P⁻¹
                p = self._precisions_init
                covariances = (np.linalg.inv(p) if self.covariance_type in ("full", "tied")
                               else 1.0 / p)
            self.covariances_ = covariances

    def _weighted_log_prob(self, X):
        """``ℓ_ik = log π_k + log N(xᵢ | μ_k, Σ_k)``."""
        return (_estimate_log_gaussian_prob(X, self.means_, self.precisions_cholesky_,
                                            self.covariance_type)
                + np.log(self.weights_))

    def _e_step(self, X):
        """The mean log-likelihood and ``log r_ik`` (module docstring)."""
        weighted = self._weighted_log_prob(X)
        log_norm = _logsumexp(weighted, axis=1)
        with np.errstate(under="ignore"):
            log_resp = weighted - log_norm[:, None]
        return float(np.mean(log_norm)), log_resp

    def _m_step(self, X, log_resp):
        nk, self.means_, self.covariances_ = _estimate_parameters(
            X, np.exp(log_resp), self.reg_covar, self.covariance_type)
        self.weights_ = nk / nk.sum()
        self.precisions_cholesky_ = _precision_cholesky(self.covariances_,
                                                        self.covariance_type)

    def _get_parameters(self):
        return (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)

    def _set_parameters(self, params):
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        u = self.precisions_cholesky_
        if self.covariance_type == "full":
            self.precisions_ = u @ np.transpose(u, (0, 2, 1))
        elif self.covariance_type == "tied":
            self.precisions_ = u @ u.T
        else:
            self.precisions_ = u ** 2

    def fit(self, X, y=None):
        """Fit the mixture to the rows of X by EM; returns ``self``."""
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then the most probable component of each row of X (after a final E step)."""
        X = _check_array(X)
        if X.shape[0] < self.n_components:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = "
                             f"{self.n_components}, n_samples = {X.shape[0]}")
        self._check_parameters(X.shape[1])
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        if not do_init and X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but GaussianMixture is "
                             f"expecting {self.n_features_in_} features as input.")
        self.n_features_in_ = X.shape[1]
        n_init = self.n_init if do_init else 1
        random_state = _random_state(self.random_state)
        max_lower_bound = -np.inf
        best_history, best_params, best_n_iter, best_converged = [], None, 0, False
        for init in range(n_init):
            if do_init:
                self._initialize_parameters(X, random_state)
            lower_bound = -np.inf if do_init else self.lower_bound_
            history = []
            if self.max_iter == 0:
                best_params, best_n_iter = self._get_parameters(), 0
                continue
            converged = False
            for n_iter in range(1, self.max_iter + 1):
                previous = lower_bound
                lower_bound, log_resp = self._e_step(X)
                self._m_step(X, log_resp)
                history.append(lower_bound)
                change = lower_bound - previous
                if self.verbose >= 2 and n_iter % self.verbose_interval == 0:
                    print(f"  Iteration {n_iter}\t change: {change}")
                if abs(change) < self.tol:
                    converged = True
                    break
            if self.verbose:
                print(f"Initialization {init} {'converged' if converged else 'did not converge'}"
                      f". lower bound: {lower_bound}")
            if lower_bound > max_lower_bound or max_lower_bound == -np.inf:
                max_lower_bound = lower_bound
                best_params, best_n_iter = self._get_parameters(), n_iter
                best_history, best_converged = history, converged
        if not best_converged and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different "
                          "init parameters, or increase max_iter, tol, or check for "
                          "degenerate data.", ConvergenceWarning, stacklevel=2)
        self._set_parameters(best_params)
        self.converged_ = best_converged
        self.n_iter_ = best_n_iter
        self.lower_bound_ = max_lower_bound
        self.history_ = np.asarray(best_history, dtype=np.float64)
        self.lower_bounds_ = list(best_history)
        _, log_resp = self._e_step(X)
        return np.argmax(log_resp, axis=1)

    # ----------------------------------------------------------------- use
    def score_samples(self, X):
        """``log p(xᵢ)`` of each row of X under the fitted mixture."""
        return _logsumexp(self._weighted_log_prob(self._check_X(X)), axis=1)

    def score(self, X, y=None):
        """The mean log-likelihood ``(1/n) Σᵢ log p(xᵢ)``."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """The responsibilities ``r_ik = p(z = k | xᵢ)``, rows summing to 1."""
        _, log_resp = self._e_step(self._check_X(X))
        return np.exp(log_resp)

    def predict(self, X):
        """The most probable component of each row of X."""
        return np.argmax(self._weighted_log_prob(self._check_X(X)), axis=1)

    def sample(self, n_samples=1):
        """``(X, y)``: ``n_samples`` draws from the mixture and their components.

        Draws as scikit-learn does (component counts from a multinomial, then each
        component's Gaussian), with ``random_state``.
        """
        self._check_fitted()
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples} . The sampling "
                             "requires at least one sample.")
        n_features = self.means_.shape[1]
        rng = _random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        if self.covariance_type == "full":
            X = np.vstack([rng.multivariate_normal(mean, cov, int(c))
                           for mean, cov, c in zip(self.means_, self.covariances_, counts)])
        elif self.covariance_type == "tied":
            X = np.vstack([rng.multivariate_normal(mean, self.covariances_, int(c))
                           for mean, c in zip(self.means_, counts)])
        else:
            X = np.vstack([mean + rng.standard_normal(size=(c, n_features)) * np.sqrt(cov)
                           for mean, cov, c in zip(self.means_, self.covariances_, counts)])
        y = np.concatenate([np.full(c, k, dtype=int) for k, c in enumerate(counts)])
        return X, y

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {"full": k * d * (d + 1) / 2.0, "diag": k * d, "tied": d * (d + 1) / 2.0,
               "spherical": k}[self.covariance_type]
        return int(cov + d * k + k - 1)

    def bic(self, X):
        """Bayesian information criterion ``-2 log L + p log n`` (lower is better)."""
        X = self._check_X(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * np.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion ``-2 log L + 2p`` (lower is better)."""
        X = self._check_X(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()


def _same(a, b):
    if a is None or b is None:
        return a is b
    try:
        return bool(np.all(a == b)) and type(a) is type(b)
    except Exception:  # pragma: no cover - incomparable values
        return False
