"""Special functions, each given by its derivative: the differentiable ``scipy.special``.

Most of SciPy's special functions are NumPy ufuncs, so plain ``scipy.special.erf(x)`` on a
traced ``x`` reaches these rules through NumPy's dispatch (NEP 13); ``nabla.scipy.special.erf``
is the same function. (``polygamma``, ``multigammaln``, ``logsumexp``, ``softmax`` and
``log_softmax`` are Python functions in SciPy that convert their input to an array: call
nabla's.) Read each line of the table below as a rule of calculus:

* ``erf → 2/√π·exp(−x²)``, ``erfc → −2/√π·exp(−x²)``, ``erfinv → √π/2·exp(erfinv(x)²)``,
  ``erfcinv → −√π/2·exp(erfcinv(x)²)``;
* ``ndtr → φ(x)``, ``log_ndtr → φ(x)/Φ(x) = exp(−x²/2 − log_ndtr(x))/√(2π)``,
  ``ndtri → √(2π)·exp(ndtri(x)²/2)``, with φ and Φ the standard normal density and
  distribution function;
* ``erfcx → 2x·erfcx(x) − 2/√π``;
* ``expit → σ(x)·σ(−x)``, ``log_expit → σ(−x)``, ``logit → 1/(x(1−x))``,
  ``softplus → σ(x)``;
* ``gamma → Γ(x)·ψ(x)``, ``gammaln → ψ(x)`` (and ``loggamma`` for real x),
  ``digamma → ψ'(x) = polygamma(1, x)``, ``polygamma(n, x) → polygamma(n+1, x)``;
  ``multigammaln(a, d)`` is a sum of ``gammaln``;
* ``beta(a, b) → B·(ψ(a) − ψ(a+b)), B·(ψ(b) − ψ(a+b))``, ``betaln`` the same without
  the factor B;
* ``xlogy(x, y) → log(y), x/y`` and ``xlog1py(x, y) → log1p(y), x/(1+y)``; at x = 0 the
  function is 0 for every y, so its y-derivative there is 0, also at y = 0 (y = −1);
* ``entr → −(log(x) + 1)``, ``rel_entr(x, y) → log(x/y) + 1, −x/y``,
  ``kl_div(x, y) → log(x/y), 1 − x/y``;
* Bessel functions: ``I_v' = (I_{v−1} + I_{v+1})/2``, so ``i0 → i1`` and ``i1 → (i0 + I₂)/2``
  (which is ``i0 − i1/x``, with its limit ½ at x = 0 built in); the exponentially scaled
  ``ive(v, x) = e^{−|x|}·I_v(x)`` gets the extra term ``−sign(x)·ive(v, x)``;
* the regularized incomplete functions in their last argument: ``gammainc(a, x) →
  x^{a−1}e^{−x}/Γ(a)``, ``gammaincc`` the negative, ``betainc(a, b, x) →
  x^{a−1}(1−x)^{b−1}/B(a, b)``, ``stdtr(df, t) →`` the Student t density.

Orders and shape parameters with no closed-form derivative (the ``n`` of ``polygamma``,
the ``v`` of ``iv``, the ``a`` of ``gammainc``, ...) are not differentiated: passing a
traced value there is a ``TypeError`` naming the argument, never a silent zero.

``logsumexp`` is a primitive of its own, whose derivative is the softmax weights
``exp(a − logsumexp(a))``; ``softmax`` and ``log_softmax`` are built on it. All three
shift their input by its largest entry first (a constant: the shift changes neither the
result nor the derivative), so none of them overflows, however large the inputs:

>>> import numpy
>>> import nabla
>>> import nabla.scipy.special as special
>>> float(special.logsumexp(numpy.array([1000.0, 1000.0])))  # 1000 + log 2
1000.6931471805599
>>> nabla.grad(lambda a: special.logsumexp(a))(numpy.array([1000.0, 1000.0]))
array([0.5, 0.5])
>>> float(nabla.grad(special.erf)(0.0))  # 2/√π
1.1283791670955126
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc

from nabla.core import Primitive, concrete, elementwise, implements, is_staged
from nabla.numpy import (
    asarray,
    broadcast_to,
    exp,
    log,
    log1p,
    reshape,
    sign,
    sum,
    where,
)
from nabla.numpy._api import composite, normalize_axis
from nabla.numpy._backend import with_fallback

__all__ = [
    "erf",
    "erfc",
    "erfinv",
    "erfcinv",
    "ndtr",
    "log_ndtr",
    "ndtri",
    "erfcx",
    "expit",
    "log_expit",
    "logit",
    "softplus",
    "gamma",
    "gammaln",
    "loggamma",
    "multigammaln",
    "digamma",
    "psi",
    "polygamma",
    "beta",
    "betaln",
    "xlogy",
    "xlog1py",
    "entr",
    "rel_entr",
    "kl_div",
    "i0",
    "i1",
    "i0e",
    "i1e",
    "iv",
    "ive",
    "gammainc",
    "gammaincc",
    "betainc",
    "stdtr",
    "logsumexp",
    "softmax",
    "log_softmax",
]

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _rule(scipy_function, *partials, name=None):
    """The differentiable version of an elementwise SciPy function, from its partials."""
    prim = elementwise(scipy_function, *partials, name=name or scipy_function.__name__)
    return implements(scipy_function)(prim)


def _no_derivative(function, argument):
    """A partial that refuses: the argument has no derivative nabla can give."""

    def refuse(*args):
        raise TypeError(
            f"nabla does not differentiate scipy.special.{function} with respect to "
            f"{argument} (no closed form); pass a plain value for {argument}."
        )

    return refuse


def _x_over(x, y):
    """``x / y`` as the y-derivative of ``x·log(y)``: 0 where x = 0, even where y = 0."""
    corner = (x == 0) & (y == 0)
    if is_staged(corner) or np.any(corner):
        y = where(corner, 1.0, y)
    return x / y


# --- error function and normal distribution ---------------------------------------------
erf = _rule(sc.erf, lambda x, ans: (2 / _SQRT_PI) * exp(-(x * x)))
erfc = _rule(sc.erfc, lambda x, ans: (-2 / _SQRT_PI) * exp(-(x * x)))
erfinv = _rule(sc.erfinv, lambda x, ans: (_SQRT_PI / 2) * exp(ans * ans))
erfcinv = _rule(sc.erfcinv, lambda x, ans: (-_SQRT_PI / 2) * exp(ans * ans))
erfcx = _rule(sc.erfcx, lambda x, ans: 2 * x * ans - 2 / _SQRT_PI)  # e^{x²}·erfc(x)
ndtr = _rule(sc.ndtr, lambda x, ans: exp(-0.5 * (x * x)) / _SQRT_2PI)
log_ndtr = _rule(sc.log_ndtr, lambda x, ans: exp(-0.5 * (x * x) - ans - _LOG_SQRT_2PI))
ndtri = _rule(sc.ndtri, lambda x, ans: _SQRT_2PI * exp(0.5 * (ans * ans)))

# --- logistic function: σ(x) = 1/(1 + e^{−x}) --------------------------------------------
expit = _rule(sc.expit, lambda x, ans: ans * expit(-x))
log_expit = _rule(sc.log_expit, lambda x, ans: expit(-x))
logit = _rule(sc.logit, lambda x, ans: 1 / (x * (1 - x)))
softplus = _rule(sc.softplus, lambda x, ans: expit(x), name="softplus")  # log(1 + eˣ)

# --- gamma function and its logarithmic derivatives -------------------------------------
def _polygamma_formula(n, x):
    """SciPy's own definition of ``polygamma``, from ufuncs: ψ for n = 0, else
    (−1)ⁿ⁺¹ n! ζ(n + 1, x)."""
    return np.where(n == 0, sc.psi(x), (-1.0) ** (n + 1) * sc.gamma(n + 1.0) * sc.zeta(n + 1, x))


polygamma = implements(sc.polygamma)(elementwise(
    with_fallback(sc.polygamma, _polygamma_formula),
    _no_derivative("polygamma", "the order n"),
    lambda n, x, ans: polygamma(n + 1, x), name="polygamma"))
digamma = _rule(sc.digamma, lambda x, ans: polygamma(1, x), name="digamma")
psi = digamma  # SciPy's other name
gamma = _rule(sc.gamma, lambda x, ans: ans * digamma(x))
gammaln = _rule(sc.gammaln, lambda x, ans: digamma(x))
loggamma = _rule(sc.loggamma, lambda x, ans: digamma(x))  # real x > 0: gammaln
beta = _rule(sc.beta,
             lambda a, b, ans: ans * (digamma(a) - digamma(a + b)),
             lambda a, b, ans: ans * (digamma(b) - digamma(a + b)))
betaln = _rule(sc.betaln,
               lambda a, b, ans: digamma(a) - digamma(a + b),
               lambda a, b, ans: digamma(b) - digamma(a + b))

# --- x·log(y) with 0·log(0) = 0, and entropy --------------------------------------------
xlogy = _rule(sc.xlogy, lambda x, y, ans: log(y), lambda x, y, ans: _x_over(x, y))
xlog1py = _rule(sc.xlog1py, lambda x, y, ans: log1p(y), lambda x, y, ans: _x_over(x, 1 + y))
entr = _rule(sc.entr, lambda x, ans: -(log(x) + 1))
rel_entr = _rule(sc.rel_entr,  # x·log(x/y)
                 lambda x, y, ans: log(x / y) + 1, lambda x, y, ans: -_x_over(x, y))
kl_div = _rule(sc.kl_div,  # x·log(x/y) − x + y
               lambda x, y, ans: log(x / y), lambda x, y, ans: 1 - _x_over(x, y))

# --- modified Bessel functions of the first kind: I_v' = (I_{v−1} + I_{v+1}) / 2 ---------
iv = _rule(sc.iv, _no_derivative("iv", "the order v"),
           lambda v, x, ans: 0.5 * (iv(v - 1, x) + iv(v + 1, x)))
ive = _rule(sc.ive, _no_derivative("ive", "the order v"),
            lambda v, x, ans: 0.5 * (ive(v - 1, x) + ive(v + 1, x)) - sign(x) * ans)
i0 = _rule(sc.i0, lambda x, ans: i1(x))
i1 = _rule(sc.i1, lambda x, ans: 0.5 * (i0(x) + iv(2, x)))  # = i0 − i1/x, ½ at x = 0
i0e = _rule(sc.i0e, lambda x, ans: i1e(x) - sign(x) * ans)
i1e = _rule(sc.i1e, lambda x, ans: 0.5 * (i0e(x) + ive(2, x)) - sign(x) * ans)

# --- regularized incomplete functions, in their last argument ---------------------------
gammainc = _rule(sc.gammainc, _no_derivative("gammainc", "a"),
                 lambda a, x, ans: exp(xlogy(a - 1, x) - x - gammaln(a)))
gammaincc = _rule(sc.gammaincc, _no_derivative("gammaincc", "a"),
                  lambda a, x, ans: -exp(xlogy(a - 1, x) - x - gammaln(a)))
betainc = _rule(sc.betainc, _no_derivative("betainc", "a"), _no_derivative("betainc", "b"),
                lambda a, b, x, ans: exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b)))
stdtr = _rule(sc.stdtr, _no_derivative("stdtr", "df"),
              lambda df, t, ans: exp(gammaln((df + 1) / 2) - gammaln(df / 2)
                                     - 0.5 * log(df * math.pi)
                                     - (df + 1) / 2 * log1p(t * t / df)))


def _composite(scipy_function):
    """``composite(scipy_function)``, whose fast path (SciPy's function) is taken for NumPy
    data; SciPy would convert arrays of another backend to NumPy, so for them the
    composition of nabla's primitives runs instead, on their backend."""

    def decorate(fn):
        fast = composite(scipy_function)(fn)
        return implements(scipy_function)(with_fallback(fast, fn))

    return decorate


@_composite(sc.multigammaln)
def multigammaln(a, d):
    """The log of the multivariate gamma function, ``log Γ_d(a) = d(d−1)/4·log π +
    Σⱼ₌₁..d log Γ(a + (1 − j)/2)``, built from ``gammaln`` (``d`` is a plain integer).

    >>> import nabla
    >>> float(nabla.grad(lambda a: multigammaln(a, 2))(3.0))  # ψ(3) + ψ(5/2)
    1.6259409757437102
    """
    if not is_staged(a) and not np.all(concrete(a) > (d - 1) / 2):
        raise ValueError(f"multigammaln: a must be greater than (d - 1)/2 = {(d - 1) / 2}")
    total = d * (d - 1) / 4 * math.log(math.pi)
    for j in range(1, d + 1):
        total = total + gammaln(a + (1 - j) / 2)
    return total


# --- log-sum-exp and softmax --------------------------------------------------------------
def _spread(y, a, axis, keepdims):
    """``y``, a reduction of ``a`` over ``axis``, broadcast back to the shape of ``a``."""
    if not keepdims:
        y = reshape(y, tuple(1 if i in axis else n for i, n in enumerate(a.shape)))
    return broadcast_to(y, a.shape)


def _softmax_weights(a, ans, axis, keepdims):
    """``exp(a − logsumexp(a))``: the derivative of log-sum-exp, never above 1."""
    if is_staged(ans) or not np.all(np.isfinite(concrete(ans))):
        ans = where(np.isfinite(concrete(ans)), ans, 0.0)  # all −inf: weights 0, not nan
    return exp(a - _spread(ans, a, axis, keepdims))


_logsumexp = Primitive(
    "logsumexp",
    # The argument arrives shifted (its largest entry is 0), so log Σ exp is exact as is.
    with_fallback(lambda a, axis, keepdims: sc.logsumexp(a, axis=axis, keepdims=keepdims),
                  lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis,
                                                          keepdims=keepdims))),
    (lambda g, ans, a, axis, keepdims:
        _spread(g, a, axis, keepdims) * _softmax_weights(a, ans, axis, keepdims),),
    lambda args, tangents, ans, axis, keepdims: sum(
        tangents[0] * _softmax_weights(args[0], ans, axis, keepdims),
        axis=axis, keepdims=keepdims),
)


def _largest(a, axes):
    """The largest entry of ``a`` over ``axes`` (kept), as a constant; 0 where not finite.

    Log-sum-exp is shifted by it: ``logsumexp(a) = m + logsumexp(a − m)`` holds for any
    constant m, so the derivatives stay exact while no exp(a − m) exceeds 1."""
    m = np.max(concrete(a), axis=axes, keepdims=True)
    return np.where(np.isfinite(m), m, 0.0)


@_composite(sc.logsumexp)
def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``log Σ b·exp(a)`` over ``axis``, computed without overflow.

    The sum is taken as ``m + log Σ b·exp(a − m)`` with ``m`` the largest entry, so
    ``logsumexp([1000, 1000]) = 1000 + log 2``. Its derivative in ``a`` is the softmax
    weights ``b·exp(a − logsumexp(a))`` and in ``b`` it is ``exp(a − logsumexp(a))``. With
    ``return_sign`` the result is ``(log |Σ b·e^a|, sign of the sum)``; without it a
    negative sum gives nan, as in SciPy.

    >>> import numpy, nabla
    >>> float(logsumexp(numpy.log(numpy.array([1.0, 2.0, 3.0]))))  # log 6
    1.791759469228055
    >>> nabla.grad(logsumexp)(numpy.array([0.0, numpy.log(3.0)]))  # softmax weights
    array([0.25, 0.75])
    """
    a = a if hasattr(a, "ndim") else asarray(a, dtype=float)
    if b is None:
        axes = normalize_axis(axis, a.ndim)
        # m + logsumexp(a − m) with m the (constant) largest entry, as SciPy computes it:
        # the primitive then sees entries ≤ 0, and its softmax weights keep full accuracy.
        m = _largest(a, axes)
        out = _logsumexp(a - m, axis=axes, keepdims=keepdims)
        out = out + (m if keepdims else np.squeeze(m, axis=axes))
        if not return_sign:
            return out
        return out, np.where(np.isneginf(concrete(out)), 0.0, 1.0)
    # With weights b (of either sign) the same shift is written out, and the sign of the
    # sum is kept apart (it is piecewise constant: no derivative).
    b = b if hasattr(b, "ndim") else asarray(b, dtype=float)
    shape = np.broadcast_shapes(a.shape, b.shape)
    axes = normalize_axis(axis, len(shape))
    m = _largest(np.broadcast_to(concrete(a), shape), axes)
    total = sum(b * exp(a - m), axis=axes, keepdims=keepdims)
    s = np.sign(concrete(total))
    out = log(total * s) + (m if keepdims else np.squeeze(m, axis=axes))
    if return_sign:
        return out, s
    return where(s < 0, np.nan, out)


def _shifted(x, axis):
    """``x − m`` with ``m`` the (constant) largest entry along ``axis``, and the axes:
    softmax and log-softmax do not change under a constant shift, and the shifted entries
    are at most 0, so nothing overflows and results keep their relative accuracy."""
    x = x if hasattr(x, "ndim") else asarray(x, dtype=float)
    axes = normalize_axis(axis, x.ndim)
    return x - _largest(x, axes), axes


@_composite(sc.softmax)
def softmax(x, axis=None):
    """``exp(x) / Σ exp(x)`` over ``axis`` (all entries when None), as ``exp(x − m −
    logsumexp(x − m))`` with m the largest entry: never overflows.

    The Jacobian is ``diag(s) − s sᵀ`` for ``s = softmax(x)``.

    >>> import numpy
    >>> softmax(numpy.array([1000.0, 1000.0, 1000.0 + numpy.log(2.0)]))
    array([0.25, 0.25, 0.5 ])
    """
    z, axes = _shifted(x, axis)
    return exp(z - _logsumexp(z, axis=axes, keepdims=True))


@_composite(sc.log_softmax)
def log_softmax(x, axis=None):
    """``x − logsumexp(x)`` over ``axis`` (computed as ``(x − m) − logsumexp(x − m)``, m the
    largest entry): the log of the softmax, with no overflow and no ``log(0)`` for very
    negative entries.

    >>> import numpy
    >>> log_softmax(numpy.array([0.0, -1000.0]))
    array([    0., -1000.])
    """
    z, axes = _shifted(x, axis)
    return z - _logsumexp(z, axis=axes, keepdims=True)
