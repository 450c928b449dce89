"""The verification table of every public function of nabla.numpy and nabla.scipy.

The table is split by namespace into modules named ``*_table.py`` in this package. Each
defines:

* ``NAMESPACE``: the nabla module it covers (``nabla.numpy``, ``nabla.numpy.linalg``, ...)
  and ``ORIGINAL``: the NumPy/SciPy module it mirrors;
* ``CALLS``: name -> list of ``(function, args)``; each case is run through
  ``nabla.check_grads`` to order 2 in forward and reverse mode (float64 inputs from the
  function's domain);
* ``PLAIN``: names whose cases are also run through the original NumPy/SciPy function
  (NEP 13/18 dispatch), which must give the same derivatives;
* ``NONDIFFERENTIABLE``: name -> args; the function must return a plain array equal to
  the original's, also when called on traced values;
* ``CONSTRUCTORS``: names re-exported unchanged from the original module.

``test_registry.py`` walks all tables and fails if a public name has no entry.
"""

import importlib
import pkgutil

import numpy

rng = numpy.random.default_rng(0)

DOMAINS = {
    "real": lambda shape: rng.uniform(-2.0, 2.0, shape),
    "positive": lambda shape: rng.uniform(0.5, 2.0, shape),
    "unit": lambda shape: rng.uniform(-0.9, 0.9, shape),
    "probability": lambda shape: rng.uniform(0.05, 0.95, shape),
    "above_one": lambda shape: rng.uniform(1.1, 3.0, shape),
    "nonzero": lambda shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape),
}


def args(*shapes, domain="real"):
    """Random float64 arrays of the given shapes from one domain."""
    return tuple(DOMAINS[domain](s) for s in shapes)


def tables():
    """Every ``*_table`` module of this package."""
    return [importlib.import_module(f"{__name__}.{m.name}")
            for m in pkgutil.iter_modules(__path__) if m.name.endswith("_table")]


def late(namespace):
    """``late(ns)(name)``: a function that looks ``name`` up in ``ns`` at each call, so the
    dispatch test can swap in the original NumPy/SciPy function."""

    def call(name, **kwargs):
        return lambda *xs: getattr(namespace, name)(*xs, **kwargs)

    return call
