"""Batch, stochastic and mini-batch gradient descent: the batches of an epoch, and
`descend` reaching the least-squares solution of a linear regression."""

import numpy as np
import pytest

from nabla import tree
from nabla.optim import optimizers, schedules
from nabla.optim.batches import batches, descend

N = 10


def sample_data(n=N):
    """Samples i carry their index in 'i' and in row i of 'x', so alignment can be checked."""
    return {"x": np.arange(3.0 * n).reshape(n, 3), "pair": (np.arange(n), np.arange(n) * 0.5)}


def indices(epoch):
    return [b["pair"][0] for b in epoch]


def assert_aligned(batch):
    i = batch["pair"][0]
    np.testing.assert_array_equal(batch["x"][:, 0], 3.0 * i)
    np.testing.assert_array_equal(batch["pair"][1], 0.5 * i)


def test_full_batch_is_one_batch_of_everything_in_order():
    data = sample_data()
    epoch = list(batches(data))
    assert len(epoch) == 1
    assert tree.structure(epoch[0]) == tree.structure(data)
    for got, want in zip(tree.leaves(epoch[0]), tree.leaves(data)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("batch_size, sizes", [
    (1, [1] * N), (3, [3, 3, 3, 1]), (5, [5, 5]), (N, [N]), (25, [N]),
])
@pytest.mark.parametrize("shuffle", [False, True])
def test_batch_sizes_and_every_sample_once(batch_size, sizes, shuffle):
    epoch = list(batches(sample_data(), batch_size, rng=np.random.default_rng(0),
                         shuffle=shuffle))
    assert [len(b["x"]) for b in epoch] == sizes
    seen = np.concatenate(indices(epoch))
    np.testing.assert_array_equal(np.sort(seen), np.arange(N))
    for b in epoch:
        assert_aligned(b)
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(N))


def test_drop_last_leaves_out_the_partial_batch():
    epoch = list(batches(sample_data(), 3, shuffle=False, drop_last=True))
    assert [len(b["x"]) for b in epoch] == [3, 3, 3]
    assert list(batches(sample_data(), 25, shuffle=False, drop_last=True)) == []


def test_same_seed_same_order_different_seed_different_order():
    def order(seed):
        return np.concatenate(indices(batches(sample_data(), 3,
                                              rng=np.random.default_rng(seed))))
    np.testing.assert_array_equal(order(7), order(7))
    assert not np.array_equal(order(7), order(8))
    assert not np.array_equal(order(7), np.arange(N))


def test_one_generator_gives_a_new_order_each_epoch():
    rng = np.random.default_rng(3)
    first, second = (np.concatenate(indices(batches(sample_data(), 2, rng=rng)))
                     for _ in range(2))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: batches(sample_data(), 2), ValueError, "shuffle=True needs rng"),
    (lambda: batches(sample_data(), 2, rng=0), TypeError, "numpy.random.Generator"),
    (lambda: batches(sample_data(), 0, shuffle=False), ValueError, "batch_size must be"),
    (lambda: batches(sample_data(), 2.5, shuffle=False), ValueError, "batch_size must be"),
    (lambda: batches((np.zeros(3), np.zeros(4))), ValueError, "share their first dimension"),
    (lambda: batches((np.zeros(3), 1.0)), ValueError, "leading sample dimension"),
    (lambda: batches([1.0, 2.0], shuffle=False), ValueError, "leading sample dimension"),
    (lambda: batches({}), ValueError, "data has no arrays"),
    (lambda: batches(np.zeros((0, 2))), ValueError, "no samples"),
])
def test_bad_input_is_rejected_when_batches_is_called(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


# --------------------------------------------------------------------------------------
# descend: linear regression, whose minimum is the least-squares solution
# --------------------------------------------------------------------------------------


def regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.asarray([1.5, -2.0, 0.5]) + 0.7 + 0.3 * rng.normal(size=n)
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(n)]), y, rcond=None)[0]
    return (X, y), solution


def mse(params, batch):
    X, y = batch
    return np.mean((X @ params["w"] + params["b"] - y) ** 2)


def start():
    return {"w": np.zeros(3), "b": 0.0}


def as_vector(params):
    return np.append(params["w"], params["b"])


@pytest.mark.parametrize("batch_size, optimizer, epochs, tol", [
    (None, optimizers.sgd(0.2), 300, 1e-10),                                # batch GD
    (1, optimizers.sgd(schedules.cosine(0.05, 64 * 30)), 30, 2e-2),         # SGD
    (8, optimizers.momentum(schedules.cosine(0.05, 8 * 100)), 100, 5e-3),   # mini-batch
])
def test_descend_reaches_the_least_squares_solution(batch_size, optimizer, epochs, tol):
    data, solution = regression()
    result = descend(mse, start(), data, optimizer, batch_size=batch_size, epochs=epochs,
                     rng=np.random.default_rng(1))
    assert result.success and result.status == 0
    np.testing.assert_allclose(as_vector(result.x), solution, atol=tol)
    steps_per_epoch = 1 if batch_size is None else -(-64 // batch_size)
    assert result.nit == epochs * steps_per_epoch
    assert len(result.history["fun"]) == result.nit
    assert len(result.history["x"]) == len(result.history["epoch_fun"]) == epochs
    assert result.fun == result.history["epoch_fun"][-1] == pytest.approx(mse(result.x, data))
    assert result.history["epoch_fun"][-1] < result.history["epoch_fun"][0]


def test_descend_is_reproducible_from_the_seed():
    data, _ = regression()
    runs = [descend(mse, start(), data, optimizers.adam(0.05), batch_size=4, epochs=2,
                    rng=np.random.default_rng(seed)) for seed in (5, 5, 6)]
    assert runs[0].history["fun"] == runs[1].history["fun"]
    assert runs[0].history["fun"] != runs[2].history["fun"]


def test_too_large_a_learning_rate_is_reported_not_raised():
    data, _ = regression()
    with np.errstate(over="ignore", invalid="ignore"):
        result = descend(mse, start(), data, optimizers.sgd(5.0), epochs=1000)
    assert not result.success and result.status == 2
    assert "lower the learning rate" in result.message
    assert result.nit < 1000
    assert not np.isfinite(result.fun)


def test_a_nan_batch_loss_stops_at_that_step():
    data, _ = regression()
    result = descend(lambda p, b: mse(p, b) * np.nan, start(), data, optimizers.sgd(0.1),
                     batch_size=8, rng=np.random.default_rng(0))
    assert (result.success, result.nit, len(result.history["fun"])) == (False, 0, 1)
    assert "at step 1 (epoch 1)" in result.message and "lower the learning rate" in result.message


def test_callback_sees_every_epoch_and_can_stop():
    data, _ = regression()
    seen = []

    def callback(epoch, params, fun):
        seen.append((epoch, fun))
        return epoch == 3

    result = descend(mse, start(), data, optimizers.sgd(0.1), batch_size=16, epochs=10,
                     callback=callback)
    assert [e for e, _ in seen] == [1, 2, 3]
    assert result.success and result.status == 3 and "callback" in result.message
    assert result.nit == 3 * 4 and len(result.history["x"]) == 3


def test_descend_rejects_a_bad_number_of_epochs():
    data, _ = regression()
    with pytest.raises(ValueError, match="epochs must be an integer >= 1"):
        descend(mse, start(), data, optimizers.sgd(0.1), epochs=0)
