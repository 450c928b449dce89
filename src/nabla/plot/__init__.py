"""Figures for the concepts of nabla, drawn with matplotlib (``pip install nabla[plot]``).

Every function returns the matplotlib ``Figure`` and takes ``ax=`` to draw into an
existing axes. matplotlib is imported only when a figure is drawn.

==========================================  ==========================================
:func:`function_and_derivative`             f and f' (``elementwise_grad``)
:func:`secant_to_tangent`                   secants approaching the tangent
:func:`riemann_sum`                         Riemann rectangles and their area
:func:`integration_convergence`             log–log error of quadrature rules
:func:`gradient_field`                      contours with ∇f arrows
:func:`optimizer_paths`                     loss contours with optimizer paths
:func:`learning_rates`                      loss per step for several learning rates
:func:`training_curves`                     loss / metrics per epoch of an nn History
:func:`gradient_norms`                      ‖∂L/∂θ‖ per layer, log scale
:func:`decision_boundary`                   a 2-D classifier's regions
:func:`computation_graph`                   the reverse-mode DAG with values and adjoints
:func:`density`                             a pdf with its area (``quad``) shaded
:func:`likelihood_surface`                  log-likelihood contours, MLE and s.e. ellipse
:func:`mixture_em`                          Gaussian-mixture ellipses and EM's rising ℓ
:func:`elbo`                                ADVI's ELBO and q against the exact posterior
:func:`learning_curve`                      episode returns with a moving average
:func:`fit_time_by_workers`                 seconds per fit against Dask workers
==========================================  ==========================================

>>> import matplotlib; matplotlib.use("Agg")
>>> import nabla.numpy as np, nabla.plot
>>> fig = nabla.plot.function_and_derivative(np.tanh, -3.0, 3.0)
>>> fig.axes[0].get_title()
'tanh and its derivative (nabla.elementwise_grad)'
"""

from nabla.plot.calculus import (
    function_and_derivative,
    integration_convergence,
    riemann_sum,
    secant_to_tangent,
)
from nabla.plot.distributed import fit_time_by_workers
from nabla.plot.graph import computation_graph, trace_graph
from nabla.plot.optimization import gradient_field, learning_rates, optimizer_paths
from nabla.plot.probability import (
    density,
    elbo,
    learning_curve,
    likelihood_surface,
    mixture_em,
)
from nabla.plot.training import decision_boundary, gradient_norms, training_curves

__all__ = [
    "computation_graph",
    "decision_boundary",
    "density",
    "elbo",
    "fit_time_by_workers",
    "function_and_derivative",
    "gradient_field",
    "gradient_norms",
    "integration_convergence",
    "learning_curve",
    "learning_rates",
    "likelihood_surface",
    "mixture_em",
    "optimizer_paths",
    "riemann_sum",
    "secant_to_tangent",
    "trace_graph",
    "training_curves",
]
