"""``jit=True`` against ``jit=False`` in the three loops that take it.

(a) ``minimize``: Rosenbrock in 100 dimensions from (−1.2, …, −1.2) by L-BFGS, BFGS and
    Newton (float64), one whole ``minimize`` call each (tracing included: every call
    compiles afresh);
(b) ``nn.fit``: one epoch, and ten epochs, of a 64-128-10 ReLU MLP on scikit-learn's
    digits (1,347 training images scaled to [0, 1], float32), Adam lr 1e-3, batches of 32
    (the last one short: a second compiled program), cross-entropy against one-hot targets
    (with integer labels ``cross_entropy`` checks their range, which cannot be compiled);
(c) ``prob.advi``: Bayesian logistic regression, 5,000 × 20 (seeded design, N(0, 1)
    prior), mean-field, with its defaults: 2,000 steps of one draw, ``final_elbo`` from
    4,000 draws (which ``jit`` leaves eager); and 2,000 steps alone (``final_samples=1``).

Each is timed as a whole call, best and median of ``--repeats`` alternating runs of
the two settings, in one process limited to ``--threads`` BLAS threads; the last column
is the largest difference between the two runs' results (iterates, parameters, ELBO
trace), which should be 0 or rounding.

    python bench/jit_loops.py [--threads 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

from _harness import OtherLoad, header, limit_threads


def _minimize_cases(np, nabla):
    from nabla.optim import functions

    f = functions.rosenbrock(100)

    def case(method):
        def run(jit):
            result = nabla.optim.minimize(f, f.start, method=method, jit=jit)
            return np.array(result.history["x"]), result.nit
        return run

    return [(f"minimize rosenbrock-100 {m}", case(m)) for m in ("lbfgs", "bfgs", "newton")]


def _fit_cases(np, nabla):
    from sklearn.datasets import load_digits

    from nabla.nn import MLP, fit, losses
    from nabla.optim.optimizers import adam

    X, y = load_digits(return_X_y=True)
    X = (X[:1347] / 16.0).astype(np.float32)
    Y = np.eye(10, dtype=np.float32)[y[:1347]]

    def loss(model, batch):
        return losses.cross_entropy(model(batch[0]), batch[1])

    def case(epochs):
        def run(jit):
            net = MLP([64, 128, 10], rng=np.random.default_rng(0), dtype=np.float32)
            model, history = fit(net, loss, (X, Y), optimizer=adam(1e-3), epochs=epochs,
                                 batch_size=32, rng=np.random.default_rng(1), verbose=0,
                                 jit=jit)
            return np.concatenate([np.ravel(p) for p in model.parameters()]), history.steps
        return run

    return [(f"fit digits MLP, {e} epoch{'s' if e > 1 else ''}", case(e)) for e in (1, 10)]


def _advi_cases(np, nabla):
    import nabla.numpy as jnp
    from nabla.prob import advi

    rng = np.random.default_rng(0)
    X = rng.standard_normal((5000, 20))
    w_true = rng.standard_normal(20)
    y = (rng.random(5000) < 1.0 / (1.0 + np.exp(-X @ w_true))).astype(float)

    def log_joint(z):
        logits = X @ z["w"]
        return (jnp.sum(y * logits - jnp.logaddexp(0.0, logits))
                - 0.5 * jnp.sum(z["w"] ** 2))

    def case(final_samples):
        def run(jit):
            fit = advi(log_joint, {"w": np.zeros(20)}, final_samples=final_samples, jit=jit)
            return np.concatenate([fit.elbo, fit.loc, [fit.final_elbo]]), len(fit.elbo)
        return run

    return [("advi logistic 5000x20", case(4000)),
            ("advi logistic 5000x20, final_samples=1", case(1))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    limit_threads(args.threads)
    import numpy as np

    import nabla

    warnings.simplefilter("error", UserWarning)  # a fallback to eager spoils the comparison
    print("\n".join(header(args.threads)))
    print()
    load = OtherLoad()
    rows = []
    for maker in (_minimize_cases, _fit_cases, _advi_cases):
        for name, run in maker(np, nabla):
            times = {False: [], True: []}
            results = {}
            for _ in range(args.repeats):
                for jit in (False, True):
                    start = time.perf_counter()
                    results[jit] = run(jit)
                    times[jit].append(time.perf_counter() - start)
            (eager, n_eager), (compiled, n_compiled) = results[False], results[True]
            same = n_eager == n_compiled and eager.shape == compiled.shape
            diff = float(np.max(np.abs(eager - compiled))) if same else float("nan")
            rows.append((name, n_eager, min(times[False]), statistics.median(times[False]),
                         min(times[True]), statistics.median(times[True]), diff))
            print(f"{name}: done", file=sys.stderr)
    print("| workload | iterations | jit=False best / median ms | jit=True best / median ms "
          "| speed-up (best) | max difference |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, b0, m0, b1, m1, diff in rows:
        print(f"| {name} | {n} | {b0 * 1e3:.1f} / {m0 * 1e3:.1f} | {b1 * 1e3:.1f} / "
              f"{m1 * 1e3:.1f} | {b0 / b1:.2f}× | {diff:.1e} |")
    print()
    load.report()


if __name__ == "__main__":
    main()
