"""fit(..., jit=True): one epoch gives the same batch losses and parameters as jit=False
(float64, 1e-10), with one compiled program per batch shape; a loss that cannot be
compiled, or whose compiled result differs (dropout), runs eagerly with a warning."""

import warnings

import numpy as np
import pytest

from nabla import tree
from nabla.nn import MLP, Sequential, fit
from nabla.nn.activations import relu
from nabla.nn.layers import Dropout, Linear
from nabla.nn.losses import cross_entropy
from nabla.optim.optimizers import adam

RNG = np.random.default_rng(0)
X = RNG.standard_normal((105, 4))
LABELS = (X[:, 0] + X[:, 1] ** 2 > 1.0).astype(np.int64) + (X[:, 2] > 0.5)
ONE_HOT = np.eye(3)[LABELS]  # 105 samples in batches of 10: ten of 10 and one of 5


def counted(loss):
    calls = []

    def wrapper(model, batch):
        calls.append(None)
        return loss(model, batch)

    return wrapper, calls


def soft_targets_loss(model, batch):
    """Cross-entropy against class probabilities: nothing to check on values, compilable."""
    X, P = batch
    return cross_entropy(model(X), P), {"batch": len(X)}


def labels_loss(model, batch):
    """Cross-entropy against integer labels, which decides in Python on a value (whether
    the loss is finite): not compilable."""
    X, y = batch
    loss = cross_entropy(model(X), y)
    if not np.isfinite(loss):
        raise FloatingPointError("the loss is not finite")
    return loss


def train(loss, data, model=None, jit=False):
    model = model or MLP([4, 16, 3], rng=np.random.default_rng(1))
    return fit(model, loss, data, optimizer=adam(0.01), epochs=1, batch_size=10,
               rng=np.random.default_rng(2), verbose=0, jit=jit)


def assert_same_epoch(compiled, eager):
    (model_c, history_c), (model_e, history_e) = compiled, eager
    assert history_c.steps == history_e.steps == 11
    np.testing.assert_allclose(history_c.step_loss, history_e.step_loss, rtol=0, atol=1e-10)
    np.testing.assert_allclose(history_c.loss, history_e.loss, rtol=0, atol=1e-10)
    for p_c, p_e in zip(tree.leaves(model_c), tree.leaves(model_e), strict=True):
        np.testing.assert_allclose(p_c, p_e, rtol=0, atol=1e-10)
    assert type(model_c) is type(model_e) and model_c.sizes == model_e.sizes


def test_one_epoch_compiled_equals_one_epoch_eager():
    loss, calls = counted(soft_targets_loss)
    eager = train(loss, (X, ONE_HOT))
    assert len(calls) == 11
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager
        compiled = train(loss, (X, ONE_HOT), jit=True)
    assert_same_epoch(compiled, eager)
    # compiled: traced for the batches of 10 and for the last of 5, and run eagerly once
    # to check the first compiled result
    assert len(calls) - 11 == 3


def test_a_loss_that_cannot_be_compiled_runs_eagerly_with_a_warning():
    eager = train(labels_loss, (X, LABELS))
    with pytest.warns(UserWarning, match=r"fit: jit=True, but loss_fn runs eagerly .* "
                                         r"cannot be compiled"):
        fallback = train(labels_loss, (X, LABELS), jit=True)
    assert_same_epoch(fallback, eager)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = train(labels_loss, (X, LABELS), jit="auto")
    assert_same_epoch(quiet, eager)


def test_dropout_is_not_frozen_into_the_program():
    def net():
        return Sequential(Linear(4, 16, rng=np.random.default_rng(1)), relu,
                          Dropout(0.5, rng=np.random.default_rng(3)),
                          Linear(16, 3, rng=np.random.default_rng(4)))

    with pytest.warns(UserWarning, match="another result than run eagerly"):
        model, history = train(soft_targets_loss, (X, ONE_HOT), model=net(), jit=True)
    assert history.success and history.steps == 11


def test_jit_must_be_true_false_or_auto():
    with pytest.raises(TypeError, match="fit: jit must be True, False or 'auto'"):
        train(soft_targets_loss, (X, ONE_HOT), jit="always")
