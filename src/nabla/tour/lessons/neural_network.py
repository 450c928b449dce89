"""Lesson: a small neural network trained by backpropagation."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

import nabla.numpy as np  # noqa: E402
from nabla.datasets.synthetic import moons  # noqa: E402
from nabla.nn import MLP, fit  # noqa: E402
from nabla.nn.losses import cross_entropy  # noqa: E402
from nabla.optim.optimizers import adam  # noqa: E402
from nabla.plot import computation_graph, decision_boundary, training_curves  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "neural_network"
TITLE = "A neural network learns a curved boundary"

CODE = """from nabla.datasets.synthetic import moons
from nabla.nn import MLP, fit
from nabla.nn.losses import cross_entropy
from nabla.optim.optimizers import adam
X, y = moons(200, noise=0.2, seed=0)
model = MLP([2, 16, 16, 2], activation="tanh", rng=numpy.random.default_rng(0))
loss = lambda model, batch: cross_entropy(model(batch[0]), batch[1])
model, history = fit(model, loss, (X, y), optimizer=adam(0.03), epochs=epochs,
                     batch_size=None, rng=0, metrics=["accuracy"],
                     validation=(X_test, y_test), verbose=0)
test_accuracy = (model(X_test).argmax(axis=1) == y_test).mean()"""


def _loss(model, batch):
    return cross_entropy(model(batch[0]), batch[1])


def _tiny(x, w):
    """One neuron: tanh(w·x), the building block whose graph is drawn."""
    return np.tanh(w * x)


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n, epochs = (200, 150) if quick else (400, 400)
    X, y = moons(n, noise=0.2, seed=0)
    X_test, y_test = moons(n, noise=0.2, seed=1)
    model = MLP([2, 16, 16, 2], activation="tanh", rng=onp.random.default_rng(0))
    model, history = fit(model, _loss, (X, y), optimizer=adam(0.03), epochs=epochs,
                         batch_size=None, rng=0, metrics=["accuracy"],
                         validation=(X_test, y_test), verbose=0)

    def predict(points):
        return onp.asarray(model(onp.asarray(points))).argmax(axis=1)

    test_accuracy = float(onp.mean(predict(X_test) == y_test))
    train_accuracy = float(onp.mean(predict(X) == y))

    figures = [f"{NAME}-training.png", f"{NAME}-boundary.png", f"{NAME}-graph.png"]
    fig = training_curves(history)
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)
    fig = decision_boundary(predict, X_test, y_test, n=150)
    fig.axes[0].set_title(f"MLP 2-16-16-2 on moons: test accuracy {test_accuracy:.3f}")
    fig.savefig(out / figures[1], dpi=100)
    plt.close(fig)
    fig = computation_graph(_tiny, 0.5, 2.0)
    fig.savefig(out / figures[2], dpi=100)
    plt.close(fig)

    numbers = {
        "test accuracy": test_accuracy,
        "training accuracy": train_accuracy,
        "final training loss": float(history["loss"][-1]),
        "epochs": int(history.epochs_run),
        "parameters": int(model.num_parameters),
    }
    explanation = (
        "No straight line separates the two interleaved moons, but a network of two hidden "
        "layers of 16 tanh units can bend its boundary around them. Training is gradient "
        "descent (here Adam) on the cross-entropy loss, and the gradient with respect to "
        "all the weights comes from backpropagation: reverse-mode differentiation walks the "
        "computation graph from the loss back to every parameter, as the small graph of "
        "tanh(w·x) shows with each node's value and adjoint. The network is scored on "
        "fresh points it never saw during training.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
