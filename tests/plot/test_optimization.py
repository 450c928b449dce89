import matplotlib.pyplot as plt
import numpy as onp
import pytest

from nabla.optim import minimize
from nabla.plot import gradient_field, learning_rates, optimizer_paths
from nabla.plot.optimization import descent_losses, grid_values

bowl = lambda p: p[0] ** 2 + 3 * p[1] ** 2
rosen = lambda p: (1 - p[0]) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2


def test_grid_values_vectorised_and_pointwise_agree():
    X, Y, Z = grid_values(bowl, (-1, 1), (-2, 2), n=7)
    onp.testing.assert_allclose(Z, X ** 2 + 3 * Y ** 2)
    scalar_only = lambda p: float(p[0]) ** 2 + 3 * float(p[1]) ** 2  # fails on a grid
    onp.testing.assert_allclose(grid_values(scalar_only, (-1, 1), (-2, 2), n=7)[2], Z)


def test_gradient_field_arrows_are_the_gradient(png):
    fig = gradient_field(bowl, (-2, 2), (-1, 1), n=5)
    ax = fig.axes[0]
    quiver = [c for c in ax.collections if type(c).__name__ == "Quiver"]
    assert len(quiver) == 1
    q = quiver[0]
    onp.testing.assert_allclose(q.U, 2 * q.X)
    onp.testing.assert_allclose(q.V, 6 * q.Y)
    assert q.N == 25
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")
    assert "∇f" in ax.get_title()
    assert len(fig.axes) == 2  # and a colour bar
    png(fig)


def test_optimizer_paths_follow_history(png):
    x0 = onp.array([-1.0, 1.5])
    runs = [minimize(rosen, x0, method="bfgs"),
            minimize(rosen, x0, method="gd", lr=0.01, maxiter=200)]
    fig = optimizer_paths(rosen, runs, (-1.5, 1.5), (-0.5, 2.0), labels=["BFGS", "GD"])
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3 * len(runs)  # path, start, end per run
    for k, (r, name) in enumerate(zip(runs, ["BFGS", "GD"])):
        path, start, end = lines[3 * k: 3 * k + 3]
        xs = onp.array(r.history["x"])
        onp.testing.assert_allclose(path.get_xdata(), xs[:, 0])
        onp.testing.assert_allclose(path.get_ydata(), xs[:, 1])
        assert path.get_label() == name
        assert (start.get_xdata()[0], start.get_ydata()[0]) == tuple(xs[0])
        assert (end.get_xdata()[0], end.get_ydata()[0]) == tuple(xs[-1])
        assert start.get_marker() == "o" and end.get_marker() == "*"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["BFGS", "GD"]
    png(fig)


def test_optimizer_paths_single_result_and_ax():
    r = minimize(bowl, onp.array([1.5, 0.8]), method="gd", lr=0.1)
    fig, ax = plt.subplots()
    assert optimizer_paths(bowl, r, (-2, 2), (-1, 1), ax=ax) is fig
    assert ax.get_lines()[0].get_label() == "path"
    with pytest.raises(ValueError, match="labels"):
        optimizer_paths(bowl, [r], (-2, 2), (-1, 1), labels=["a", "b"])


def test_descent_losses():
    losses, diverged = descent_losses(lambda x: x ** 2, 1.0, 0.1, 5)
    onp.testing.assert_allclose(losses, 0.8 ** (2 * onp.arange(6)))
    assert not diverged
    losses, diverged = descent_losses(lambda x: x ** 2, 1.0, 1.5, 100)
    assert diverged and max(losses) <= 1e3 and len(losses) < 101


def test_learning_rates(png):
    f = lambda x: (x[0] ** 2 + 10 * x[1] ** 2)
    lrs = [0.001, 0.05, 0.11]
    fig = learning_rates(f, onp.array([1.0, 1.0]), lrs, steps=40)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines[:3]] == [
        "lr = 0.001", "lr = 0.05", "lr = 0.11 (diverged)"]
    for line, lr in zip(lines[:2], lrs):
        expected, _ = descent_losses(f, onp.array([1.0, 1.0]), lr, 40)
        onp.testing.assert_allclose(line.get_ydata(), expected)
        assert len(line.get_xdata()) == 41
    assert len(lines[2].get_xdata()) < 41          # the diverging curve is clipped
    assert max(lines[2].get_ydata()) <= 1e3 * 11
    assert lines[3].get_marker() == "x"
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    assert lines[1].get_ydata()[-1] < lines[0].get_ydata()[-1]  # the good one wins
    png(fig)
