import matplotlib.pyplot as plt
import numpy as onp
import pytest

from nabla.nn import Linear, Sequential
from nabla.nn.diagnostics import gradient_norms as layer_norms
from nabla.nn.training import History
from nabla.plot import decision_boundary, gradient_norms, training_curves

HISTORY = History({"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.5, 0.55],
                   "accuracy": [0.5, 0.7, 0.8, 0.9], "val_accuracy": [0.4, 0.6, 0.7, 0.7]},
                  epochs_run=4)


def test_training_curves_two_panels(png):
    fig = training_curves(HISTORY)
    loss_ax, metric_ax = fig.axes
    assert [line.get_label() for line in loss_ax.get_lines()] == ["loss", "val_loss"]
    assert [line.get_label() for line in metric_ax.get_lines()] == ["accuracy", "val_accuracy"]
    for ax, keys in ((loss_ax, ("loss", "val_loss")), (metric_ax, ("accuracy", "val_accuracy"))):
        for line, key in zip(ax.get_lines(), keys):
            onp.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
            onp.testing.assert_allclose(line.get_ydata(), HISTORY.history[key])
        assert ax.get_xlabel() == "epoch" and ax.get_legend() is not None
    assert loss_ax.get_ylabel() == "loss" and loss_ax.get_title() == "loss"
    assert metric_ax.get_title() == "metrics"
    assert loss_ax.get_lines()[1].get_linestyle() == "--"   # validation dashed
    png(fig)


def test_training_curves_loss_only_dict_and_metrics_filter():
    fig = training_curves({"loss": [1.0, 0.5]})
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1
    fig = training_curves(HISTORY, metrics=[])
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2
    with pytest.raises(ValueError):
        training_curves({"loss": []})


def test_training_curves_into_given_axes():
    fig, ax = plt.subplots()
    assert training_curves(HISTORY, ax=ax) is fig
    assert len(ax.get_lines()) == 4 and len(fig.axes) == 1
    fig, axes = plt.subplots(1, 2)
    assert training_curves(HISTORY, ax=list(axes)) is fig
    assert [len(a.get_lines()) for a in axes] == [2, 2]
    with pytest.raises(ValueError, match="2 axes"):
        training_curves(HISTORY, ax=[axes[0]] * 3)


def test_gradient_norms_bars_from_a_network(png):
    net = Sequential(Linear(3, 4, rng=onp.random.default_rng(0)),
                     Linear(4, 1, rng=onp.random.default_rng(1)))
    norms = layer_norms(net, lambda m, x: onp.sum(m(x) ** 2), onp.ones((5, 3)))
    fig = gradient_norms(norms)
    ax = fig.axes[0]
    assert len(ax.patches) == len(norms)
    onp.testing.assert_allclose([p.get_height() for p in ax.patches], list(norms.values()))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(norms)
    assert ax.get_yscale() == "log" and "‖" in ax.get_ylabel()
    assert ax.get_title() == "gradient norm per layer"
    png(fig)


def test_gradient_norms_compares_networks(png):
    norms = {"sigmoid": {"l0": 1e-6, "l1": 1e-4, "l2": 1e-2},
             "relu": {"l0": 0.3, "l1": 0.25, "l2": 0.2}}
    fig = gradient_norms(norms)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["sigmoid", "relu"]
    onp.testing.assert_allclose(lines[0].get_ydata(), [1e-6, 1e-4, 1e-2])
    onp.testing.assert_array_equal(lines[1].get_xdata(), [0, 1, 2])
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    png(fig)


def test_decision_boundary(png):
    rng = onp.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    predict = lambda P: (P[:, 0] + P[:, 1] > 0).astype(int)
    fig = decision_boundary(predict, X, y, n=50)
    ax = fig.axes[0]
    points = [c for c in ax.collections if c.get_label().startswith("class")]
    assert [c.get_label() for c in points] == ["class 0", "class 1"]
    for c, k in zip(points, (0, 1)):
        onp.testing.assert_allclose(c.get_offsets(), X[y == k])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")
    assert ax.get_title() == "decision regions"
    png(fig)


def test_decision_boundary_from_scores_and_ax():
    X = onp.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    y = onp.array([0, 1, 2])
    scores = lambda P: -((P[:, None, :] - X[None]) ** 2).sum(-1)  # nearest point's class
    fig, ax = plt.subplots()
    assert decision_boundary(scores, X, y, n=20, ax=ax) is fig
    assert len([c for c in ax.collections if c.get_label().startswith("class")]) == 3
    with pytest.raises(ValueError, match="shape"):
        decision_boundary(scores, X[:, :1], y)
