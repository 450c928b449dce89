"""nabla.nn.metrics equals sklearn.metrics on random inputs, and refuses ambiguous ones."""

import numpy as np
import pytest

from nabla.nn import metrics

sk = pytest.importorskip("sklearn.metrics")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _probs(rng, n, k):
    p = rng.dirichlet(np.ones(k), size=n)
    p[0] = np.eye(k)[0]                 # exact 0 and 1: the clipping must match too
    return p


@pytest.mark.parametrize("seed", range(5))
def test_accuracy_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 50)
    labels = rng.integers(0, 4, 50)
    w = rng.uniform(0, 2, 50)
    assert metrics.accuracy(y, labels) == pytest.approx(sk.accuracy_score(y, labels))
    assert metrics.accuracy(y, labels, sample_weight=w) == pytest.approx(
        sk.accuracy_score(y, labels, sample_weight=w))
    scores = rng.normal(size=(50, 4))
    assert metrics.accuracy(y, scores) == pytest.approx(
        sk.accuracy_score(y, scores.argmax(axis=1)))


def test_accuracy_of_label_matrices_is_subset_accuracy(rng):
    y = rng.integers(0, 2, (30, 3))
    p = y.copy()
    p[:10, 0] ^= 1
    assert metrics.accuracy(y, p) == pytest.approx(sk.accuracy_score(y, p)) == 2 / 3


def test_accuracy_refuses_probabilities_as_labels():
    with pytest.raises(ValueError, match="continuous values"):
        metrics.accuracy([0, 1], [0.2, 0.7])
    with pytest.raises(ValueError, match="samples"):
        metrics.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="shaped like y_true"):
        metrics.accuracy([0, 1], np.zeros((2, 3, 4)))


@pytest.mark.parametrize("seed", range(5))
def test_log_loss_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, 40)
    y[:3] = [0, 1, 2]
    p = _probs(rng, 40, 3)
    w = rng.uniform(0, 2, 40)
    assert metrics.log_loss(y, p) == pytest.approx(sk.log_loss(y, p), rel=1e-12)
    assert metrics.log_loss(y, p, sample_weight=w) == pytest.approx(
        sk.log_loss(y, p, sample_weight=w), rel=1e-12)
    # binary, one probability per sample; float32 clips at float32's epsilon
    yb = rng.integers(0, 2, 40)
    pb = rng.uniform(0, 1, 40)
    pb[0] = 1.0 - yb[0]                 # a confident mistake: clipped, not infinite
    assert metrics.log_loss(yb, pb) == pytest.approx(sk.log_loss(yb, pb), rel=1e-12)
    p32 = p.astype(np.float32)
    assert metrics.log_loss(y, p32) == pytest.approx(sk.log_loss(y, p32), rel=1e-6)


def test_log_loss_with_labels_and_strings(rng):
    y = np.array(["spam", "ham", "ham", "spam"])
    p = [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]
    assert metrics.log_loss(y, p) == pytest.approx(sk.log_loss(y, p))
    y = np.array([0, 0, 2, 2])          # class 1 absent: name the classes
    p = _probs(rng, 4, 3)
    assert metrics.log_loss(y, p, labels=[0, 1, 2]) == pytest.approx(
        sk.log_loss(y, p, labels=[0, 1, 2]))
    with pytest.raises(ValueError, match="labels=range"):
        metrics.log_loss(y, p)


def test_log_loss_refuses_logits():
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        metrics.log_loss([0, 1], [[2.0, -1.0], [0.5, 0.5]])


@pytest.mark.parametrize("seed", range(5))
def test_mse_and_r2_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    for shape in [(30,), (30, 3)]:
        y = rng.normal(size=shape)
        p = y + rng.normal(scale=0.5, size=shape)
        w = rng.uniform(0, 2, 30)
        assert metrics.mse(y, p) == pytest.approx(sk.mean_squared_error(y, p))
        assert metrics.mse(y, p, sample_weight=w) == pytest.approx(
            sk.mean_squared_error(y, p, sample_weight=w))
        assert metrics.r2(y, p) == pytest.approx(sk.r2_score(y, p))
        assert metrics.r2(y, p, sample_weight=w) == pytest.approx(
            sk.r2_score(y, p, sample_weight=w))


def test_r2_of_constant_targets_follows_sklearn():
    y = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 4.0]])
    exact, off = y.copy(), y.copy()
    off[0, 0] = 1.5
    assert metrics.r2(y, exact) == sk.r2_score(y, exact) == 1.0
    assert metrics.r2(y, off) == pytest.approx(sk.r2_score(y, off))


def test_regression_metrics_accept_a_column_but_never_broadcast():
    y = np.arange(5.0)
    assert metrics.mse(y, y[:, None] + 1) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        metrics.mse(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="at least two samples"):
        metrics.r2([1.0], [1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        metrics.mse(y, y, sample_weight=[1.0, 2.0])
