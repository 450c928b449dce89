"""``jit``'s numba backend against its NumPy backend, eager nabla and plain NumPy.

Two chains of 50 elementwise operations on a float64 vector:

* ``transcendental`` (``bench/overhead.py``'s chain: seven rounds of sin, *1.5, tanh,
  +0.25, cos, *0.75, exp, then *2): 28 of the 50 are sin, tanh, cos or exp, which NumPy
  computes with SIMD code and a numba loop one element at a time with the C library;
* ``arithmetic`` (ten rounds of *1.5, -0.25, maximum, minimum, square): cheap operations,
  where the cost is the passes over memory.

Each at n = 8 (where the time is the cost of calling: 50 NumPy calls against one kernel
call) and n = 100,000 (memory traffic and the math itself: 50 passes with temporaries
against one pass). Rows:

* ``numpy by hand``: the chain written with NumPy, the floor of the NumPy backend;
* ``nabla eager``: ``nabla.numpy`` on arrays, no transform (one NumPy call + a type check);
* ``jit numpy``, ``jit numba``: ``nabla.jit`` with ``NABLA_JIT_BACKEND=numpy`` / ``numba``
  (the whole chain is one fused kernel);
* ``jit auto``: the default, called until it has chosen (see ``nabla.jit.program``).

Steady-state times follow ``timeit`` (``_harness.measure``). The first call's cost, which
is what ``auto`` weighs, is measured in fresh processes with an empty kernel cache and
then with the cache the first one filled (``--first-call``).

    python bench/jit_numba.py [--quick] [--threads N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time

from _harness import (
    OtherLoad,
    available_cores,
    header,
    limit_threads,
    measure,
    print_markdown_table,
    print_table,
    timing,
    us_cells,
)
from overhead import elementwise_chain

SIZES = (8, 100_000)


def transcendental(ops, x):
    """50 elementwise operations, 28 of them sin, tanh, cos or exp: bench/overhead.py's
    chain without its final sum, times 2."""
    return elementwise_chain(ops, x) * 2.0


def arithmetic(ops, x):
    """50 cheap elementwise operations."""
    for _ in range(10):
        x = x * 1.5
        x = x - 0.25
        x = ops.maximum(x, -1.0)
        x = ops.minimum(x, 1.0)
        x = ops.square(x)
    return x


CHAINS = {"transcendental": transcendental, "arithmetic": arithmetic}


def jitted(chain, backend):
    import nabla
    import nabla.numpy as nnp

    os.environ["NABLA_JIT_BACKEND"] = backend
    return nabla.jit(lambda x: chain(nnp, x))


def first_call(n):
    """Seconds to import numba (0 with the NumPy backend), then of the first and the second
    call of the jitted transcendental chain, in this process (``NABLA_JIT_BACKEND`` and
    ``NABLA_CACHE_DIR`` come from the environment)."""
    start = time.perf_counter()
    if os.environ["NABLA_JIT_BACKEND"] == "numba":
        import numba  # noqa: F401
    times = [time.perf_counter() - start]
    import numpy

    f = jitted(transcendental, os.environ["NABLA_JIT_BACKEND"])
    x = numpy.linspace(-1, 1, n)
    for _ in range(2):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return times


def first_call_rows(n):
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NABLA_CACHE_DIR=cache)
        for backend, what in [("numpy", "jit numpy"), ("numba", "jit numba, empty cache"),
                              ("numba", "jit numba, kernel on disk")]:
            env["NABLA_JIT_BACKEND"] = backend
            done = subprocess.run([sys.executable, __file__, "--first-call", str(n)], env=env,
                                  capture_output=True, text=True, check=True)
            rows.append((what, f"{n:,}", *us_cells(*json.loads(done.stdout))))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing loops")
    parser.add_argument("--threads", type=int, default=available_cores())
    parser.add_argument("--first-call", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args()
    limit_threads(args.threads)
    if args.first_call:
        print(json.dumps(first_call(args.first_call)))
        return

    import numpy

    import nabla.numpy as nnp
    from nabla.jit import program

    print("\n".join(header(args.threads)))
    print(f"{'numba':<14} {__import__('numba').__version__}")
    print()
    target, repeats = timing(args.quick)
    load = OtherLoad()
    rows = []
    for (label, chain), n in itertools.product(CHAINS.items(), SIZES):
        x = numpy.linspace(-1, 1, n)
        want = chain(numpy, x)
        variants = [("numpy by hand", lambda c=chain, x=x: c(numpy, x)),
                    ("nabla eager", lambda c=chain, x=x: c(nnp, x))]
        for backend in ("numpy", "numba", "auto"):
            f = jitted(chain, backend)
            numpy.testing.assert_allclose(f(x), want, rtol=1e-12)
            if backend == "auto":
                (entry,) = f._cache.values()
                deadline = time.perf_counter() + 30 * program.AUTO_AFTER_S
                while getattr(entry.run, "backend", "numpy") is None:
                    if time.perf_counter() > deadline:
                        break
                    f(x)
                backend = f"auto (chose {getattr(entry.run, 'backend', 'numpy')})"
            variants.append((f"jit {backend}", lambda f=f, x=x: f(x)))
        times = {name: measure(fn, target, repeats) for name, fn in variants}
        reference = times["jit numpy"][0]
        for name, (best, median) in times.items():
            rows.append((label, name, f"{n:,}", *us_cells(best, median),
                         f"{reference / best:.2f}×"))
    load.report()
    columns = ("chain", "variant", "n", "best µs/call", "median µs/call",
               "jit numpy / variant")
    print_table(columns, rows, right={2, 3, 4, 5})
    print()
    first = [r for n in SIZES for r in first_call_rows(n)]
    first_columns = ("transcendental chain, new process", "n", "import numba µs",
                     "1st call µs", "2nd call µs")
    print_table(first_columns, first, right={1, 2, 3, 4})
    print()
    print_markdown_table(columns, rows, right={2, 3, 4, 5})
    print()
    print_markdown_table(first_columns, first, right={1, 2, 3, 4})


if __name__ == "__main__":
    main()
