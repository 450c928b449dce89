"""nabla.nn.losses: closed forms, PyTorch's values, derivatives, reductions, stability at
extreme inputs, errors."""

import math

import numpy
import pytest

import nabla
from nabla.nn import losses
from nabla.nn.activations import log_softmax, sigmoid, softmax

rng = numpy.random.default_rng(1)
PRED, TARGET = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
LOGITS = rng.normal(size=(5, 4)) * 2
LABELS = numpy.array([0, 3, 1, 1, 2])
PROBS_T = softmax(rng.normal(size=(5, 4)))
P01 = rng.uniform(0.05, 0.95, size=(4, 3))
Y01 = rng.uniform(size=(4, 3))


def _torch():
    torch = pytest.importorskip("torch")
    return torch, torch.nn.functional


def test_closed_forms():
    d = PRED - TARGET
    assert numpy.isclose(losses.mse(PRED, TARGET), numpy.mean(d**2))
    assert numpy.isclose(losses.mae(PRED, TARGET), numpy.mean(numpy.abs(d)))
    hub = numpy.where(numpy.abs(d) <= 0.5, 0.5 * d**2, 0.5 * (numpy.abs(d) - 0.25))
    numpy.testing.assert_allclose(losses.huber(PRED, TARGET, 0.5, reduction="none"), hub)
    bce = -(Y01 * numpy.log(P01) + (1 - Y01) * numpy.log(1 - P01))
    numpy.testing.assert_allclose(losses.binary_cross_entropy(P01, Y01, "none"), bce)
    numpy.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(PRED, Y01, "none"),
        -(Y01 * numpy.log(sigmoid(PRED)) + (1 - Y01) * numpy.log(1 - sigmoid(PRED))),
        rtol=1e-12)
    p = numpy.exp(LOGITS) / numpy.exp(LOGITS).sum(1, keepdims=True)
    ce = -numpy.log(p[numpy.arange(5), LABELS])
    numpy.testing.assert_allclose(losses.cross_entropy(LOGITS, LABELS, reduction="none"), ce)
    numpy.testing.assert_allclose(losses.cross_entropy(LOGITS, PROBS_T, reduction="none"),
                                  -(PROBS_T * numpy.log(p)).sum(1))
    numpy.testing.assert_allclose(losses.nll(numpy.log(p), LABELS, reduction="none"), ce)
    q = p
    kl = (PROBS_T * numpy.log(PROBS_T / q)).sum(1)
    numpy.testing.assert_allclose(losses.kl_div(numpy.log(q), PROBS_T, reduction="none"), kl)


def test_reductions():
    per = losses.mse(PRED, TARGET, reduction="none")
    assert per.shape == PRED.shape
    assert numpy.isclose(losses.mse(PRED, TARGET, reduction="sum"), per.sum())
    assert numpy.isclose(losses.mse(PRED, TARGET), per.mean())
    per = losses.cross_entropy(LOGITS, LABELS, reduction="none")
    assert per.shape == (5,)
    assert numpy.isclose(losses.cross_entropy(LOGITS, LABELS), per.mean())
    assert numpy.isclose(losses.cross_entropy(LOGITS, LABELS, reduction="sum"), per.sum())


def test_labels_and_one_hot_probabilities_agree_on_any_axis():
    one_hot = numpy.eye(4)[LABELS]
    assert numpy.isclose(losses.cross_entropy(LOGITS, LABELS),
                         losses.cross_entropy(LOGITS, one_hot))
    # classes on axis 1 of (N, C, L), as PyTorch lays out sequences
    logits = rng.normal(size=(2, 4, 3))
    labels = rng.integers(0, 4, size=(2, 3))
    moved = numpy.moveaxis(logits, 1, -1)
    numpy.testing.assert_allclose(
        losses.cross_entropy(logits, labels, axis=1, reduction="none"),
        losses.cross_entropy(moved, labels, reduction="none"), rtol=1e-14)
    numpy.testing.assert_allclose(losses.nll(log_softmax(logits, axis=1), labels, axis=1),
                                  losses.cross_entropy(logits, labels, axis=1), rtol=1e-14)


def test_values_are_pytorchs():
    torch, F = _torch()
    t = torch.tensor
    cases = [
        (losses.mse(PRED, TARGET), F.mse_loss(t(PRED), t(TARGET))),
        (losses.mae(PRED, TARGET, reduction="sum"),
         F.l1_loss(t(PRED), t(TARGET), reduction="sum")),
        (losses.huber(PRED, TARGET, delta=0.7),
         F.huber_loss(t(PRED), t(TARGET), delta=0.7)),
        (losses.binary_cross_entropy(P01, Y01), F.binary_cross_entropy(t(P01), t(Y01))),
        (losses.binary_cross_entropy_with_logits(PRED, Y01, "none"),
         F.binary_cross_entropy_with_logits(t(PRED), t(Y01), reduction="none")),
        (losses.cross_entropy(LOGITS, LABELS), F.cross_entropy(t(LOGITS), t(LABELS))),
        (losses.cross_entropy(LOGITS, PROBS_T, reduction="sum"),
         F.cross_entropy(t(LOGITS), t(PROBS_T), reduction="sum")),
        (losses.nll(log_softmax(LOGITS), LABELS),
         F.nll_loss(t(log_softmax(LOGITS)), t(LABELS))),
        (losses.kl_div(log_softmax(LOGITS), PROBS_T),
         F.kl_div(t(log_softmax(LOGITS)), t(PROBS_T), reduction="batchmean")),
        (losses.kl_div(log_softmax(LOGITS), PROBS_T, reduction="sum"),
         F.kl_div(t(log_softmax(LOGITS)), t(PROBS_T), reduction="sum")),
    ]
    for ours, theirs in cases:
        numpy.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)
    # PyTorch's clamp of log p at −100, at p = 0 and p = 1
    p, y = numpy.array([0.0, 1.0, 0.0, 1.0]), numpy.array([1.0, 0.0, 0.0, 1.0])
    numpy.testing.assert_allclose(losses.binary_cross_entropy(p, y, "none"),
                                  F.binary_cross_entropy(t(p), t(y), reduction="none").numpy())


SMOOTH_CASES = {
    "mse": (lambda p, t: losses.mse(p, t), (PRED, TARGET)),
    "huber": (lambda p, t: losses.huber(p, t, delta=0.5), (PRED, TARGET)),
    "bce": (losses.binary_cross_entropy, (P01, Y01)),
    "bce_logits": (losses.binary_cross_entropy_with_logits, (PRED, Y01)),
    "ce_probs": (losses.cross_entropy, (LOGITS, PROBS_T)),
    "ce_labels": (lambda z: losses.cross_entropy(z, LABELS), (LOGITS,)),
    "nll": (lambda lp: losses.nll(lp, LABELS, reduction="sum"), (LOGITS,)),
    "kl_div": (losses.kl_div, (LOGITS, PROBS_T)),
}


@pytest.mark.parametrize("name", sorted(SMOOTH_CASES))
def test_smooth_losses_pass_check_grads_to_second_order(name):
    f, args = SMOOTH_CASES[name]
    nabla.check_grads(f, args, order=2)


def test_mae_passes_check_grads_to_first_order():
    nabla.check_grads(losses.mae, (PRED, TARGET), order=1, modes=("fwd", "rev"))
    # and its derivative at 0 is 0, as abs'(0)
    assert nabla.grad(losses.mae)(numpy.zeros(2), numpy.zeros(2)).tolist() == [0.0, 0.0]


def test_gradients_are_the_closed_forms():
    p = softmax(LOGITS)
    one_hot = numpy.eye(4)[LABELS]
    numpy.testing.assert_allclose(nabla.grad(losses.cross_entropy)(LOGITS, LABELS),
                                  (p - one_hot) / 5, rtol=1e-12)
    numpy.testing.assert_allclose(nabla.grad(losses.cross_entropy)(LOGITS, PROBS_T),
                                  (p - PROBS_T) / 5, rtol=1e-12)
    g = nabla.grad(losses.binary_cross_entropy_with_logits)(PRED, Y01)
    numpy.testing.assert_allclose(g, (sigmoid(PRED) - Y01) / PRED.size, rtol=1e-12)
    g = nabla.grad(lambda p: losses.huber(p, TARGET, delta=0.5, reduction="sum"))(PRED)
    numpy.testing.assert_allclose(g, numpy.clip(PRED - TARGET, -0.5, 0.5))
    g = nabla.grad(lambda lq: losses.kl_div(lq, PROBS_T, reduction="sum"))(LOGITS)
    numpy.testing.assert_allclose(g, -PROBS_T)


@pytest.mark.filterwarnings("error")
def test_extreme_inputs_are_stable():
    z = numpy.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = numpy.array([1.0, 0.0, 0.0, 1.0])
    numpy.testing.assert_array_equal(
        losses.binary_cross_entropy_with_logits(z, y, "none"), [0.0, 0.0, 1000.0, 1000.0])
    g = nabla.grad(lambda z: losses.binary_cross_entropy_with_logits(z, y, "sum"))(z)
    numpy.testing.assert_array_equal(g, [0.0, 0.0, 1.0, -1.0])
    logits = numpy.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]])
    numpy.testing.assert_allclose(
        losses.cross_entropy(logits, numpy.array([0, 0]), reduction="none"), [0.0, 1e4])
    g = nabla.grad(losses.cross_entropy)(logits, numpy.array([0, 0]))
    numpy.testing.assert_allclose(g, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-300)
    probs = numpy.array([[0.0, 0.0, 1.0]])   # zero probabilities: 0·log q is 0
    assert losses.cross_entropy(logits[:1], probs) == 2e4
    assert losses.kl_div(log_softmax(logits[:1]), probs) == 2e4
    # binary cross-entropy of probabilities: log clamped at −100, never log(0)
    numpy.testing.assert_array_equal(
        losses.binary_cross_entropy(numpy.array([0.0, 1.0, 0.0]),
                                    numpy.array([1.0, 0.0, 0.0]), "none"), [100.0, 100.0, 0.0])
    g = nabla.grad(lambda p: losses.binary_cross_entropy(p, numpy.array([1.0, 0.0]), "sum"))(
        numpy.array([0.0, 1.0]))
    assert numpy.all(numpy.isfinite(g))


def test_float32_stays_float32():
    f32 = numpy.float32
    cases = [
        losses.mse(PRED.astype(f32), TARGET.astype(f32)),
        losses.mae(PRED.astype(f32), TARGET.astype(f32)),
        losses.huber(PRED.astype(f32), TARGET.astype(f32)),
        losses.binary_cross_entropy(P01.astype(f32), Y01.astype(f32)),
        losses.binary_cross_entropy_with_logits(PRED.astype(f32), Y01.astype(f32)),
        losses.cross_entropy(LOGITS.astype(f32), LABELS),
        losses.cross_entropy(LOGITS.astype(f32), PROBS_T.astype(f32)),
        losses.nll(LOGITS.astype(f32), LABELS),
        losses.kl_div(LOGITS.astype(f32), PROBS_T.astype(f32)),
    ]
    assert all(c.dtype == f32 for c in cases), [c.dtype for c in cases]
    g = nabla.grad(losses.cross_entropy)(LOGITS.astype(f32), LABELS)
    assert g.dtype == f32


def test_bad_input_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"shape \(4, 1\).*shape \(4,\)"):
        losses.mse(numpy.zeros((4, 1)), numpy.zeros(4))
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.mse(PRED, TARGET, reduction="average")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 4\)"):
        losses.cross_entropy(LOGITS, numpy.array([0, 1, 2, 3, 4]))
    with pytest.raises(ValueError, match=r"labels of shape \(4,\) do not fit"):
        losses.cross_entropy(LOGITS, numpy.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"logits of shape \(5, 4\)"):
        losses.cross_entropy(LOGITS, PROBS_T[:, :3])
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        losses.binary_cross_entropy(numpy.array([1.5]), numpy.array([1.0]))
    with pytest.raises(TypeError, match="labels must be integer"):
        losses.nll(LOGITS, LABELS.astype(float))
    with pytest.raises(ValueError, match="delta must be positive"):
        losses.huber(PRED, TARGET, delta=0.0)


def test_kl_div_is_zero_iff_equal_and_matches_entropy_identity():
    p = PROBS_T
    assert abs(losses.kl_div(numpy.log(p), p)) < 1e-15
    # KL(p‖q) = H(p, q) − H(p): cross-entropy minus entropy
    entropy = -(p * numpy.log(p)).sum(1).mean()
    assert math.isclose(losses.kl_div(log_softmax(LOGITS), p),
                        losses.cross_entropy(LOGITS, p) - entropy, rel_tol=1e-12)
