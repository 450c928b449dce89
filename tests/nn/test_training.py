"""nabla.nn.training.fit: trains, records, stops early, guards against NaN, is reproducible."""

import sys

import numpy as np
import pytest

import nabla
from nabla import tree
from nabla.nn import MLP, Module, training
from nabla.nn.losses import cross_entropy
from nabla.nn.training import History, fit
from nabla.optim.optimizers import adam, sgd

datasets = pytest.importorskip("sklearn.datasets")


def _moons(n, seed):
    X, y = datasets.make_moons(n_samples=n, noise=0.1, random_state=seed)
    return X, y.astype(np.int64)


def _loss(model, batch):
    X, y = batch
    return cross_entropy(model(X), y)


def _mlp(seed=0):
    return MLP([2, 16, 16, 2], "tanh", rng=np.random.default_rng(seed))


def _leaves_equal(a, b):
    la, lb = tree.leaves(a), tree.leaves(b)
    return len(la) == len(lb) and all(np.array_equal(x, y) for x, y in zip(la, lb))


class Line(Module):
    """y = w·x + b, plus ``eval_offset`` in evaluation mode (to see the mode switched)."""

    def __init__(self, eval_offset=0.0):
        self.w, self.b = np.zeros(1), np.zeros(1)
        self.eval_offset = eval_offset

    def __call__(self, x):
        return x * self.w + self.b + (0.0 if self.training else self.eval_offset)


def _squared_error(model, batch):
    return np.mean((model(batch[0]) - batch[1]) ** 2)


# --------------------------------------------------------------------------------------


def test_fit_trains_an_mlp_on_moons_to_high_accuracy():
    train, val = _moons(200, 0), _moons(100, 1)
    model, history = fit(_mlp(), _loss, train, optimizer=adam(0.02), epochs=25,
                         batch_size=32, rng=np.random.default_rng(0), validation=val,
                         metrics=["accuracy", "log_loss"], verbose=0)
    assert history.success and not history.stopped_early
    assert history.epochs_run == 25 and history.steps == 25 * 7
    assert set(history.history) == {"loss", "val_loss", "accuracy", "log_loss",
                                     "val_accuracy", "val_log_loss"}
    assert all(len(v) == 25 for v in history.history.values())
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert history["val_accuracy"][-1] >= 0.97 and history["accuracy"][-1] >= 0.97
    # the recorded values are what they say: the final model's metrics and loss
    logits = np.asarray(model(val[0]))
    assert history["val_accuracy"][-1] == np.mean(logits.argmax(1) == val[1])
    assert history.val_loss[-1] == pytest.approx(float(_loss(model, val)))
    assert history["val_log_loss"][-1] == pytest.approx(float(_loss(model, val)))
    assert "trained 25 epochs (175 steps)" in history.message
    assert len(history.step_loss) == 175


def test_history_is_a_readable_record():
    history = History({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, epochs_run=2, steps=4)
    assert history.loss == [1.0, 0.5] and history.val_loss == [1.1, 0.7]
    assert "loss=0.5" in repr(history) and "val_loss=0.7" in repr(history)
    with pytest.raises(KeyError, match="recorded"):
        history["accuracy"]


def test_early_stopping_stops_and_restores_the_best_model():
    train = _moons(100, 0)
    flipped = (train[0], 1 - train[1])       # the better the fit, the worse this loss
    model, history = fit(_mlp(), _loss, train, optimizer=adam(0.02), epochs=30,
                         batch_size=25, rng=0, validation=flipped, early_stopping=3,
                         verbose=0)
    best = history.best_epoch
    assert history.stopped_early and history.success
    assert history.epochs_run == best + 3 < 30
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert float(_loss(model, flipped)) == pytest.approx(history.val_loss[best - 1])
    assert f"restored the model of epoch {best}" in history.message


def test_early_stopping_restores_the_best_even_without_stopping():
    train, val = _moons(100, 0), _moons(60, 1)
    model, history = fit(_mlp(), _loss, train, optimizer=adam(0.02), epochs=4,
                         batch_size=25, rng=0, validation=val, early_stopping=10, verbose=0)
    assert not history.stopped_early
    assert float(_loss(model, val)) == pytest.approx(min(history.val_loss))


def test_nan_guard_stops_with_epoch_and_step_and_keeps_a_finite_model():
    X = np.linspace(-1, 1, 40)
    model, history = fit(Line(), _squared_error, (X, 3 * X), optimizer=sgd(1e30),
                         epochs=10, batch_size=8, rng=0, verbose=0)
    assert not history.success
    assert "became" in history.message and "epoch" in history.message
    assert "step" in history.message and "lower the learning rate" in history.message
    assert all(np.all(np.isfinite(leaf)) for leaf in tree.leaves(model))
    assert not np.isfinite(history.step_loss[-1]) or "gradient" in history.message \
        or "parameters" in history.message
    # the epoch and step named are where it happened
    failed = len(history.step_loss)
    epoch, step = (failed - 1) // 5 + 1, (failed - 1) % 5 + 1
    assert f"at epoch {epoch}, step {step} " in history.message


def test_nan_loss_itself_is_caught():
    def loss(model, batch):
        return _squared_error(model, batch) * (np.nan if len(batch[0]) < 8 else 1.0)

    X = np.linspace(-1, 1, 20)
    model, history = fit(Line(), loss, (X, X), optimizer=sgd(0.1), epochs=3, batch_size=8,
                         rng=0, verbose=0)
    assert not history.success and history.epochs_run == 0
    assert history.message.startswith("the loss became nan at epoch 1, step 3 (step 3 overall)")


def test_same_seed_same_result_and_another_seed_differs():
    train = _moons(80, 0)

    def run(seed):
        return fit(_mlp(), _loss, train, optimizer=adam(0.01), epochs=3, batch_size=16,
                   rng=np.random.default_rng(seed), verbose=0)

    (m1, h1), (m2, h2), (m3, h3) = run(7), run(7), run(8)
    assert h3.step_loss != h1.step_loss
    assert _leaves_equal(m1, m2) and h1.history == h2.history
    assert h1.step_loss == h2.step_loss
    assert not _leaves_equal(m1, m3)
    # an integer seed is the same as default_rng(seed)
    m4, h4 = fit(_mlp(), _loss, train, optimizer=adam(0.01), epochs=3, batch_size=16,
                 rng=7, verbose=0)
    assert _leaves_equal(m1, m4)


def test_verbose_0_prints_nothing(capsys, monkeypatch):
    monkeypatch.setattr(training, "_stderr_is_terminal", lambda: True)
    fit(_mlp(), _loss, _moons(40, 0), optimizer=adam(0.01), epochs=2, batch_size=16, rng=0,
        validation=_moons(20, 1), metrics=["accuracy"], verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_1_is_quiet_when_stderr_is_not_a_terminal(capsys):
    fit(_mlp(), _loss, _moons(40, 0), optimizer=adam(0.01), epochs=2, batch_size=16, rng=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_1_shows_a_progress_bar_on_a_terminal(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(training, "_stderr_is_terminal", lambda: True)
    fit(_mlp(), _loss, _moons(40, 0), optimizer=adam(0.01), epochs=2, batch_size=16, rng=0)
    captured = capsys.readouterr()
    assert captured.out == "" and "epoch 2/2" in captured.err and "loss" in captured.err


def test_verbose_1_without_tqdm_trains_quietly(capsys, monkeypatch):
    monkeypatch.setattr(training, "_stderr_is_terminal", lambda: True)
    monkeypatch.setitem(sys.modules, "tqdm", None)       # import tqdm -> ImportError
    _, history = fit(_mlp(), _loss, _moons(40, 0), optimizer=adam(0.01), epochs=2,
                     batch_size=16, rng=0)
    captured = capsys.readouterr()
    assert history.success and captured.out == "" and captured.err == ""


def test_verbose_2_prints_one_line_per_epoch(capsys):
    fit(_mlp(), _loss, _moons(40, 0), optimizer=adam(0.01), epochs=3, batch_size=16, rng=0,
        validation=_moons(20, 1), metrics=["accuracy"], verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("epoch 3/3: loss ")
    assert "val_loss" in lines[-1] and "val_accuracy" in lines[-1]


def test_regression_metrics_callables_and_aux():
    X = np.linspace(-1, 1, 64)
    data = (X, 2 * X - 1)

    def loss_with_aux(model, batch):
        return _squared_error(model, batch), {"note": "ignored"}

    def max_error(model, X, y):
        return float(np.max(np.abs(model(X) - y)))

    model, history = fit(Line(), loss_with_aux, data, optimizer=sgd(0.3), epochs=30,
                         batch_size=16, rng=0, metrics={"r2": "r2", "worst": max_error},
                         validation=data, verbose=0)
    assert history["r2"][-1] == pytest.approx(1.0)
    assert history["worst"][-1] < 1e-3 and history["val_worst"] == history["worst"]
    assert np.round(model.w, 6) == 2 and np.round(model.b, 6) == -1


def test_training_and_evaluation_modes():
    X = np.linspace(-1, 1, 64)
    data = (X, 2 * X - 1)
    # evaluation (loss on validation, metrics) runs in evaluation mode: Line adds 100 there
    model, history = fit(Line(eval_offset=100.0), _squared_error, data, optimizer=sgd(0.3),
                         epochs=30, batch_size=16, rng=0, metrics=["mse"], validation=data,
                         verbose=0)
    assert history.loss[-1] < 1e-6
    assert history["mse"][-1] == pytest.approx(100 ** 2, rel=1e-3)
    assert history.val_loss[-1] == pytest.approx(100 ** 2, rel=1e-3)
    assert model.training                      # it comes back in the mode it was given
    # a model given in evaluation mode is trained in training mode and returned in eval
    model, history = fit(Line(eval_offset=100.0).eval(), _squared_error, data,
                         optimizer=sgd(0.3), epochs=30, batch_size=16, rng=0, verbose=0)
    assert not model.training and history.loss[-1] < 1e-6


def test_full_batch_needs_no_rng_and_callback_can_stop():
    X = np.linspace(-1, 1, 16)
    seen = []

    def callback(epoch, model, history):
        seen.append((epoch, history.loss[-1]))
        return epoch == 3

    _, history = fit({"w": np.zeros(1)}, lambda p, b: np.mean((b[0] * p["w"] - b[1]) ** 2),
                     (X, X), optimizer=sgd(0.5), epochs=10, batch_size=None, rng=None,
                     callback=callback, verbose=0)
    assert [e for e, _ in seen] == [1, 2, 3] and history.epochs_run == 3
    assert history.steps == 3 and "stopped by the callback after epoch 3" in history.message


def test_predict_and_loss_agree_with_value_and_grad():
    """One full-batch epoch of sgd is exactly one gradient step."""
    X, y = _moons(30, 0)
    model = _mlp()
    value, grads = nabla.value_and_grad(_loss)(model, (X, y))
    trained, history = fit(model, _loss, (X, y), optimizer=sgd(0.1), epochs=1,
                           batch_size=None, rng=None, verbose=0)
    expected = tree.map(lambda p, g: p - 0.1 * g, model, grads)
    assert history.loss == [pytest.approx(float(value))]
    assert all(np.allclose(a, b) for a, b in zip(tree.leaves(trained), tree.leaves(expected)))


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"early_stopping": 2}, ValueError, "validation"),
    ({"metrics": ["auc"]}, ValueError, "unknown metric"),
    ({"metrics": ["accuracy", "accuracy"]}, ValueError, "unique"),
    ({"rng": None}, ValueError, "rng is needed"),
    ({"rng": np.random.RandomState(0)}, TypeError, "Generator"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"verbose": 3}, ValueError, "verbose"),
    ({"optimizer": "adam"}, TypeError, "Optimizer"),
    ({"callback": 3}, TypeError, "callback"),
])
def test_bad_arguments_are_refused_clearly(kwargs, error, phrase):
    arguments = {"optimizer": adam(0.01), "rng": 0, "verbose": 0, **kwargs}
    with pytest.raises(error, match=phrase):
        fit(_mlp(), _loss, _moons(20, 0), **arguments)


def test_bad_data_is_refused_clearly():
    with pytest.raises(ValueError, match="fit: data"):
        fit(_mlp(), _loss, (np.zeros((5, 2)), np.zeros(4)), optimizer=adam(), rng=0)
    with pytest.raises(ValueError, match=r"metrics need data as a pair \(X, y\)"):
        fit(_mlp(), _loss, {"X": np.zeros((5, 2))}, optimizer=adam(), rng=0,
            metrics=["mse"])
    with pytest.raises(TypeError, match="scalar or a pair"):
        fit(_mlp(), lambda m, b: (1.0, 2.0, 3.0), _moons(20, 0), optimizer=adam(), rng=0,
            verbose=0)
