"""Layer 3: the calculus itself, computed and shown.

- :mod:`nabla.calculus.numeric`: derivatives from the limit definition (finite
  differences, complex step, Richardson extrapolation), secants turning into tangents;
- :mod:`nabla.calculus.symbolic`: derivatives as formulas, with the worked steps (SymPy);
- :mod:`nabla.calculus.integrate`: from Riemann sums to adaptive Gauss–Kronrod quadrature;
- :mod:`nabla.calculus.roots`: Newton–Raphson, secant and bisection.
"""

from nabla.calculus import integrate, numeric, roots
from nabla.calculus.integrate import quad
from nabla.calculus.roots import bisect, newton, secant

__all__ = ["bisect", "integrate", "newton", "numeric", "quad", "roots", "secant", "symbolic"]


def __getattr__(name):
    # The symbolic module needs SymPy, an optional extra: import it only when asked for.
    if name == "symbolic":
        import importlib

        return importlib.import_module("nabla.calculus.symbolic")
    raise AttributeError(f"module 'nabla.calculus' has no attribute {name!r}")
