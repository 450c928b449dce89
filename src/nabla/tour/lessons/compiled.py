"""Lesson: a function and its gradient as programs, and what compiling them saves."""

from __future__ import annotations

import pathlib
import timeit

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402

import nabla  # noqa: E402
import nabla.numpy as np  # noqa: E402
from nabla.control import fori_loop  # noqa: E402
from nabla.jit.optimize import optimize  # noqa: E402
from nabla.tour.lesson import Lesson  # noqa: E402

NAME = "compiled"
TITLE = "Backpropagation as code: the program of a gradient, compiled"

SAMPLES, FEATURES = 100, 3
TRUE_W = (1.0, -2.0, 0.5)
W = (0.5, -0.5, 0.0)   # where the gradient is evaluated
LOOP_STEPS, LOOP_LR = 1000, 0.5

CODE = """import nabla, nabla.numpy as np
from nabla.control import fori_loop
def loss(w, X, y):                                  # mean of log(1 + exp(−y·Xw))
    return np.mean(np.log1p(np.exp(-y * (X @ w))))
print(nabla.make_program(loss)(w, X, y))            # one primitive per line
program = nabla.make_program(nabla.grad(loss))(w, X, y)
print(program)                                      # forward pass, then backward pass
print(program.optimize())                           # with the needless work removed
print(program.optimize().source)                    # the Python that runs it
fast_grad = nabla.jit(nabla.grad(loss))             # traced once, then runs that source
step = lambda i, w: w - 0.5 * nabla.grad(loss)(w, X, y)
descend = nabla.jit(lambda w: fori_loop(0, 1000, step, w))   # one loop equation"""


def loss(w, X, y):
    """The logistic loss L(w) = (1/m) Σᵢ log(1 + exp(−yᵢ xᵢ·w)), labels yᵢ = ±1."""
    return np.mean(np.log1p(np.exp(-y * (X @ w))))


def closed_form_gradient(w, X, y):
    """∇L(w) = −(1/m) Σᵢ yᵢ xᵢ σ(−yᵢ xᵢ·w), σ the logistic function."""
    margin = y * (X @ w)
    return -(X.T @ (y / (1.0 + onp.exp(margin)))) / len(y)


def data(seed=0):
    """``SAMPLES`` points in ``FEATURES`` dimensions, labelled ±1 by a noisy linear rule."""
    rng = onp.random.default_rng(seed)
    X = rng.standard_normal((SAMPLES, FEATURES))
    y = onp.where(X @ onp.array(TRUE_W) + 0.3 * rng.standard_normal(SAMPLES) > 0, 1.0, -1.0)
    return X, y


def per_call(fn, calls):
    """Best seconds per call of ``fn()`` over 3 runs of ``calls`` calls."""
    return min(timeit.repeat(fn, number=calls, repeat=3)) / calls


def run(out: pathlib.Path, quick: bool = False) -> Lesson:
    from nabla.tour.report import save

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    X, y = data()
    w = onp.array(W)
    grad = nabla.grad(loss)
    fast_grad = nabla.jit(grad)

    def descend(w):
        return fori_loop(0, LOOP_STEPS, lambda i, w: w - LOOP_LR * grad(w, X, y), w)

    fast_descend = nabla.jit(descend)

    program_of_loss = nabla.make_program(loss)(w, X, y)
    traced = nabla.make_program(grad)(w, X, y)
    optimized = traced.optimize()
    loop_program = nabla.make_program(descend)(w).optimize()
    (loop,) = loop_program.equations
    g_fast = onp.asarray(fast_grad(w, X, y))
    w_fast = onp.asarray(fast_descend(w))

    calls = 100 if quick else 300
    eager_s = per_call(lambda: grad(w, X, y), calls)
    fast_s = per_call(lambda: fast_grad(w, X, y), calls)
    loop_eager_s = per_call(lambda: descend(w), 1)
    loop_fast_s = per_call(lambda: fast_descend(w), 1)

    figures = [f"{NAME}-programs.png"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    counts = {"L(w)": len(program_of_loss), "∇L, as traced": len(traced),
              "∇L, optimized": len(optimized)}
    left.bar(list(counts), list(counts.values()), color=["tab:gray", "tab:blue", "tab:green"])
    for k, n in enumerate(counts.values()):
        left.text(k, n, str(n), ha="center", va="bottom")
    left.margins(y=0.12)
    left.set_ylabel("equations (one NumPy call each)")
    left.set_title("length of the programs")
    times = {"nabla.grad\n(eager)": eager_s * 1e6, "nabla.jit(nabla.grad)\n(compiled)":
             fast_s * 1e6}
    right.bar(list(times), list(times.values()), color=["tab:orange", "tab:green"])
    for k, t in enumerate(times.values()):
        right.text(k, t, f"{t:.1f} µs", ha="center", va="bottom")
    right.margins(y=0.12)
    right.set_ylabel("µs per gradient (best of 3 runs)")
    right.set_title(f"∇L of {SAMPLES} × {FEATURES} data, {calls} calls per run")
    fig.tight_layout()
    save(fig, out, figures[0])

    numbers = {
        "program of L(w) (a = w, b = X, c = y)": str(program_of_loss),
        "equations in the program of L": len(program_of_loss),
        "program of ∇L, as traced": str(traced),
        "equations in the program of ∇L, as traced": len(traced),
        "program of ∇L, optimized": str(optimized),
        "equations in the program of ∇L, optimized": len(optimized),
        "Python source generated for ∇L": optimized.source,
        "max |compiled ∇L − closed form −(1/m) Σ yᵢxᵢσ(−yᵢxᵢ·w)|":
            float(onp.max(onp.abs(g_fast - closed_form_gradient(w, X, y)))),
        "µs per gradient, eager nabla.grad": eager_s * 1e6,
        "µs per gradient, compiled nabla.jit(nabla.grad)": fast_s * 1e6,
        "speed-up of the compiled gradient (×)": eager_s / fast_s,
        f"equations in the program of {LOOP_STEPS:,} descent steps (fori_loop)":
            len(loop_program),
        "equations in the loop's body (one step), optimized": len(optimize(loop.params["body"])),
        f"ms for {LOOP_STEPS:,} steps, eager (a Python loop)": loop_eager_s * 1e3,
        f"ms for {LOOP_STEPS:,} steps, compiled (one loop equation)": loop_fast_s * 1e3,
        f"w after {LOOP_STEPS:,} compiled steps": str(onp.round(w_fast, 6)),
        f"L(w) after {LOOP_STEPS:,} compiled steps": float(loss(w_fast, X, y)),
    }
    explanation = (
        "nabla.make_program runs a function once on placeholders and records every "
        "primitive it applies as one line of a program, with the shape and dtype of each "
        "value. The program of the gradient of the logistic loss "
        "L(w) = (1/m) Σ log(1 + exp(−yᵢ xᵢ·w)) is its forward pass followed by the backward "
        "pass: every later line applies one derivative rule, from the loss back to w, which "
        "is backpropagation (the chain rule) written out as code. Optimizing drops the "
        "lines the result does not need and the work the rules repeat, and the optimized "
        "program becomes Python source with one NumPy call per line; nabla.jit runs that "
        "source, skipping the tracing and rule lookups that eager differentiation repeats "
        "on every call, which is why the compiled gradient is faster on small data. "
        "A loop written with nabla.control.fori_loop is traced once, so "
        f"{LOOP_STEPS:,} steps of gradient descent are one equation of the program, whose "
        "body is a single step.")
    return Lesson(name=NAME, title=TITLE, explanation=explanation, code=CODE,
                  numbers=numbers, figures=figures)
