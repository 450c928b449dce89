"""The table from NumPy functions to their differentiable nabla counterparts.

``nabla.numpy`` fills it when imported (``@implements(np.sin)``). The core consults it in
three places: tracer operators (``x * y`` is ``np.multiply``), NumPy's dispatch protocols
(NEP 13 ``__array_ufunc__`` and NEP 18 ``__array_function__``, which let plain
``import numpy as np`` code run on tracers), and the few NumPy calls the core itself makes
on cotangents. A NumPy function missing from the table is an error that names it: nabla
never guesses a derivative.
"""

from __future__ import annotations

import operator

_table: dict = {}


def implements(*numpy_functions):
    """Register the decorated function as the differentiable version of ``numpy_functions``."""

    def register(fn):
        for f in numpy_functions:
            _table[f] = fn
        return fn

    return register


def _qualified_name(f) -> str:
    if f is operator.getitem:
        return "indexing (x[...])"
    module = getattr(f, "__module__", None) or "numpy"
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", repr(f))
    if module.startswith("numpy") and (module == "numpy" or "._" in module or "_" == module[6:7]):
        module = "numpy"
    return f"{module}.{name}"


def lookup(numpy_function):
    """The nabla version of ``numpy_function``; ``TypeError`` naming it if there is none."""
    try:
        return _table[numpy_function]
    except KeyError:
        raise TypeError(
            f"nabla has no derivative rule for {_qualified_name(numpy_function)}, so it cannot "
            "be applied to a traced value (inside grad, jvp, vjp, ...). Use a function from "
            "nabla.numpy, or wrap your code with nabla.custom_vjp to give its derivative."
        ) from None


def registered():
    """A copy of the whole table (NumPy function -> nabla function)."""
    return dict(_table)
