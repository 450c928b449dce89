"""The training loop: ``fit(model, loss_fn, data, optimizer=…, rng=…) -> (model, History)``.

One *epoch* of :func:`fit` is one pass over the training data in shuffled mini-batches
``B`` (from :func:`nabla.optim.batches.batches` with the explicit ``rng``), each giving one
optimizer step with the exact gradient of the batch loss::

    ℓ_B, g = value_and_grad(loss_fn)(θ, B)          # ℓ_B = loss_fn(θ, B), g = ∇_θ ℓ_B
    θ, state = optimizer.update(g, state, θ)

The model ``θ`` is any pytree of parameters, usually an :class:`nabla.nn.Module`, and is
never changed in place: each step builds a new one.

Conventions, shared with the layers and losses of :mod:`nabla.nn`:

- ``loss_fn(model, batch)`` returns a scalar, the *mean* loss over the batch (so that a
  learning rate means the same for every batch size), or ``(scalar, aux)`` as for
  ``nabla.value_and_grad(..., has_aux=True)``; ``fit`` ignores ``aux``.
- ``data`` (and ``validation``) is a pytree of arrays sharing their first dimension, the
  samples: usually ``(X, y)``.
- The model's outputs come from ``predict(model, X)``, by default ``model(X)``; they are
  used only by the metrics named by string, which need ``data = (X, y)``. For
  classification the outputs are *logits*: one score per class, shape ``(n, k)``, or for
  two classes possibly one score per sample, the logit of class 1, shape ``(n,)`` or
  ``(n, 1)`` (the convention of ``nabla.nn.losses.cross_entropy``); ``'accuracy'`` takes
  the class of largest score (``z > 0`` for one score) and ``'log_loss'`` the softmax
  (sigmoid) probabilities. For ``'mse'`` and ``'r2'`` the outputs are the predictions.
- A :class:`~nabla.nn.Module` is trained in training mode (``model.train()``) and
  evaluated — validation loss and metrics — in evaluation mode (``model.eval()``), so
  layers such as dropout behave as they should; the model comes back in the mode it was
  given.

**Dask arrays** (``data`` a pytree of Dask arrays with aligned row blocks, e.g.
``(X, y)``, the ``distributed`` extra): training is synchronous and data-parallel. The
batches are those that in-memory data would give with the same ``rng`` (the rows of
``rng.permutation(n)``, cut in order), each left in the blocks its rows live in; a step
computes the gradient of every worker's local slice of the batch where it lies and sums
them, ``∇ℓ_B = Σ_b (|B_b|/|B|)·∇ℓ_{B_b}`` (:mod:`nabla.distributed.batches`), and the
optimizer updates the model here, which the next step sends out again. The validation
loss is summed over the blocks the same way; named metrics gather only the model's outputs
(and y); ``jit`` is not applied to the steps. Each step costs a round trip to the
scheduler: worth it when a batch's gradient takes longer than that (``bench/distributed.py``
measures it).

What is recorded each epoch (in :class:`History`): ``loss``, the mean of the batch losses
over the epoch weighted by batch size (the model changes during the epoch, so this is an
average along the way, as Keras reports it); ``val_loss``, the loss of the model at the end
of the epoch on ``validation``; and every metric on the training data (``'accuracy'``) and
on the validation data (``'val_accuracy'``), again at the end of the epoch.

>>> import numpy as np
>>> from nabla.nn import Module
>>> from nabla.nn.training import fit
>>> from nabla.optim.optimizers import sgd
>>> class Line(Module):
...     def __init__(self):
...         self.w, self.b = np.zeros(1), np.zeros(1)
...     def __call__(self, x):
...         return x * self.w + self.b
>>> x = np.linspace(-1.0, 1.0, 64)
>>> data = (x, 2.0 * x - 1.0)
>>> squared_error = lambda model, batch: np.mean((model(batch[0]) - batch[1]) ** 2)
>>> model, history = fit(Line(), squared_error, data, optimizer=sgd(0.3), epochs=20,
...                      batch_size=16, rng=np.random.default_rng(0), metrics=['r2'],
...                      verbose=0)
>>> np.round(model.w, 3), np.round(model.b, 3), round(history['r2'][-1], 6)
(array([2.]), array([-1.]), 1.0)
>>> history.epochs_run, history.success
(20, True)
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from nabla import distributed, tree
from nabla.distributed import batches as data_parallel
from nabla.nn import metrics as _metrics
from nabla.nn.module import Module
from nabla.optim._staged import check_jit, staged_on_leaves
from nabla.optim.batches import batches
from nabla.transforms import value_and_grad

__all__ = ["History", "fit"]


# --------------------------------------------------------------------------------------
# The record of a run
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class History:
    """What happened during :func:`fit`, epoch by epoch.

    ``history`` maps each recorded quantity to its list of per-epoch values: ``'loss'``
    (training), ``'val_loss'`` (with validation data), and each metric by name on the
    training data (``'accuracy'``) and on the validation data (``'val_accuracy'``);
    ``history['loss']`` and ``history.loss`` are shortcuts. ``epochs_run`` counts the
    epochs completed, ``steps`` the optimizer steps taken, ``step_loss`` holds the batch
    loss of every step (the last one may be the non-finite value that stopped training).
    ``stopped_early`` says whether early stopping ended the run and ``best_epoch`` (with
    early stopping) which epoch's model was returned. ``success`` is False when training
    was stopped because the loss, a gradient or a parameter became NaN or infinite;
    ``message`` says why the run ended, in words.

    >>> h = History({'loss': [0.9, 0.4]}, epochs_run=2, steps=8, message='trained 2 epochs')
    >>> h.loss, h['loss'][-1], h.val_loss
    ([0.9, 0.4], 0.4, [])
    """

    history: dict = dataclasses.field(default_factory=lambda: {"loss": []})
    epochs_run: int = 0
    steps: int = 0
    stopped_early: bool = False
    best_epoch: int | None = None
    success: bool = True
    message: str = ""
    step_loss: list = dataclasses.field(default_factory=list)

    def __getitem__(self, key: str) -> list:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"History has no {key!r}; it recorded {sorted(self.history)}") \
                from None

    @property
    def loss(self) -> list:
        """The training loss of each epoch."""
        return self.history.get("loss", [])

    @property
    def val_loss(self) -> list:
        """The validation loss of each epoch (empty without validation data)."""
        return self.history.get("val_loss", [])

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items() if v)
        return (f"History(epochs_run={self.epochs_run}, steps={self.steps}, {last}"
                f"{', ' if last else ''}success={self.success}, message={self.message!r})")


# --------------------------------------------------------------------------------------
# Checking the arguments
# --------------------------------------------------------------------------------------


def _check_int(value, name, low):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"fit: {name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _generator(rng, batch_size):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    if rng is None and batch_size is None:
        return None
    if rng is None:
        raise ValueError("fit: rng is needed to shuffle the mini-batches; pass "
                         "rng=numpy.random.default_rng(0) (or an integer seed)")
    raise TypeError(f"fit: rng must be a numpy.random.Generator or an integer seed, got "
                    f"{type(rng).__name__}")


def _check_data(data, name):
    """The number of samples in ``data`` (a pytree of arrays with a common first axis)."""
    if _on_dask(data):
        try:
            return distributed.align(*tree.leaves(data))[0].shape[0]
        except (TypeError, ValueError) as error:
            raise type(error)(f"fit: {name}: {error}") from None
    try:
        batches(data, None)
    except ValueError as error:
        raise ValueError(f"fit: {name}: {str(error).removeprefix('batches: ')}") from None
    return len(tree.leaves(data)[0])


def _on_dask(data):
    """Whether ``data`` holds Dask arrays (then each step is data-parallel)."""
    return any(distributed.is_dask(leaf) for leaf in tree.leaves(data))


def _pair(data, name):
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise ValueError(f"fit: metrics need {name} as a pair (X, y); got "
                         f"{type(data).__name__}")
    return data


# --------------------------------------------------------------------------------------
# Metrics: names and callables
# --------------------------------------------------------------------------------------


def _softmax(z):
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _scores(outputs, y):
    """Classifier outputs as ``(n, k)`` scores, or ``(n,)`` binary logits."""
    z = np.asarray(outputs, dtype=float)
    y = np.asarray(y)
    if z.ndim == y.ndim + 1 and z.shape[-1] == 1:
        z = z[..., 0]
    return z


def _accuracy_from_outputs(outputs, y):
    z = _scores(outputs, y)
    if z.shape == np.shape(y):
        z = (z > 0).astype(int)
    return _metrics.accuracy(y, z)


def _log_loss_from_outputs(outputs, y):
    z = _scores(outputs, y)
    if z.shape == np.shape(y):
        return _metrics.log_loss(y, _sigmoid(z), labels=[0, 1])
    return _metrics.log_loss(y, _softmax(z), labels=np.arange(z.shape[-1]))


_NAMED = {
    "accuracy": _accuracy_from_outputs,
    "log_loss": _log_loss_from_outputs,
    "mse": lambda outputs, y: _metrics.mse(y, np.asarray(outputs)),
    "r2": lambda outputs, y: _metrics.r2(y, np.asarray(outputs)),
}


@dataclasses.dataclass(frozen=True)
class _Metric:
    name: str
    on_outputs: Callable | None = None      # named: f(outputs, y)
    on_model: Callable | None = None        # callable: f(model, X, y)


def _parse_metrics(metrics) -> list[_Metric]:
    if isinstance(metrics, (str, bytes)) or callable(metrics):
        metrics = (metrics,)
    items = metrics.items() if isinstance(metrics, dict) else [(None, m) for m in metrics]
    parsed = []
    for i, (name, metric) in enumerate(items):
        if isinstance(metric, str):
            if metric not in _NAMED:
                raise ValueError(f"fit: unknown metric {metric!r}; the named metrics are "
                                 f"{sorted(_NAMED)}, or pass a callable metric(model, X, y)")
            parsed.append(_Metric(name or metric, on_outputs=_NAMED[metric]))
        elif callable(metric):
            label = name or getattr(metric, "__name__", "")
            if not label.isidentifier():       # a lambda, a partial, …
                label = f"metric_{i}"
            parsed.append(_Metric(label, on_model=metric))
        else:
            raise TypeError(f"fit: a metric must be a name {sorted(_NAMED)} or a callable "
                            f"metric(model, X, y), got {metric!r}")
    names = [m.name for m in parsed]
    clash = {n for n in names if names.count(n) > 1} | ({"loss"} & set(names))
    if clash:
        raise ValueError(f"fit: metric names must be unique and not 'loss'; got {names}")
    return parsed


def _predict_all(predict, model, X, chunk):
    """``predict(model, X)`` in chunks of ``chunk`` samples, concatenated (a Dask X: on
    the workers, block by block)."""
    if distributed.is_dask(X):
        return distributed.collect(predict, model, X)
    if chunk is None or not isinstance(X, np.ndarray) or len(X) <= chunk:
        return np.asarray(predict(model, X))
    return np.concatenate([np.asarray(predict(model, X[i:i + chunk]))
                           for i in range(0, len(X), chunk)])


def _measure(metrics, predict, model, data, chunk):
    if not metrics:
        return {}
    X, y = data
    outputs = None
    values = {}
    for m in metrics:
        if m.on_outputs is not None:
            if outputs is None:
                outputs = _predict_all(predict, model, X, chunk)
            values[m.name] = float(m.on_outputs(outputs, y))
        else:
            values[m.name] = float(m.on_model(model, X, y))
    return values


# --------------------------------------------------------------------------------------
# Losses, modes and the NaN guard
# --------------------------------------------------------------------------------------


def _with_aux(loss_fn):
    """``loss_fn`` as a function returning ``(value, aux)`` (aux None when it has none)."""

    def objective(model, batch):
        out = loss_fn(model, batch)
        if isinstance(out, tuple):
            if len(out) != 2:
                raise TypeError(f"fit: loss_fn must return a scalar or a pair (scalar, aux), "
                                f"got a tuple of {len(out)}")
            return out
        return out, None

    return objective


def _mean_loss(objective, model, data, chunk):
    """The sample-weighted mean of the loss over ``data``, in chunks (no gradient)."""
    if _on_dask(data):
        return float(data_parallel.value(lambda m, batch: objective(m, batch)[0])(model, data))
    total = count = 0.0
    for batch in batches(data, chunk, shuffle=False):
        size = len(tree.leaves(batch)[0])
        total += float(objective(model, batch)[0]) * size
        count += size
    return total / count


def _in_mode(model, training):
    """A copy of a Module in training or evaluation mode (other pytrees as they are)."""
    if not isinstance(model, Module) or model.training == training:
        return model
    return tree.map(lambda leaf: leaf, model).train(training)


def _nonfinite(pytree):
    """The first non-finite value in a pytree of numbers, as a string ('nan', 'inf'), or None."""
    for leaf in tree.leaves(pytree):
        a = np.asarray(leaf)
        if np.issubdtype(a.dtype, np.inexact) and not np.all(np.isfinite(a)):
            bad = a[~np.isfinite(a)].flat[0]
            return str(bad) if np.isreal(bad) else "non-finite"
    return None


_HINT = ("lower the learning rate or clip gradients (e.g. adam(lr=1e-4), or "
         "adam(lr, clip_norm=1.0))")


# --------------------------------------------------------------------------------------
# Progress display
# --------------------------------------------------------------------------------------


class _Quiet:
    """A progress bar that shows nothing."""

    def update(self, n=1):
        pass

    def set_description_str(self, text):
        pass

    def set_postfix_str(self, text):
        pass

    def close(self):
        pass


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def _progress_bar(verbose, total):
    """A tqdm bar on stderr when ``verbose == 1`` and stderr is a terminal; else quiet."""
    if verbose != 1 or not _stderr_is_terminal():
        return _Quiet()
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional: train quietly without it
        return _Quiet()
    return tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True, leave=True)


# --------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------


def fit(model: Any, loss_fn: Callable, data: Any, *, optimizer, epochs: int = 10,
        batch_size: int | None = 32, rng: np.random.Generator | int | None,
        validation: Any = None, metrics=(), early_stopping: int | None = None,
        verbose: int = 1, callback: Callable | None = None,
        predict: Callable | None = None, jit: bool | str = False) -> tuple[Any, History]:
    """Train ``model`` to minimize ``loss_fn`` over ``data``; returns ``(model, history)``.

    Every epoch shuffles ``data`` with ``rng`` and takes one ``optimizer`` step (an
    :class:`nabla.optim.optimizers.Optimizer`, e.g. ``adam(1e-3)``) per mini-batch of
    ``batch_size`` samples (``None``: the whole data, one step per epoch), with the
    gradient from ``nabla.value_and_grad(loss_fn)(model, batch)``. See the module
    docstring for the conventions on ``loss_fn``, ``data`` and model outputs.

    - ``rng``: a ``numpy.random.Generator`` or an integer seed; the same seed gives the
      same run. (It may be None only with ``batch_size=None``, where nothing is drawn.)
    - ``validation``: data shaped like ``data``, on which ``val_loss`` and the ``val_``
      metrics are measured after every epoch.
    - ``metrics``: names among ``'accuracy'``, ``'log_loss'``, ``'mse'``, ``'r2'`` (of the
      outputs ``predict(model, X)``, default ``model(X)``), or callables
      ``metric(model, X, y) -> float`` (recorded under their ``__name__``), or a dict
      ``{name: metric}``. They need ``data = (X, y)``.
    - ``early_stopping=p``: stop when ``val_loss`` has not improved (strictly decreased)
      for ``p`` epochs in a row, and return the model of the epoch with the lowest
      ``val_loss`` (also when the run ends before that), its number in
      ``history.best_epoch``. Needs ``validation``.
    - ``verbose``: 0 silent, 1 a tqdm progress bar on stderr (only when stderr is a
      terminal and tqdm is installed), 2 one line per epoch on stdout.
    - ``callback(epoch, model, history)``: called after every epoch (counted from 1); a
      true return value stops training.
    - ``jit=True``: compile the step's loss and gradient with :func:`nabla.jit` (one
      program per batch shape: a last, shorter batch is a second one); the same iterates,
      faster over several epochs. ``loss_fn`` is then traced once per batch shape, so it
      must be a function of the model and the batch alone, without side effects: where it
      cannot be compiled (it branches on a value; ``cross_entropy`` with integer labels
      checks their range) or its compiled result differs (it draws random numbers, as
      ``Dropout`` does), it runs eagerly with a ``UserWarning`` (``jit="auto"``: without
      it). Default ``False``: eager.

    The NaN guard: if a batch loss, a gradient or the updated parameters are NaN or
    infinite, training stops at once with ``history.success = False`` and a message such
    as ``'the loss became nan at epoch 3, step 17 (step 117 overall): lower the learning
    rate or clip gradients …'``, and the model returned is the last one whose loss,
    gradient and parameters were all finite (the one from before that step).

    >>> import numpy as np
    >>> from nabla.optim.optimizers import sgd
    >>> w0 = {'w': np.zeros(2)}
    >>> X = np.eye(2).repeat(4, axis=0); y = X @ np.array([1.0, -1.0])
    >>> loss = lambda p, batch: np.mean((batch[0] @ p['w'] - batch[1]) ** 2)
    >>> p, history = fit(w0, loss, (X, y), optimizer=sgd(1e100), batch_size=4, rng=0,
    ...                  verbose=0)
    >>> history.success, history.message.split(':')[0]
    (False, 'the loss became inf at epoch 2, step 1 (step 3 overall)')
    """
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        raise TypeError(f"fit: optimizer must be an Optimizer with init and update (e.g. "
                        f"nabla.optim.optimizers.adam(1e-3)), got {optimizer!r}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be a function loss_fn(model, batch), got "
                        f"{loss_fn!r}")
    epochs = _check_int(epochs, "epochs", 1)
    if batch_size is not None:
        batch_size = _check_int(batch_size, "batch_size", 1)
    if verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose must be 0, 1 or 2, got {verbose!r}")
    rng = _generator(rng, batch_size)
    n = _check_data(data, "data")
    if validation is not None:
        _check_data(validation, "validation")
    if early_stopping is not None:
        early_stopping = _check_int(early_stopping, "early_stopping (the patience)", 1)
        if validation is None:
            raise ValueError("fit: early_stopping watches the validation loss; pass "
                             "validation=(X_val, y_val)")
    if callback is not None and not callable(callback):
        raise TypeError(f"fit: callback must be callable, got {callback!r}")
    jit = check_jit(jit, "fit")
    metric_list = _parse_metrics(metrics)
    if metric_list:
        _pair(data, "data")
        if validation is not None:
            _pair(validation, "validation")
    predict = predict or (lambda m, X: m(X))

    objective = _with_aux(loss_fn)
    given_training = getattr(model, "training", True) if isinstance(model, Module) else True
    history = History(_empty_record(metric_list, validation is not None))
    steps_per_epoch = 1 if batch_size is None else -(-n // batch_size)
    bar = _progress_bar(verbose, epochs * steps_per_epoch)
    run = _Run(objective, data, optimizer, epochs, batch_size, rng, validation, metric_list,
               predict, early_stopping, verbose, callback,
               chunk=None if batch_size is None else max(batch_size, 1024), jit=jit)
    try:
        trained, message, success = _train(run, _in_mode(model, True), history, bar)
    finally:
        bar.close()
    history.success, history.message = success, message
    return _in_mode(trained, given_training), history


def _empty_record(metric_list, with_validation):
    record = {"loss": []}
    if with_validation:
        record["val_loss"] = []
    for m in metric_list:
        record[m.name] = []
        if with_validation:
            record[f"val_{m.name}"] = []
    return record


@dataclasses.dataclass(frozen=True)
class _Run:
    """The checked arguments of one call of :func:`fit`."""

    objective: Callable            # (model, batch) -> (loss, aux)
    data: Any
    optimizer: Any
    epochs: int
    batch_size: int | None
    rng: np.random.Generator | None
    validation: Any
    metrics: list
    predict: Callable
    early_stopping: int | None
    verbose: int
    callback: Callable | None
    chunk: int | None               # samples per forward pass when evaluating
    jit: bool | str                 # compile the step: True, False or "auto"


def _train(run, params, history, bar):
    """The epochs of :func:`fit`; returns ``(model, message, success)``."""
    step_fn = (data_parallel.value_and_grad(lambda m, batch: run.objective(m, batch)[0])
               if _on_dask(run.data) else _step_function(run.objective, params, run.jit))
    state = run.optimizer.init(params)
    best = (math.inf, params, None)       # (val_loss, model, epoch) with early stopping
    waited = 0
    epochs, early_stopping = run.epochs, run.early_stopping
    for epoch in range(1, epochs + 1):
        bar.set_description_str(f"epoch {epoch}/{epochs}")
        params, state, failure = _run_epoch(run, step_fn, params, state, epoch, history, bar)
        if failure:
            return params, failure, False
        _evaluate(run, _in_mode(params, False), history.history)
        history.epochs_run = epoch
        summary = ", ".join(f"{k} {v[-1]:.4g}" for k, v in history.history.items())
        bar.set_postfix_str(summary)
        if run.verbose == 2:
            print(f"epoch {epoch}/{epochs}: {summary}", flush=True)

        if early_stopping is not None:
            if history.val_loss[-1] < best[0]:
                best, waited = (history.val_loss[-1], params, epoch), 0
            else:
                waited += 1
            history.best_epoch = best[2]
            if waited >= early_stopping:
                history.stopped_early = True
                return best[1], (f"stopped early after epoch {epoch}: val_loss has not "
                                 f"improved for {waited} epochs; restored the model of epoch "
                                 f"{best[2]} (val_loss {best[0]:.6g})"), True
        if run.callback is not None and run.callback(epoch, params, history):
            return (best[1] if best[2] else params,
                    f"stopped by the callback after epoch {epoch}", True)

    message = f"trained {epochs} epoch{'s' if epochs > 1 else ''} ({history.steps} steps)"
    if best[2] is None:
        return params, message, True
    if best[2] != epochs:
        message += (f"; restored the model of epoch {best[2]}, the best on the validation "
                    f"data (val_loss {best[0]:.6g})")
    return best[1], message, True


def _step_function(objective, params, compiled):
    """``step(params, batch) -> (loss, gradient)``, the work of one optimizer step.

    With ``compiled`` it runs compiled by ``nabla.jit`` where ``loss_fn`` allows
    (:func:`nabla.optim._staged.staged_on_leaves`).
    """
    value_and_gradient = value_and_grad(objective, has_aux=True)

    def step(params, batch):
        (value, _), grads = value_and_gradient(params, batch)
        return value, grads

    if not compiled:
        return step
    return staged_on_leaves(step, tree.structure(params), "fit", "loss_fn",
                            quiet=compiled == "auto")


def _run_epoch(run, step_fn, params, state, epoch, history, bar):
    """One pass over ``data``, one optimizer step per batch, with the NaN guard.

    Appends the epoch's mean loss to ``history`` and returns ``(params, state, None)``; or,
    at the first non-finite loss, gradient or parameter, ``(params, state, message)`` with
    the parameters from before that step.
    """
    total = count = 0.0
    epoch_batches = (data_parallel.batches(run.data, run.batch_size, rng=run.rng)
                     if _on_dask(run.data) else
                     batches(run.data, run.batch_size, rng=run.rng,
                             shuffle=run.batch_size is not None))
    for step, batch in enumerate(epoch_batches, 1):
        with np.errstate(over="ignore", invalid="ignore"):   # the guard reports it
            value, grads = step_fn(params, batch)
        value = float(value)
        history.step_loss.append(value)
        where = f"at epoch {epoch}, step {step} (step {history.steps + 1} overall)"
        bad = [(what, found) for what, found in (("loss", _nonfinite(value)),
                                                 ("gradient", _nonfinite(grads))) if found]
        if not bad:
            with np.errstate(over="ignore", invalid="ignore"):
                new_params, new_state = run.optimizer.update(grads, state, params)
            bad = [("parameters", found) for found in [_nonfinite(new_params)] if found]
        if bad:
            what, found = bad[0]
            return params, state, (f"the {what} became {found} {where}: {_HINT}; returned "
                                   f"the model from before that step")
        params, state = new_params, new_state
        history.steps += 1
        size = len(tree.leaves(batch)[0])
        total += value * size
        count += size
        bar.update(1)
        bar.set_postfix_str(f"loss {total / count:.4g}")
    history.history["loss"].append(total / count)
    return params, state, None


def _evaluate(run, model, record):
    """Append the end-of-epoch metrics (on the training data) and validation loss and
    metrics to ``record``; ``model`` is in evaluation mode."""
    for name, value in _measure(run.metrics, run.predict, model, run.data, run.chunk).items():
        record[name].append(value)
    if run.validation is not None:
        record["val_loss"].append(_mean_loss(run.objective, model, run.validation, run.chunk))
        for name, value in _measure(run.metrics, run.predict, model, run.validation,
                                    run.chunk).items():
            record[f"val_{name}"].append(value)
