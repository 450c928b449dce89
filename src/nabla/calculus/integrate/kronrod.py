r"""Gauss–Kronrod rules and their error estimate (QUADPACK's QK21 and QK15I).

On :math:`[-1, 1]` the 10-point Gauss–Legendre rule :math:`G_{10}` is exact for
polynomials of degree 19; Kronrod added 11 nodes to its 10 so that the 21-point rule
:math:`K_{21}` is exact to degree 31 while reusing every value of :math:`G_{10}`
(likewise :math:`G_7` and :math:`K_{15}`, exact to degrees 13 and 22; QUADPACK, and so
``quad``, uses :data:`K21` on finite ranges and :data:`K15` on infinite ones). The
difference :math:`|K - G|` measures the error of :math:`G`, a gross overestimate of that
of :math:`K`. QUADPACK's estimate, used here, is

.. math::  E = I_{|f-\bar f|}\,\min\Bigl(1, \bigl(200\,|K - G| / I_{|f-\bar f|}
           \bigr)^{3/2}\Bigr),
           \qquad E \ge 50\,\varepsilon\, I_{|f|},

where :math:`I_{|f-\bar f|}` and :math:`I_{|f|}` are the Kronrod rule applied to
:math:`|f - \bar f|` (:math:`\bar f` the mean of ``f`` over the interval) and to
:math:`|f|`, and ε the machine epsilon (the floor: below it, the sum is roundoff). None of
the nodes is an end of the interval, so integrable singularities at the ends are never
evaluated.

>>> import numpy
>>> t = K21.nodes(numpy.asarray([0.0]), numpy.asarray([1.0]))  # 21 points in (0, 1)
>>> value, error, saturated, absolute = K21.estimate(numpy.exp(t), numpy.asarray([0.5]))
>>> round(float(value[0]), 14), bool(error[0] < 1e-13)     # e − 1, to machine precision
(1.71828182845905, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as onp

import nabla.numpy as np
from nabla.core import concrete


@dataclass(frozen=True)
class KronrodRule:
    """A Gauss–Kronrod pair on ``[-1, 1]``: increasing ``abscissae``, the Kronrod weights,
    the Gauss weights (zero at the Kronrod-only nodes), and the order in which QUADPACK
    adds the symmetric pairs of nodes (``pairs``, counted from the outermost)."""

    abscissae: onp.ndarray
    kronrod_weights: onp.ndarray
    gauss_weights: onp.ndarray
    pairs: tuple

    @classmethod
    def from_half(cls, x, wk, wg, gauss_pairs_first):
        """The rule from QUADPACK's tables: the abscissae in ``[0, 1)`` in decreasing order
        (ending with 0), their Kronrod weights, and the Gauss weights of the odd ones.
        QK21 adds the pairs at the Gauss nodes first, QK15I all pairs in order."""
        gauss = onp.zeros(len(x))
        gauss[1::2] = wg
        mirror = slice(None, -1)
        pairs = tuple(range(len(x) - 1))
        return cls(onp.concatenate([-x[mirror], x[::-1]]),
                   onp.concatenate([wk[mirror], wk[::-1]]),
                   onp.concatenate([gauss[mirror], gauss[::-1]]),
                   pairs[1::2] + pairs[0::2] if gauss_pairs_first else pairs)

    def nodes(self, lo, hi):
        """The nodes of each interval ``[lo[k], hi[k]]``: shape ``(len(lo), size)``."""
        center, half = (lo + hi) / 2, (hi - lo) / 2
        return center[:, None] + half[:, None] * self.abscissae

    def estimate(self, values, half):
        """The rule on each row of ``values`` (the integrand at :meth:`nodes`) over
        intervals of half-widths ``half``: ``(integrals, errors, saturated, absolute)``.
        The integrals are differentiable (nabla); the rest are plain: the error estimates,
        whether an estimate is the whole :math:`I_{|f-\\bar f|}` (the rule does not
        resolve the integrand there at all), and :math:`I_{|f|}`."""
        kronrod = self._sum(values, self.kronrod_weights, np)
        return (kronrod * half, *self._error(concrete(values), concrete(kronrod), half))

    def _sum(self, values, weights, xp):
        """``values @ weights`` added up in QUADPACK's order: the centre, then the sums of
        symmetric pairs ``f(c − hξ) + f(c + hξ)`` in the order of ``pairs`` (a cumulative
        sum adds one term at a time, so results agree with QUADPACK's, and SciPy's, to the
        last bit). ``xp`` is ``nabla.numpy``, or NumPy for plain numbers."""
        m, order = len(self.abscissae) // 2, list(self.pairs)
        center, pairs = values[:, m:m + 1], values[:, :m] + values[:, :m:-1]
        terms = xp.concatenate([center * weights[m], pairs[:, order] * weights[order]], axis=1)
        return xp.cumsum(terms, axis=1)[:, -1]

    @onp.errstate(invalid="ignore", divide="ignore", over="ignore")
    def _error(self, values, kronrod, half):
        """QUADPACK's error estimate, operation for operation (plain numbers)."""
        m, w, order = len(self.abscissae) // 2, self.kronrod_weights, list(self.pairs)
        gauss = self._sum(values, self.gauss_weights, onp)
        left, center, right = values[:, :m], values[:, m:m + 1], values[:, :m:-1]
        resabs = onp.cumsum(onp.concatenate(
            [onp.abs(center * w[m]), (onp.abs(left) + onp.abs(right))[:, order] * w[order]],
            axis=1), axis=1)[:, -1]
        mean = (kronrod * 0.5)[:, None]
        resasc = onp.cumsum(onp.concatenate(
            [onp.abs(center - mean) * w[m],
             (onp.abs(left - mean) + onp.abs(right - mean)) * w[:m]], axis=1), axis=1)[:, -1]
        resabs, resasc = resabs * onp.abs(half), resasc * onp.abs(half)
        error = onp.abs((kronrod - gauss) * half)
        # one piece at a time, so that ** is C's pow (NumPy's vectorized one may differ)
        error = onp.array([r * min(1.0, (200 * e / r) ** 1.5) if r != 0 and e != 0 else e
                           for e, r in zip(error.tolist(), resasc.tolist())])
        error = onp.where(resabs > _TINY / (50 * _EPS), onp.maximum(50 * _EPS * resabs, error),
                          error)
        return error, error == resasc, resabs


_EPS = onp.finfo(float).eps
_TINY = onp.finfo(float).tiny

K21 = KronrodRule.from_half(
    onp.array([0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
               0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
               0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
               0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
               0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
               0.0]),
    onp.array([0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
               0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
               0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
               0.123491976262065851077208686893120, 0.134709217311473325928054001771707,
               0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
               0.149445554002916905664936468389821]),
    onp.array([0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
               0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
               0.295524224714752870173892994651338]),
    gauss_pairs_first=True)

K15 = KronrodRule.from_half(
    onp.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
               0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
               0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
               0.207784955007898467600689403773245, 0.0]),
    onp.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
               0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
               0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
               0.204432940075298892414161999234649, 0.209482141084727828012999174891714]),
    onp.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
               0.381830050505118944950369775488975, 0.417959183673469387755102040816327]),
    gauss_pairs_first=False)
