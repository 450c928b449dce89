"""Layer 6: scikit-learn–compatible estimators whose gradients come from nabla.

- :class:`LinearRegression` and :class:`Ridge` (:mod:`nabla.models.linear`): least squares
  by the normal equations, gradient descent, Newton's method, or stochastic steps;
- :class:`LogisticRegression` (:mod:`nabla.models.logistic`): binary and multinomial, with
  scikit-learn's L2-penalized objective, by L-BFGS, Newton or gradient descent;
- :class:`MLPClassifier` and :class:`MLPRegressor` (:mod:`nabla.models.mlp`): multilayer
  perceptrons trained by backpropagation with Adam, SGD or L-BFGS.

They follow scikit-learn's conventions (:mod:`nabla.models.base`) and pass its estimator
checks, so they fit in pipelines and grid searches. scikit-learn is the ``ml`` extra
(``pip install nabla[ml]``).

>>> from nabla.models import LinearRegression
>>> LinearRegression(solver='gd').fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]).predict([[3.0]])
array([7.])
"""

from nabla.models.base import NotFittedError
from nabla.models.linear import LinearRegression, Ridge
from nabla.models.logistic import LogisticRegression
from nabla.models.mlp import MLPClassifier, MLPRegressor

__all__ = ["LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor",
           "NotFittedError", "Ridge"]
