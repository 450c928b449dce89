"""Layer 4: optimization, from gradient descent to Newton's method, constraints and linear
programs.

- :func:`minimize` / :func:`maximize` (``nabla.optim.minimize``): gradient descent,
  momentum, Nesterov, Adam, RMSProp, Newton, BFGS, L-BFGS and nonlinear CG on functions of
  a pytree, with bounds and constraints handed to :mod:`nabla.optim.constrained`;
- :func:`linprog`: linear programs by an interior-point method;
- :mod:`nabla.optim.optimizers` (SGD ... AdamW on pytrees), :mod:`~nabla.optim.schedules`,
  :mod:`~nabla.optim.clipping`, :mod:`~nabla.optim.batches` (batch, stochastic and
  mini-batch descent);
- :mod:`nabla.optim.functions` (classic test functions) and :mod:`nabla.optim.search`
  (random and grid search, the blind baselines).
"""

from nabla.optim import batches, clipping, functions, optimizers, schedules, search
from nabla.optim.linprog import linprog
from nabla.optim.minimize import maximize, minimize
from nabla.optim.result import OptimizeResult

__all__ = ["OptimizeResult", "batches", "clipping", "functions", "linprog", "maximize",
           "minimize", "optimizers", "schedules", "search"]
