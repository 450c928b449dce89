"""Layer 3: the calculus itself, computed and shown.

- :mod:`nabla.calculus.numeric`: derivatives from the limit definition (finite
  differences, complex step, Richardson extrapolation), secants turning into tangents;
- :mod:`nabla.calculus.symbolic`: derivatives as formulas, with the worked steps (SymPy);
- :mod:`nabla.calculus.integrate`: from Riemann sums to adaptive Gauss–Kronrod quadrature;
- :mod:`nabla.calculus.roots`: Newton–Raphson, secant and bisection.
"""
