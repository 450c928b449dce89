r"""Logistic regression, binary and multinomial, with scikit-learn's L2-penalized objective.

**Binary** (two classes, coded ``yᵢ ∈ {0, 1}``): the probability of the second class is
``p(x) = σ(xᵀw + b)``, ``σ(z) = 1/(1 + e^{−z})``, and the negative log-likelihood of one
sample is ::

    ℓᵢ = −yᵢ log p(xᵢ) − (1 − yᵢ) log(1 − p(xᵢ)) = softplus(zᵢ) − yᵢ zᵢ,   zᵢ = xᵢᵀw + b

(``softplus(z) = log(1 + eᶻ)``, computed without overflow).

**Multinomial** (K ≥ 3 classes): one weight vector and intercept per class, ``Z = XW + b``
(``W`` is d × K) and ``p_k(x) = softmax(z)_k = e^{z_k}/Σⱼ e^{z_j}``; one sample's loss is
``ℓᵢ = logsumexp(zᵢ) − zᵢ,yᵢ``.

Both minimize scikit-learn's objective, the mean weighted loss plus an L2 penalty on the
weights (not the intercepts) of strength ``1/C`` ::

    F(W, b) = (1/S) [ Σᵢ sᵢ ℓᵢ + ‖W‖²/(2C) ],    S = Σᵢ sᵢ

which has the minimizer of ``C Σᵢ sᵢℓᵢ + ½‖W‖²``: the coefficients agree with
``sklearn.linear_model.LogisticRegression(C=C)``. F is convex, and strictly convex in W
for a finite C. Its gradient (``∇_W F = Xᵀ Ŝ (P − Y)/n + W/(CS)``) comes from
:func:`nabla.value_and_grad` and its Hessian from :func:`nabla.hessian`; the minimizer
from :func:`nabla.optim.minimize` with ``solver``:

==========  =============================================================================
``'lbfgs'``  limited-memory BFGS with a strong-Wolfe line search (the default, as in
             scikit-learn)
``'newton'`` Newton's method, ``(∇²F) p = −∇F`` with backtracking: a few iterations
``'gd'``     gradient descent with ``learning_rate='auto'`` = ``1/Λ``, Λ a bound on the
             largest eigenvalue of ∇²F: ``c·λ_max(X̃ᵀŜX̃/n) + 1/(CS)`` with ``c = 1/4``
             (binary: σ' ≤ 1/4) or ``1/2`` (softmax), ``X̃ = [X, 1]`` with an intercept
==========  =============================================================================

They stop when ``‖∇F‖∞ ≤ tol`` (scikit-learn's ``tol`` for ``'lbfgs'``) or after
``max_iter`` iterations, with a ``ConvergenceWarning``. In the multinomial model adding
the same number to every intercept changes no probability; the intercepts reported are
the ones that sum to zero (as scikit-learn's).
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.special

from nabla.distributed import objective
from nabla.models.base import (
    BaseEstimator,
    ClassifierMixin,
    blockwise,
    check_choice,
    check_classes,
    check_is_fitted,
    check_learning_rate,
    check_number,
    check_sample_weight,
    converged_or_warn,
    is_dask,
    second_moment,
    validate_blocks,
    validate_data,
)
from nabla.optim import minimize
from nabla.scipy import special

__all__ = ["LogisticRegression"]

SOLVERS = ("lbfgs", "newton", "gd")


def logistic_objective(params, X, y, s, penalty):
    r"""F of the module docstring: ``mean(ŝ·ℓ) + penalty·‖W‖²/2``.

    ``params`` is ``{'coef': W, 'intercept': b}`` (``'intercept'`` absent without one); W
    is a vector (d,) in the binary model, where ``y`` holds 0/1, and a d × K matrix in the
    multinomial one, where ``y`` is one-hot (n × K). ``ŝ = n·s/S`` are the sample weights
    scaled to mean 1 and ``penalty = 1/(CS)``.

    >>> X = np.array([[1.0], [-1.0]])
    >>> float(logistic_objective({'coef': np.zeros(1)}, X, np.array([1.0, 0.0]),
    ...                          np.ones(2), 0.0))                     # log 2
    0.6931471805599453
    """
    W = params["coef"]
    z = X @ W
    if "intercept" in params:
        z = z + params["intercept"]
    if y.ndim == 1:
        losses = special.softplus(z) - y * z
    else:
        losses = special.logsumexp(z, axis=1) - np.sum(y * z, axis=1)
    return np.mean(s * losses) + 0.5 * penalty * np.sum(W * W)


def _unweighted_objective(params, X, labels, penalty, classes):
    """F on one block of rows with every ``ŝᵢ = 1``, its labels coded here (0/1 for two
    ``classes``, one-hot for more): what the Dask fit sums (mean reduction)."""
    y = labels == classes[1] if len(classes) == 2 else labels[:, None] == classes
    return logistic_objective(params, X, y.astype(float), 1.0, penalty)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Logistic regression: ``P(y = k | x) = softmax(xᵀW + b)_k`` (sigmoid for two
    classes), fitted by minimizing the L2-penalized negative log-likelihood of the module
    docstring.

    Parameters: ``C`` (inverse penalty strength, > 0; ``numpy.inf`` for no penalty),
    ``fit_intercept`` (default True), ``solver`` (``'lbfgs'``, ``'newton'``, ``'gd'``),
    ``max_iter`` (default 100), ``tol`` (on ``‖∇F‖∞``, default 1e-4), ``learning_rate``
    (``'gd'`` only: ``'auto'`` or a step size).

    Fitted: ``classes_``, ``coef_`` (1 × d for two classes, K × d for K ≥ 3, as
    scikit-learn), ``intercept_`` (1 or K values), ``n_features_in_``, ``n_iter_``, and
    ``optimize_result_`` (the :class:`~nabla.optim.OptimizeResult`).

    >>> import numpy as np
    >>> from nabla.models import LogisticRegression
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> y = np.array(['no', 'no', 'yes', 'yes'])
    >>> model = LogisticRegression(C=1.0).fit(X, y)
    >>> model.predict([[-3.0], [3.0]]), model.classes_
    (array(['no', 'yes'], dtype='<U3'), array(['no', 'yes'], dtype='<U3'))
    >>> np.round(model.predict_proba([[0.0]]), 6)               # symmetric data: b = 0
    array([[0.5, 0.5]])
    """

    def __init__(self, C=1.0, *, fit_intercept=True, solver="lbfgs", max_iter=100, tol=1e-4,
                 learning_rate="auto"):
        self.C = C
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.learning_rate = learning_rate

    def _check_params(self):
        check_number(self, "C", self.C, low=0, strict=True, allow_inf=True)
        check_choice(self, "solver", self.solver, SOLVERS)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError(f"LogisticRegression: fit_intercept must be True or False; got "
                             f"{self.fit_intercept!r}")
        check_number(self, "max_iter", self.max_iter, low=1, integer=True)
        check_number(self, "tol", self.tol, low=0)
        check_learning_rate(self, self.learning_rate)

    def fit(self, X, y, sample_weight=None):
        """Fit to ``X`` (n × d) and the class labels ``y``; returns the estimator.

        ``X`` and ``y`` may be Dask arrays (with ``sample_weight=None``): F, its gradient
        and its Hessian are then sums over the row blocks (:mod:`nabla.distributed`), with
        the same minimizer as in memory.
        """
        self._check_params()
        if is_dask(X) or is_dask(y):
            return self._fit_blocks(X, y, sample_weight)
        X, y = validate_data(self, X, y)
        n = len(X)
        self.classes_, codes = check_classes(self, y)
        s = check_sample_weight(sample_weight, n)
        check_classes(self, codes[s > 0])  # at least two classes must have weight
        total = float(np.sum(s))
        penalty = 1.0 / (self.C * total)
        K = len(self.classes_)
        target = codes.astype(float) if K == 2 else np.eye(K)[codes]
        s = s * n / total
        return self._minimize(logistic_objective, (X, target, s, penalty), X.shape[1],
                              penalty, lambda: second_moment(self._augmented(X), s))

    def _fit_blocks(self, X, y, sample_weight):
        """:meth:`fit` on Dask arrays: F (all ŝᵢ = 1) as a ``nabla.distributed.objective``."""
        if sample_weight is not None:
            raise ValueError("LogisticRegression: sample_weight is not supported with Dask "
                             "arrays; repeat or drop rows instead, or fit in memory")
        X, y = validate_blocks(self, X, y)
        labels = np.unique(y.map_blocks(np.unique, dtype=y.dtype).compute())
        self.classes_, _ = check_classes(self, labels)
        penalty = 1.0 / (self.C * X.shape[0])
        loss = functools.partial(_unweighted_objective, penalty=penalty, classes=self.classes_)
        f = objective(loss, X, y, names=("X", "y"))
        return self._minimize(f, (), X.shape[1], penalty,
                              lambda: second_moment(self._augmented(X)))

    def _minimize(self, f, args, d, penalty, moment):
        """Minimize F, given as ``f(params, *args)``, from zero; ``penalty = 1/(CS)`` and
        ``moment()`` (``X̃ᵀŜX̃/n``) give the learning rate of ``'gd'``. Sets the fitted
        attributes and returns the estimator."""
        K = len(self.classes_)
        shape = (d,) if K == 2 else (d, K)
        params = {"coef": np.zeros(shape)}
        if self.fit_intercept:
            params["intercept"] = np.zeros(shape[1:])
        options = {}
        if self.solver == "gd":
            curvature = 0.25 if K == 2 else 0.5
            options["lr"] = (1.0 / (curvature * float(np.linalg.eigvalsh(moment())[-1])
                                    + penalty)
                             if self.learning_rate == "auto" else self.learning_rate)
        with np.errstate(all="ignore"):
            result = minimize(f, params, method=self.solver, args=args,
                              maxiter=self.max_iter, gtol=self.tol, **options)
        converged_or_warn(self, result, " (lr is the learning_rate parameter)"
                          if self.solver == "gd" else "")
        W = np.asarray(result.x["coef"], dtype=float)
        b = np.asarray(result.x.get("intercept", np.zeros(shape[1:])), dtype=float)
        if K > 2:
            b = b - b.mean()
        self.coef_ = W.reshape(d, -1).T.copy()
        self.intercept_ = np.atleast_1d(b).copy()
        self.n_iter_ = max(1, int(result.nit))
        self.optimize_result_ = result
        return self

    def _augmented(self, X):
        """``X̃ = [X, 1]`` with an intercept, X without."""
        if not self.fit_intercept:
            return X
        if not is_dask(X):
            return np.hstack([X, np.ones((len(X), 1))])
        import dask.array as da
        return da.concatenate([X, da.ones((len(X), 1), chunks=(X.chunks[0], 1))], axis=1)

    def decision_function(self, X):
        """The scores ``z = xᵀW + b``: shape (n,) for two classes (the log-odds of the
        second), (n, K) otherwise; a Dask array, computed block by block, for a Dask X."""
        check_is_fitted(self)
        if is_dask(X):
            K = len(self.classes_)
            return blockwise(self.decision_function, X, None if K == 2 else K)
        X = validate_data(self, X, reset=False)
        z = X @ self.coef_.T + self.intercept_
        return z[:, 0] if len(self.classes_) == 2 else z

    def predict_proba(self, X):
        """The probability of each class, ``σ(z)`` or ``softmax(z)``: rows sum to 1."""
        if is_dask(X):
            return blockwise(self.predict_proba, X, len(self.classes_))
        z = self.decision_function(X)
        if z.ndim == 1:
            p = scipy.special.expit(z)
            return np.column_stack([1.0 - p, p])
        return scipy.special.softmax(z, axis=1)

    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`, computed without underflow."""
        if is_dask(X):
            return blockwise(self.predict_log_proba, X, len(self.classes_))
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([scipy.special.log_expit(-z), scipy.special.log_expit(z)])
        return scipy.special.log_softmax(z, axis=1)

    def predict(self, X):
        """The most probable class of each row of X (block by block for a Dask X)."""
        if is_dask(X):
            return blockwise(self.predict, X, dtype=self.classes_.dtype)
        z = self.decision_function(X)
        index = (z > 0).astype(int) if z.ndim == 1 else np.argmax(z, axis=1)
        return self.classes_[index]
