"""Lesson: logistic regression, a linear classifier trained by its gradient."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

from nabla.models import LogisticRegression  # noqa: E402
from nabla.plot import decision_boundary  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "logistic_regression"
TITLE = "Logistic regression: a probability from a line"

CODE = """from nabla.models import LogisticRegression
model = LogisticRegression(C=1.0, solver="newton", tol=1e-10).fit(X_train, y_train)
accuracy = (model.predict(X_test) == y_test).mean()
model.coef_, model.intercept_        # compare: sklearn.linear_model.LogisticRegression"""


def data(n, seed=0):
    """Two overlapping Gaussian clouds in the plane, ``n`` points each; labels 0 and 1."""
    rng = onp.random.default_rng(seed)
    X = onp.vstack([rng.normal([-1.0, -0.5], 1.0, size=(n, 2)),
                    rng.normal([1.2, 1.0], 1.0, size=(n, 2))])
    y = onp.repeat([0, 1], n)
    order = rng.permutation(2 * n)
    return X[order], y[order]


def size(quick):
    """Points per class for a quick or a full run."""
    return 100 if quick else 300


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n = size(quick)
    X, y = data(n, seed=0)
    X_test, y_test = data(n, seed=1)
    model = LogisticRegression(C=1.0, solver="newton", tol=1e-10).fit(X, y)
    accuracy = float(onp.mean(model.predict(X_test) == y_test))
    train_accuracy = float(onp.mean(model.predict(X) == y))

    figures = [f"{NAME}-boundary.png"]
    fig = decision_boundary(model.predict, X_test, y_test, n=150)
    fig.axes[0].set_title(f"logistic regression: test accuracy {accuracy:.3f}")
    fig.savefig(out / figures[0], dpi=100)
    plt.close(fig)

    numbers = {
        "test accuracy": accuracy,
        "training accuracy": train_accuracy,
        "coefficients w": [float(v) for v in onp.ravel(model.coef_)],
        "intercept b": float(onp.ravel(model.intercept_)[0]),
        "solver iterations": int(onp.max(model.n_iter_)),
    }
    try:
        from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    except ImportError:  # scikit-learn is optional
        pass
    else:
        reference = SkLogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(X, y)
        numbers["scikit-learn coefficients w"] = [float(v) for v in
                                                  onp.ravel(reference.coef_)]
        numbers["scikit-learn intercept b"] = float(reference.intercept_[0])
        numbers["scikit-learn test accuracy"] = float(reference.score(X_test, y_test))
    explanation = (
        "Logistic regression turns a linear score w·x + b into a probability with the "
        "sigmoid, P(y = 1 | x) = 1/(1 + e^−(w·x + b)), and chooses w and b to maximize the "
        "likelihood of the labels (with a small L2 penalty, C = 1). The loss is convex, so "
        "Newton's method with nabla's gradient and Hessian finds its unique minimum in a "
        "handful of steps. Where the probability is ½ — the line w·x + b = 0 — is the "
        "decision boundary; the coefficients agree with scikit-learn's.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
