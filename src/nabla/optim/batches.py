"""Batch, stochastic and mini-batch gradient descent: one mechanism, three batch sizes.

For a loss that averages over ``n`` samples, ``L(θ) = (1/n) Σᵢ ℓ(θ; xᵢ)``, one *epoch*
splits the samples into batches ``B`` and takes one optimizer step per batch with the
gradient of the batch loss ``(1/|B|) Σ_{i∈B} ∇ℓ(θ; xᵢ)``, an unbiased estimate of ``∇L``
when the batches are drawn at random:

- ``batch_size=None``: one batch of all ``n`` samples, *batch* gradient descent (one step
  per epoch, the exact gradient);
- ``batch_size=1``: ``n`` single samples, *stochastic* gradient descent;
- ``batch_size=k``: ``⌈n/k⌉`` *mini-batches* of ``k`` (the last one smaller, or dropped
  with ``drop_last``).

:func:`batches` cuts one epoch; :func:`descend` runs an optimizer over several.

>>> import numpy as np
>>> from nabla.optim.batches import batches
>>> data = (np.arange(5.0), np.arange(5) * 10)
>>> [len(x) for x, y in batches(data, 2, shuffle=False)]
[2, 2, 1]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from nabla import tree
from nabla.optim.result import OptimizeResult
from nabla.transforms import value_and_grad

__all__ = ["batches", "descend"]


def _as_arrays(data):
    """The leaves of ``data``, its structure, and the shared length ``n`` of its arrays."""
    leaves, treedef = tree.flatten(data)
    if not leaves:
        raise ValueError("batches: data has no arrays; give a pytree of arrays that share "
                         "their first dimension (the samples)")
    shapes = [np.shape(x) for x in leaves]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"batches: every array in data needs a leading sample dimension; "
                         f"got shapes {shapes}")
    if len({s[0] for s in shapes}) != 1:
        raise ValueError(f"batches: the arrays in data must share their first dimension "
                         f"(the number of samples); got shapes {shapes}")
    n = shapes[0][0]
    if n == 0:
        raise ValueError("batches: data has no samples (the first dimension is 0)")
    return leaves, treedef, n


def _cut(leaves, treedef, n, batch_size, order, drop_last):
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        end = min(start + batch_size, n)
        index = slice(start, end) if order is None else order[start:end]
        yield treedef.unflatten([x[index] for x in leaves])


def batches(data: Any, batch_size: int | None = None, *, rng: np.random.Generator | None = None,
            shuffle: bool = True, drop_last: bool = False) -> Iterator[Any]:
    """The batches of one epoch over ``data``, each a pytree shaped like ``data``.

    ``data`` is a pytree of arrays sharing their first dimension ``n`` (the samples), e.g.
    ``(X, y)``. With ``batch_size=None`` the one batch is all of ``data``, in order (its
    order does not change the gradient, so ``shuffle`` and ``rng`` are not used); with
    ``batch_size=k`` there are ``⌈n/k⌉`` batches, the last holding ``n mod k`` samples when
    ``k`` does not divide ``n`` (left out with ``drop_last=True``), and every sample is in
    exactly one. With ``shuffle=True`` the samples are taken in the order of
    ``rng.permutation(n)``, drawn when ``batches`` is called: the same seed gives the same
    batches. ``rng`` must then be a ``numpy.random.Generator``.

    >>> import numpy as np
    >>> data = {'x': np.arange(6.0).reshape(3, 2), 'y': np.asarray([0, 1, 2])}
    >>> [b['y'] for b in batches(data, 2, shuffle=False)]
    [array([0, 1]), array([2])]
    >>> epoch = batches(data, 1, rng=np.random.default_rng(0))
    >>> sorted(int(b['y'][0]) for b in epoch)
    [0, 1, 2]
    """
    leaves, treedef, n = _as_arrays(data)
    if batch_size is None:
        return iter([treedef.unflatten(leaves)])
    if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) \
            or batch_size < 1:
        raise ValueError(f"batches: batch_size must be None (the full batch) or an integer "
                         f">= 1, got {batch_size!r}")
    order = None
    if shuffle:
        if rng is None:
            raise ValueError("batches: shuffle=True needs rng, a numpy.random.Generator "
                             "(e.g. numpy.random.default_rng(0)); or pass shuffle=False")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"batches: rng must be a numpy.random.Generator, got "
                            f"{type(rng).__name__} (use numpy.random.default_rng(seed))")
        order = rng.permutation(n)
    return _cut(leaves, treedef, n, int(batch_size), order, drop_last)


def _finite(value):
    return math.isfinite(float(value))


def descend(loss: Callable, params: Any, data: Any, optimizer, *, batch_size: int | None = None,
            epochs: int = 1, rng: np.random.Generator | None = None,
            callback: Callable | None = None) -> OptimizeResult:
    """Minimize ``loss(params, batch)`` with ``optimizer``, one step per batch, for ``epochs``
    passes over ``data``.

    Each step is ``θ ← optimizer.update(∇_θ loss(θ, B), state, θ)`` with the gradient from
    ``nabla.value_and_grad(loss)``; the batches ``B`` come from :func:`batches`
    (``batch_size`` None: batch gradient descent, 1: stochastic, ``k``: mini-batch), in the
    data's order, or reshuffled every epoch from ``rng`` when ``rng`` is given. ``loss``
    should average over the batch, so that a learning rate means the same for every
    batch size.

    After each epoch the loss on all of ``data`` is recorded and, if given,
    ``callback(epoch, params, full_loss)`` is called (epochs count from 1); a true return
    value stops the descent. The result has ``x`` the final parameters, ``fun`` their loss
    on all of ``data``, ``nit`` the number of steps, and ``history`` with ``'x'`` (the
    parameters after each epoch), ``'fun'`` (the batch loss at every step) and
    ``'epoch_fun'`` (the full loss after each epoch). If a loss becomes NaN or infinite
    the descent stops with ``success=False``, ``status=2`` and a message advising a
    smaller learning rate.

    >>> import numpy as np
    >>> from nabla.optim.optimizers import sgd
    >>> X = np.linspace(-1.0, 1.0, 8)[:, None]
    >>> y = 3.0 * X[:, 0]
    >>> mse = lambda w, batch: np.mean((batch[0] @ w - batch[1]) ** 2)
    >>> result = descend(mse, np.zeros(1), (X, y), sgd(0.5), epochs=60)
    >>> result.success, result.nit, np.round(result.x, 6)
    (True, 60, array([3.]))
    """
    if not isinstance(epochs, numbers.Integral) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"descend: epochs must be an integer >= 1, got {epochs!r}")
    value_and_grad_loss = value_and_grad(loss)
    state = optimizer.init(params)
    history = {"x": [], "fun": [], "epoch_fun": []}
    nit = nfev = 0

    def result(fun, success, status, message):
        return OptimizeResult(x=params, fun=fun, nit=nit, nfev=nfev, njev=nit, success=success,
                              status=status, message=message, history=history)

    def diverged(value, where):
        return result(value, False, 2, f"the loss became {float(value)} {where}: the descent "
                      f"diverged; lower the learning rate (e.g. by a factor of 10)")

    for epoch in range(1, epochs + 1):
        for batch in batches(data, batch_size, rng=rng, shuffle=rng is not None):
            value, grads = value_and_grad_loss(params, batch)
            nfev += 1
            history["fun"].append(float(value))
            if not _finite(value):
                return diverged(value, f"at step {nit + 1} (epoch {epoch})")
            params, state = optimizer.update(grads, state, params)
            nit += 1
        fun = loss(params, data)
        nfev += 1
        history["x"].append(params)
        history["epoch_fun"].append(float(fun))
        if not _finite(fun):
            return diverged(fun, f"on all the data after epoch {epoch}")
        if callback is not None and callback(epoch, params, fun):
            return result(fun, True, 3, f"stopped by the callback after epoch {epoch}")
    return result(fun, True, 0, f"ran {epochs} epoch{'s' if epochs > 1 else ''} "
                                f"({nit} steps)")
