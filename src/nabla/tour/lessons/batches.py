"""Lesson 7: batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

import math

import numpy

import nabla.numpy as np
from nabla.tour.lesson import Lesson

NAME = "batches"
TITLE = "Batch, stochastic and mini-batch gradient descent"
SIZES = {"batch (all 64)": None, "mini-batch of 8": 8, "stochastic (1)": 1}
LR = 0.05

CODE = """\
from nabla.optim.batches import descend
from nabla.optim.optimizers import sgd
mse = lambda w, batch: np.mean((batch[0] @ w - batch[1]) ** 2)
for batch_size in (None, 8, 1):                          # batch, mini-batch, stochastic
    r = descend(mse, np.zeros(3), (X, y), sgd(0.05), batch_size=batch_size,
                epochs=20, rng=np.random.default_rng(0))
    r.nit, r.fun, r.history["epoch_fun"]"""


def data(n=64, seed=0):
    """``(X, y)``: three features, y = X·(1, −2, 0.5) plus noise of σ = 0.1."""
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    return X, X @ numpy.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(n)


def mse(w, batch):
    return np.mean((batch[0] @ w - batch[1]) ** 2)


def epochs(quick):
    return 10 if quick else 20


def run(out, quick=False):
    from nabla.optim.batches import descend
    from nabla.optim.optimizers import sgd
    from nabla.plot import style as S
    from nabla.tour.report import save

    X, y = data()
    n_epochs = epochs(quick)
    fig, ax = S.figure()
    numbers = {"epochs": n_epochs}
    for what, size in SIZES.items():
        r = descend(mse, numpy.zeros(3), (X, y), sgd(LR), batch_size=size, epochs=n_epochs,
                    rng=numpy.random.default_rng(0))
        numbers[f"{what}: steps taken"] = int(r.nit)
        numbers[f"{what}: loss on all data after {n_epochs} epochs"] = float(r.fun)
        ax.plot(range(1, n_epochs + 1), r.history["epoch_fun"], "o-", ms=3, lw=1.8,
                label=f"{what}: {r.nit} steps")
    w = numpy.linalg.lstsq(X, y, rcond=None)[0]
    numbers["least-squares loss (the minimum)"] = float(numpy.mean((X @ w - y) ** 2))
    ax.set_yscale("log")
    S.label(ax, "epoch", "MSE on all data", f"{n_epochs} epochs of sgd(lr = {LR})")
    figures = [save(fig, out, f"{NAME}-loss-curves.png")]
    numbers["steps per epoch of mini-batches of 8"] = math.ceil(len(y) / 8)
    return Lesson(
        NAME, TITLE,
        "A training loss is an average over samples, so its gradient is an average too. "
        "Batch gradient descent computes it on all the data and takes one exact step per "
        "epoch; stochastic gradient descent takes one noisy step per sample; mini-batches "
        "of a few samples sit in between. With the same learning rate, more steps per epoch "
        "get down faster per pass over the data, at the price of noise near the minimum.",
        CODE, numbers, figures)
