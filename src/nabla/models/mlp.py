r"""Multilayer perceptrons trained by backpropagation: :class:`MLPClassifier` and
:class:`MLPRegressor`, with scikit-learn's interface and objective.

The network is a :class:`nabla.nn.MLP`: ``h₀ = x``, ``hₗ = act(hₗ₋₁Wₗ + bₗ)`` for each
hidden layer, and a last affine layer ``z = h_{L−1}W_L + b_L`` without activation. Training
minimizes the mean loss plus an L2 penalty on the weights (not the biases) ::

    J(θ) = (1/n) Σᵢ ℓ(z(xᵢ), yᵢ) + (α/2n) Σₗ ‖Wₗ‖²

with ``ℓ`` the cross-entropy of the softmax of z (:func:`nabla.nn.losses.cross_entropy`,
``logsumexp(z) − z_y``) for classification and half the squared error
(``½ (z − y)²``, :func:`nabla.nn.losses.mse`) for regression — scikit-learn's choices, so
``alpha`` means what it does there. Its gradient, by backpropagation, is
:func:`nabla.value_and_grad` of J: the chain rule applied layer by layer from the output
back.

Solvers (``solver=``):

- ``'adam'`` (default) and ``'sgd'`` (Nesterov momentum ``momentum``): mini-batches of
  ``batch_size`` samples (``'auto'``: ``min(200, n)``), reshuffled every epoch, by
  :func:`nabla.nn.training.fit`, for at most ``max_iter`` epochs. As in scikit-learn,
  training stops early when the epoch's loss has not improved by at least ``tol`` for
  ``n_iter_no_change`` epochs in a row;
- ``'lbfgs'``: L-BFGS on the full-batch J (:func:`nabla.optim.minimize`), for at most
  ``max_iter`` iterations or until ``‖∇J‖∞ ≤ tol``; best for small data sets.

The weights start from Glorot/Xavier uniform draws (``W ~ U(−a, a)``, ``a =
√(6/(fan_in + fan_out))``), the biases at 0, from ``random_state``: the same seed gives
the same network. ``verbose=True`` shows a progress bar while a stochastic solver trains
(when the output is a terminal).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.special

from nabla.models.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    check_choice,
    check_classes,
    check_is_fitted,
    check_number,
    converged_or_warn,
    generator,
    validate_data,
)
from nabla.nn import MLP, Linear, losses
from nabla.nn import activations as _activations
from nabla.nn.training import fit as train
from nabla.optim import minimize, optimizers
from nabla.optim.result import OptimizeResult

__all__ = ["MLPClassifier", "MLPRegressor"]

SOLVERS = ("adam", "sgd", "lbfgs")


def identity(x):
    """The identity activation, ``act(x) = x`` (a linear network).

    >>> identity(3.0)
    3.0
    """
    return x


ACTIVATIONS = {"identity": identity, "logistic": _activations.sigmoid,
               "tanh": _activations.tanh, "relu": _activations.relu}


def weight_penalty(model):
    """``Σₗ ‖Wₗ‖²``, the squared norm of the weight matrices of ``model`` (no biases).

    >>> from nabla.nn import MLP
    >>> net = MLP([2, 3, 1], rng=np.random.default_rng(0))
    >>> bool(np.isclose(weight_penalty(net), np.sum(net[0].w ** 2) + np.sum(net[2].w ** 2)))
    True
    """
    return sum(np.sum(layer.w * layer.w) for layer in model if isinstance(layer, Linear))


class _BaseMLP(BaseEstimator):
    """What the classifier and the regressor share: parameters, the network, training."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=1e-4, batch_size="auto", learning_rate_init=1e-3, max_iter=200,
                 tol=1e-4, n_iter_no_change=10, momentum=0.9, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, random_state=None, verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.random_state = random_state
        self.verbose = verbose

    # --- checks -------------------------------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if any(isinstance(h, bool) or not isinstance(h, numbers.Integral) or h < 1
               for h in sizes):
            raise ValueError(f"{type(self).__name__}: hidden_layer_sizes must be positive "
                             f"integers, e.g. (100,) or (64, 32); got "
                             f"{self.hidden_layer_sizes!r}")
        return [int(h) for h in sizes]

    def _check_params(self):
        check_choice(self, "activation", self.activation, tuple(ACTIVATIONS))
        check_choice(self, "solver", self.solver, SOLVERS)
        check_number(self, "alpha", self.alpha, low=0)
        if not (isinstance(self.batch_size, str) and self.batch_size == "auto"):
            check_number(self, "batch_size", self.batch_size, low=1, integer=True)
        check_number(self, "learning_rate_init", self.learning_rate_init, low=0, strict=True)
        check_number(self, "max_iter", self.max_iter, low=1, integer=True)
        check_number(self, "tol", self.tol, low=0)
        check_number(self, "n_iter_no_change", self.n_iter_no_change, low=1, integer=True)
        check_number(self, "momentum", self.momentum, low=0, high=1)
        check_number(self, "beta_1", self.beta_1, low=0, high=1)
        check_number(self, "beta_2", self.beta_2, low=0, high=1)
        check_number(self, "epsilon", self.epsilon, low=0, strict=True)
        return self._hidden_sizes()

    # --- training -----------------------------------------------------------------------
    def _train(self, X, target, n_outputs, data_loss):
        """Build the network, minimize J by ``solver``, and set the fitted attributes."""
        hidden = self._check_params()
        rng = generator(self.random_state)
        network = MLP([X.shape[1], *hidden, n_outputs], ACTIVATIONS[self.activation],
                      rng=rng, init="xavier_uniform")
        n = len(X)
        scale = 0.5 * self.alpha / n

        def objective(model, batch):
            inputs, targets = batch
            return data_loss(model(inputs), targets) + scale * weight_penalty(model)

        with np.errstate(all="ignore"):
            if self.solver == "lbfgs":
                network, curve, nit = self._lbfgs(objective, network, (X, target))
            else:
                network, curve, nit = self._stochastic(objective, network, (X, target), rng)
        self.module_ = network
        linear = [layer for layer in network if isinstance(layer, Linear)]
        self.coefs_ = [np.asarray(layer.w) for layer in linear]
        self.intercepts_ = [np.asarray(layer.b) for layer in linear]
        self.loss_curve_ = curve
        self.loss_ = curve[-1]
        self.n_iter_ = nit
        return self

    def _optimizer(self):
        if self.solver == "adam":
            return optimizers.adam(self.learning_rate_init, self.beta_1, self.beta_2,
                                   self.epsilon)
        return optimizers.sgd(self.learning_rate_init, momentum=self.momentum,
                              nesterov=self.momentum > 0)

    def _stochastic(self, objective, network, data, rng):
        n = len(data[0])
        batch = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        plateau = {"best": np.inf, "waited": 0}

        def no_improvement(epoch, model, history):   # scikit-learn's stopping rule
            loss = history.loss[-1]
            plateau["waited"] = plateau["waited"] + 1 if loss > plateau["best"] - self.tol \
                else 0
            plateau["best"] = min(plateau["best"], loss)
            return plateau["waited"] > self.n_iter_no_change

        network, history = train(network, objective, data, optimizer=self._optimizer(),
                                 epochs=self.max_iter, batch_size=batch, rng=rng,
                                 verbose=1 if self.verbose else 0,
                                 callback=no_improvement)
        if not history.success:
            raise ValueError(f"{type(self).__name__}: training diverged: {history.message}; "
                             "standardize X (and y), or lower learning_rate_init")
        stopped = history.epochs_run < self.max_iter or plateau["waited"] > \
            self.n_iter_no_change
        converged_or_warn(self, OptimizeResult(
            x=None, success=stopped,
            message=f"the maximum of {self.max_iter} epochs was reached while the loss "
                    f"still improved by more than tol = {self.tol:g}: raise max_iter"))
        return network, list(history.loss), history.epochs_run

    def _lbfgs(self, objective, network, data):
        result = minimize(objective, network, method="lbfgs", args=(data,),
                          maxiter=self.max_iter, gtol=self.tol)
        if not np.isfinite(result.fun):
            raise ValueError(f"{type(self).__name__}: training diverged: {result.message}")
        converged_or_warn(self, result)
        return result.x, [float(f) for f in result.history["fun"][1:]] or [float(result.fun)], \
            max(1, result.nit)

    def _outputs(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.asarray(self.module_(X))


class MLPClassifier(ClassifierMixin, _BaseMLP):
    r"""A multilayer perceptron classifier: ``P(y = k | x) = softmax(z(x))_k``, one output
    per class, trained on the cross-entropy plus ``(α/2n)Σ‖W‖²`` (module docstring).

    Parameters (scikit-learn's names and defaults): ``hidden_layer_sizes=(100,)``,
    ``activation`` (``'relu'``, ``'tanh'``, ``'logistic'``, ``'identity'``), ``solver``
    (``'adam'``, ``'sgd'``, ``'lbfgs'``), ``alpha=1e-4``, ``batch_size='auto'``,
    ``learning_rate_init=1e-3``, ``max_iter=200`` (epochs; iterations for ``'lbfgs'``),
    ``tol=1e-4``, ``n_iter_no_change=10``, ``momentum=0.9`` (``'sgd'``), ``beta_1``,
    ``beta_2``, ``epsilon`` (``'adam'``), ``random_state``.

    Fitted: ``classes_``, ``module_`` (the trained :class:`nabla.nn.MLP`), ``coefs_`` and
    ``intercepts_`` (each layer's W and b), ``loss_curve_`` (the mean training loss of
    each epoch), ``loss_``, ``n_iter_``, ``n_features_in_``.

    >>> import numpy as np
    >>> from nabla.models import MLPClassifier
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0, 1, 1, 0])                     # XOR: no linear model separates it
    >>> net = MLPClassifier((8,), activation='tanh', solver='lbfgs', random_state=0)
    >>> net.fit(X, y).predict(X)
    array([0, 1, 1, 0])
    """

    def fit(self, X, y):
        """Train on ``X`` (n × d) and the class labels ``y``; returns the estimator."""
        X, y = validate_data(self, X, y)
        self.classes_, codes = check_classes(self, y)
        return self._train(X, codes, len(self.classes_), losses.cross_entropy)

    def decision_function(self, X):
        """The scores z(x): (n, K), or for two classes the log-odds ``z₁ − z₀``, (n,)."""
        z = self._outputs(X)
        return z[:, 1] - z[:, 0] if len(self.classes_) == 2 else z

    def predict_proba(self, X):
        """``softmax(z(x))``: each row the probabilities of ``classes_``, summing to 1."""
        return scipy.special.softmax(self._outputs(X), axis=1)

    def predict_log_proba(self, X):
        """``log softmax(z(x))``, computed without underflow."""
        return scipy.special.log_softmax(self._outputs(X), axis=1)

    def predict(self, X):
        """The most probable class of each row of X."""
        scores = self._outputs(X)
        return self.classes_[np.argmax(scores, axis=1)]


def _half_squared_error(predictions, targets):
    return 0.5 * losses.mse(predictions, targets)


class MLPRegressor(RegressorMixin, _BaseMLP):
    r"""A multilayer perceptron regressor: ``ŷ = z(x)``, one linear output, trained on
    ``½(ŷ − y)²`` plus ``(α/2n)Σ‖W‖²`` (module docstring).

    Parameters, fitted attributes: as :class:`MLPClassifier` (without ``classes_``).
    ``score`` is R².

    >>> import numpy as np
    >>> from nabla.models import MLPRegressor
    >>> X = np.linspace(-1.0, 1.0, 40)[:, None]
    >>> y = X[:, 0] ** 2
    >>> net = MLPRegressor((16,), activation='tanh', solver='lbfgs', max_iter=500,
    ...                    random_state=0).fit(X, y)
    >>> net.score(X, y) > 0.99
    True
    """

    def fit(self, X, y):
        """Train on ``X`` (n × d) and the real targets ``y``; returns the estimator."""
        X, y = validate_data(self, X, y, y_numeric=True)
        return self._train(X, y[:, None], 1, _half_squared_error)

    def predict(self, X):
        """``z(x)``, the network's output, for each row of X."""
        return self._outputs(X)[:, 0]

