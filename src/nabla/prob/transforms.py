"""Bijections for changing variables: ``y = T(x)``, ``x = T.inv(y)``, and
``log|dy/dx|`` as ``T.log_abs_det_jacobian(x, y)`` (elementwise), as in
``torch.distributions.transforms``.

>>> from nabla.prob.transforms import ExpTransform
>>> t = ExpTransform()
>>> float(t.inv(t(0.5)))
0.5
"""

from __future__ import annotations

import abc

from nabla.numpy import exp, expm1, log
from nabla.scipy import special as sp

__all__ = ["Transform", "ExpTransform", "SoftplusTransform", "SigmoidTransform"]


class Transform(abc.ABC):
    """A bijection: call it for the forward map, ``.inv`` for the inverse."""

    @abc.abstractmethod
    def __call__(self, x):
        """y = T(x)."""

    @abc.abstractmethod
    def inv(self, y):
        """x = T⁻¹(y)."""

    @abc.abstractmethod
    def log_abs_det_jacobian(self, x, y):
        """log |dy/dx|, elementwise."""

    def __repr__(self):
        return f"{type(self).__name__}()"


class ExpTransform(Transform):
    """y = exp(x), x = log(y), log|dy/dx| = x.

    >>> float(ExpTransform().log_abs_det_jacobian(2.0, None))
    2.0
    """

    def __call__(self, x):
        return exp(x)

    def inv(self, y):
        return log(y)

    def log_abs_det_jacobian(self, x, y):
        return x


class SoftplusTransform(Transform):
    """y = log(1 + eˣ), x = y + log(1 − e⁻ʸ), log|dy/dx| = log σ(x) = −softplus(−x).

    >>> round(float(SoftplusTransform()(0.0)), 12)  # log 2
    0.69314718056
    """

    def __call__(self, x):
        return sp.softplus(x)

    def inv(self, y):
        return y + log(-expm1(-y))

    def log_abs_det_jacobian(self, x, y):
        return sp.log_expit(x)


class SigmoidTransform(Transform):
    """y = σ(x) = 1/(1 + e⁻ˣ), x = logit(y), log|dy/dx| = log σ(x) + log σ(−x).

    >>> float(SigmoidTransform()(0.0))
    0.5
    """

    def __call__(self, x):
        return sp.expit(x)

    def inv(self, y):
        return sp.logit(y)

    def log_abs_det_jacobian(self, x, y):
        return sp.log_expit(x) + sp.log_expit(-x)
