"""The differentiable SciPy namespace: ``nabla.scipy.special``, ``.stats``, ``.linalg``.

Each function is SciPy's, with its derivative rules beside it (``special``, ``linalg``) or
built from differentiable pieces (``stats``: closed-form log-densities). Called on plain
arrays, the functions give SciPy's values.

>>> import nabla
>>> import nabla.scipy as nsp
>>> float(nabla.grad(lambda s: nsp.stats.norm.logpdf(1.0, loc=0.0, scale=s))(1.0))  # −1/σ + x²/σ³
0.0
"""

from nabla.scipy import linalg, special, stats

__all__ = ["linalg", "special", "stats"]
