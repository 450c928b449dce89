r"""Least squares, plain and ridge-penalized, by five solvers that reach the same answer.

:class:`LinearRegression` and :class:`Ridge` fit ``ŷ = Xw + b`` by minimizing ::

    Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖²

(``α = 0`` for :class:`LinearRegression`; the intercept b is not penalized; the sample
weights sᵢ default to 1) — scikit-learn's objective, so the coefficients agree with
``sklearn.linear_model.LinearRegression`` and ``Ridge``.

**The intercept.** Setting the derivative in b to zero gives ``b = ȳ − x̄ᵀw`` (weighted
means), so the problem in w alone is the same one on centered data ``X_c = X − x̄``,
``y_c = y − ȳ``; every solver works there. Divided by ``2S`` (``S = Σ sᵢ``), which does
not move the minimizer, it is the mean loss the iterative solvers descend::

    L(w) = (1/2n) Σᵢ ŝᵢ (x_{c,i}ᵀw − y_{c,i})² + (λ/2)‖w‖²,    ŝᵢ = n·sᵢ/S,  λ = α/S

with gradient ``∇L = X_cᵀŜ(X_c w − y_c)/n + λw`` and constant Hessian ``A = X_cᵀŜX_c/n
+ λI``. The solvers (``solver=``):

==============  ========================================================================
``'normal'``    the normal equations ``A w = X_cᵀŜy_c/n``, solved directly (Cholesky for
                ``α > 0``; least squares, the minimum-norm solution, for ``α = 0``, so a
                singular ``X_cᵀX_c`` is no error)
``'gd'``        gradient descent ``w ← w − lr·∇L(w)``; ``learning_rate='auto'`` is ``1/Λ``,
                ``Λ`` the largest eigenvalue of A (the smoothness of L): every step then
                decreases L, and the error shrinks by ``1 − μ/Λ`` per step (``μ`` the
                smallest eigenvalue)
``'newton'``    Newton's method ``w ← w − A⁻¹∇L(w)``, A from ``nabla.hessian``: exact in
                one step, since L is quadratic
``'sgd'``       stochastic steps on one sample at a time, an epoch per pass over the data
``'minibatch'`` stochastic steps on batches of ``batch_size`` samples
==============  ========================================================================

The stochastic solvers use SVRG (:mod:`nabla.models.solvers`) by default, which
converges to the exact minimizer at a constant learning rate; ``variance_reduction=False``
gives plain SGD (:func:`nabla.optim.batches.descend`), which only wanders near it.
Their ``learning_rate='auto'`` is ``1/Λ_B`` with ``Λ_B = n(B−1)/(B(n−1))·Λ +
(n−B)/(B(n−1))·Λ_max`` the expected smoothness of a batch of B samples (Gower et al.,
2019), ``Λ_max = maxᵢ ŝᵢ‖x_{c,i}‖² + λ`` that of one sample: ``1/Λ_max`` for ``'sgd'``,
close to ``1/Λ`` for large batches.

Gradients and Hessians come from :func:`nabla.value_and_grad` and :func:`nabla.hessian`
of the loss written in NumPy; the iterations from :func:`nabla.optim.minimize`.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg

from nabla.distributed import map_reduce, objective
from nabla.models.base import (
    BaseEstimator,
    RegressorMixin,
    blockwise,
    check_choice,
    check_is_fitted,
    check_learning_rate,
    check_number,
    check_sample_weight,
    converged_or_warn,
    generator,
    is_dask,
    second_moment,
    validate_blocks,
    validate_data,
)
from nabla.models.solvers import svrg
from nabla.optim import minimize, optimizers
from nabla.optim.batches import descend
from nabla.transforms import grad

__all__ = ["LinearRegression", "Ridge"]

SOLVERS = ("normal", "gd", "sgd", "minibatch", "newton")


def squared_loss(w, batch, lam):
    """``(1/2|B|) Σ_B ŝᵢ (xᵢᵀw − yᵢ)² + (λ/2)‖w‖²`` on ``batch = (X, y, ŝ)``.

    >>> squared_loss(np.array([1.0]), (np.array([[1.0], [2.0]]), np.array([0.0, 0.0]),
    ...                                 np.ones(2)), 0.0)
    np.float64(1.25)
    """
    X, y, s = batch
    residual = X @ w - y
    value = (residual @ (s * residual)) * (0.5 / len(y))
    return value + (0.5 * lam) * (w @ w) if lam else value


def _unweighted_loss(w, X, y, lam):
    """:func:`squared_loss` on one block of rows with every ``ŝᵢ = 1`` (the Dask fit)."""
    return squared_loss(w, (X, y, 1.0), lam)


def _smoothness(X, s, lam):
    """Λ, the largest eigenvalue of ``XᵀŜX/n + λI`` (L's Hessian)."""
    gram = second_moment(X, s)
    return float(np.linalg.eigvalsh(gram)[-1]) + lam if gram.size else lam


def _batch_smoothness(X, s, lam, batch):
    """``Λ_B``, the expected smoothness of the loss of a random batch of ``batch`` samples."""
    n = len(X)
    whole, single = _smoothness(X, s, lam), float(np.max(s * np.sum(X * X, axis=1))) + lam
    if n == 1 or batch >= n:
        return whole
    return (n * (batch - 1) * whole + (n - batch) * single) / (batch * (n - 1))


def _least_squares(X, y):
    """The minimum-norm w minimizing ``‖Xw − y‖``, singular values below ``max(n, d)·eps``
    (relative) counted as zero, as scikit-learn's ``LinearRegression`` does."""
    return scipy.linalg.lstsq(X, y, cond=max(X.shape) * np.finfo(X.dtype).eps)[0]


class _LeastSquares(RegressorMixin, BaseEstimator):
    """The fitting shared by :class:`LinearRegression` and :class:`Ridge`."""

    def _alpha(self):
        return 0.0

    def _check_params(self):
        check_choice(self, "solver", self.solver, SOLVERS)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: fit_intercept must be True or False; "
                             f"got {self.fit_intercept!r}")
        check_number(self, "max_iter", self.max_iter, low=1, integer=True)
        check_number(self, "tol", self.tol, low=0)
        check_learning_rate(self, self.learning_rate)
        check_number(self, "batch_size", self.batch_size, low=1, integer=True)

    def fit(self, X, y, sample_weight=None):
        """Fit ``coef_`` and ``intercept_`` to ``X`` (n × d) and ``y`` (n values).

        Returns the estimator. Sets ``coef_`` (d,), ``intercept_``, ``n_features_in_``,
        ``n_iter_`` (1 for ``'normal'``; iterations, or epochs for the stochastic solvers)
        and ``optimize_result_`` (the optimizer's report; None for ``'normal'``).
        """
        self._check_params()
        alpha = self._alpha()
        if is_dask(X) or is_dask(y):
            return self._fit_blocks(X, y, sample_weight, alpha)
        X, y = validate_data(self, X, y, y_numeric=True)
        n = len(X)
        s = check_sample_weight(sample_weight, n)
        if self.fit_intercept:
            x_mean, y_mean = np.average(X, axis=0, weights=s), np.average(y, weights=s)
        else:
            x_mean, y_mean = np.zeros(X.shape[1]), 0.0
        total = float(np.sum(s))
        return self._fit_centered(X - x_mean, y - y_mean, s * n / total, alpha / total,
                                  x_mean, y_mean)

    def _fit_blocks(self, X, y, sample_weight, alpha):
        """:meth:`fit` on Dask arrays: the means, and every loss, gradient, Hessian and
        ``X_cᵀX_c`` the solvers need, summed over the row blocks (all ``ŝᵢ = 1``)."""
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__}: sample_weight is not supported with "
                             "Dask arrays; repeat or drop rows instead, or fit in memory")
        if self.solver in ("sgd", "minibatch"):
            raise ValueError(f"{type(self).__name__}: solver={self.solver!r} steps through "
                             "samples drawn at random, which Dask arrays do not serve row by "
                             "row; use solver='normal', 'newton' or 'gd' with Dask arrays")
        X, y = validate_blocks(self, X, y, y_numeric=True)
        n = X.shape[0]
        if self.fit_intercept:
            x_sum, y_sum = map_reduce(lambda _, X, y: (X.sum(axis=0), y.sum()), None, X, y)
            x_mean, y_mean = x_sum / n, y_sum / n
        else:
            x_mean, y_mean = np.zeros(X.shape[1]), 0.0
        return self._fit_centered(X - x_mean, y - y_mean, 1.0, alpha / n, x_mean, y_mean)

    def _fit_centered(self, Xc, yc, s, lam, x_mean, y_mean):
        """Solve on centered data with weights ``ŝ`` (a vector, or 1.0 for all) and set the
        fitted attributes; returns the estimator."""
        with np.errstate(all="ignore"):
            coef, result = self._solve(Xc, yc, s, lam)
        self.coef_ = coef
        self.intercept_ = float(y_mean - x_mean @ coef) if self.fit_intercept else 0.0
        self.n_iter_ = 1 if result is None else max(1, int(result.nit))
        self.optimize_result_ = result
        return self

    def _solve(self, X, y, s, lam):
        d = X.shape[1]
        if self.solver == "normal":
            return self._normal_equations(X, y, s, lam), None
        loss = lambda w, batch: squared_loss(w, batch, lam)
        data = (X, y, s)
        w0 = np.zeros(d)
        if self.solver in ("gd", "newton"):
            options = {}
            if self.solver == "gd":
                auto = 1.0 / max(_smoothness(X, s, lam), np.finfo(float).tiny)
                options["lr"] = auto if self.learning_rate == "auto" else self.learning_rate
            f, args = ((objective(functools.partial(_unweighted_loss, lam=lam), X, y), ())
                       if is_dask(X) else (loss, (data,)))
            result = minimize(f, w0, method=self.solver, args=args,
                              maxiter=self.max_iter, gtol=self.tol, **options)
        else:
            result = self._stochastic(loss, w0, data, lam)
        converged_or_warn(self, result, " (lr is the learning_rate parameter)"
                          if self.solver == "gd" else "")
        return np.asarray(result.x, dtype=float), result

    def _normal_equations(self, X, y, s, lam):
        if is_dask(X):
            A = second_moment(X) + lam * np.eye(X.shape[1])   # summed over the blocks
            return _least_squares(A, map_reduce(lambda _, X, y: X.T @ y, None, X, y) / len(X))
        root = np.sqrt(s)
        if lam > 0:
            n, d = X.shape
            A = X.T @ (s[:, None] * X) / n + lam * np.eye(d)
            try:
                return scipy.linalg.solve(A, X.T @ (s * y) / n, assume_a="pos")
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
                pass  # numerically singular: the augmented least-squares problem below
            X = np.vstack([root[:, None] * X, np.sqrt(n * lam) * np.eye(d)])
            return _least_squares(X, np.concatenate([root * y, np.zeros(d)]))
        return _least_squares(root[:, None] * X, root * y)

    def _stochastic(self, loss, w0, data, lam):
        X, _, s = data
        batch = 1 if self.solver == "sgd" else min(self.batch_size, len(X))
        lr = self.learning_rate
        if lr == "auto":
            lr = 1.0 / max(_batch_smoothness(X, s, lam, batch), np.finfo(float).tiny)
        rng = generator(self.random_state)
        if self.variance_reduction:
            return svrg(loss, w0, data, lr=lr, batch_size=batch, epochs=self.max_iter,
                        tol=self.tol, rng=rng)
        return self._plain_sgd(loss, w0, data, lr, batch, rng)

    def _plain_sgd(self, loss, w0, data, lr, batch, rng):
        gradient = grad(lambda w: loss(w, data))
        stop = lambda epoch, w, fun: float(np.max(np.abs(gradient(w)))) <= self.tol
        result = descend(loss, w0, data, optimizers.sgd(lr), batch_size=batch,
                         epochs=self.max_iter, rng=rng, callback=stop)
        result.nit = len(result.history["epoch_fun"])
        if result.status == 3:
            result.status, result.message = 0, f"converged after {result.nit} epochs"
        elif result.status == 0:
            result.success = False
            result.status, result.message = 1, (
                f"{self.max_iter} epochs of plain SGD with a constant learning rate "
                f"({lr:g}) ended with ‖∇L‖∞ = {np.max(np.abs(gradient(result.x))):.2e} > "
                f"tol = {self.tol:g}: its steps keep their noise at the minimizer; use "
                "variance_reduction=True or a smaller learning rate")
        return result

    def predict(self, X):
        """``Xw + b`` for each row of X (n × d, the d features seen in ``fit``); a Dask array,
        computed block by block, for a Dask X."""
        check_is_fitted(self)
        if is_dask(X):
            return blockwise(self.predict, X)
        X = validate_data(self, X, reset=False)
        return X @ self.coef_ + self.intercept_


_PARAMETERS = """
    Parameters: ``fit_intercept`` (fit b, default True); ``solver`` (module table);
    ``learning_rate`` (``'auto'`` or a step size, for ``'gd'``, ``'sgd'``, ``'minibatch'``);
    ``max_iter`` (iterations, or epochs for ``'sgd'`` and ``'minibatch'``); ``tol`` (stop
    when ``‖∇L‖∞ ≤ tol``, L the mean loss of the module docstring); ``batch_size`` (for
    ``'minibatch'``); ``variance_reduction`` (SVRG for the stochastic solvers, default True);
    ``random_state`` (seeds the shuffling of the stochastic solvers).

    Fitted: ``coef_`` (d,), ``intercept_`` (a float), ``n_features_in_``, ``n_iter_``,
    ``optimize_result_``. ``score(X, y)`` is R² (``1 − Σ(y − ŷ)²/Σ(y − ȳ)²``).
"""


class LinearRegression(_LeastSquares):
    __doc__ = r"""Ordinary least squares: ``min_{w,b} Σᵢ sᵢ (yᵢ − xᵢᵀw − b)²``.

    The minimizer solves the normal equations ``X_cᵀX_c w = X_cᵀy_c`` (centered data, see
    the module docstring), which every solver reaches: directly, or by gradient, Newton or
    stochastic steps.
    """ + _PARAMETERS + r"""
    >>> import numpy as np
    >>> from nabla.models import LinearRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = 2.0 * X[:, 0] + 1.0
    >>> model = LinearRegression(solver='newton').fit(X, y)
    >>> np.round(model.coef_, 6), round(model.intercept_, 6), model.score(X, y)
    (array([2.]), 1.0, 1.0)
    """

    def __init__(self, *, fit_intercept=True, solver="normal", learning_rate="auto",
                 max_iter=1000, tol=1e-6, batch_size=32, variance_reduction=True,
                 random_state=None):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.variance_reduction = variance_reduction
        self.random_state = random_state


class Ridge(_LeastSquares):
    __doc__ = r"""Ridge regression: ``min_{w,b} Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖²``.

    The penalty shrinks w toward 0 and makes the problem strongly convex for any data:
    the normal equations ``(X_cᵀX_c + αI) w = X_cᵀy_c`` always have one solution.
    ``alpha`` (α ≥ 0, default 1) is scikit-learn's, so ``coef_`` matches
    ``sklearn.linear_model.Ridge(alpha)``.
    """ + _PARAMETERS + r"""
    >>> import numpy as np
    >>> from nabla.models import Ridge
    >>> X = np.array([[-1.0], [1.0]])
    >>> y = np.array([-1.0, 1.0])
    >>> Ridge(alpha=2.0).fit(X, y).coef_            # (XᵀX + α)⁻¹Xᵀy = 2/(2 + 2)
    array([0.5])
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="normal",
                 learning_rate="auto", max_iter=1000, tol=1e-6, batch_size=32,
                 variance_reduction=True, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.variance_reduction = variance_reduction
        self.random_state = random_state

    def _alpha(self):
        return check_number(self, "alpha", self.alpha, low=0)

