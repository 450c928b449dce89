"""Inverses, solves and determinants: ``inv``, ``solve``, ``det``, ``slogdet``, and the
compositions built on them (``matrix_power``, ``tensorinv``, ``tensorsolve``)."""

from __future__ import annotations

import math
import operator

import numpy
from numpy.linalg import LinAlgError
from numpy.linalg._linalg import SlogdetResult

from nabla.core import MultipleResultsPrimitive, Primitive, implements
from nabla.numpy._api import composite, has_tracer
from nabla.numpy.linalg._algebra import (
    _T,
    _as_array,
    _assert_stacked_square,
    _eye,
    _tr,
)
from nabla.numpy.shape import moveaxis, reshape

# --- inv ---------------------------------------------------------------------------------
_inv = Primitive(
    "inv", numpy.linalg.inv,
    (lambda g, x, a: -(_T(x) @ g @ _T(x)),),
    lambda args, tangents, x: -(x @ tangents[0] @ x),
)


@implements(numpy.linalg.inv)
def inv(a):
    """The inverse ``X = A⁻¹`` of each square matrix in ``a``.

    Derivatives: ``Ā = −Xᵀ G Xᵀ`` (reverse), ``Ẋ = −X Ȧ X`` (forward).

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[2.0, 1.0], [1.0, 1.0]])
    >>> linalg.inv(A)
    array([[ 1., -1.],
           [-1.,  2.]])
    >>> nabla.grad(lambda A: linalg.inv(A)[0, 0])(A)  # −(A⁻ᵀ)[:, 0] (A⁻ᵀ)[0, :]
    array([[-1.,  1.],
           [ 1., -1.]])
    """
    return _inv(a)


# --- solve -------------------------------------------------------------------------------
# NumPy 2: ``b`` is one vector per matrix only when it is 1-D, else a stack of matrices.
def _column(v, vector):
    return v[..., None] if vector else v


def _uncolumn(v, vector):
    return v[..., 0] if vector else v


def _solve_vjp_b(g, x, a, b):
    vector = b.ndim == 1
    return _uncolumn(_solve(_T(a), _column(g, vector)), vector)


def _solve_vjp_a(g, x, a, b):
    vector = b.ndim == 1
    b_bar = _solve(_T(a), _column(g, vector))
    return -(b_bar @ _T(_column(x, vector)))


def _solve_jvp(args, tangents, x):
    (a, b), (ta, tb) = args, tangents
    vector = b.ndim == 1
    rhs = None if tb is None else _column(tb, vector)
    if ta is not None:
        ax = ta @ _column(x, vector)
        rhs = -ax if rhs is None else rhs - ax
    return _uncolumn(_solve(a, rhs), vector)


_solve = Primitive("solve", numpy.linalg.solve, (_solve_vjp_a, _solve_vjp_b), _solve_jvp)


@implements(numpy.linalg.solve)
def solve(a, b):
    """The solution ``x`` of ``a x = b`` (``b`` a vector when 1-D, else stacked matrices).

    Derivatives through the solve itself: ``b̄ = solve(Aᵀ, G)``, ``Ā = −b̄ xᵀ``;
    ``ẋ = solve(A, ḃ − Ȧ x)``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A, b = numpy.array([[2.0, 0.0], [0.0, 4.0]]), numpy.array([2.0, 2.0])
    >>> linalg.solve(A, b)
    array([1. , 0.5])
    >>> nabla.grad(lambda b: linalg.solve(A, b).sum())(b)  # A⁻ᵀ 1
    array([0.5 , 0.25])
    """
    return _solve(a, b)


# --- det and slogdet ---------------------------------------------------------------------
_det = Primitive(
    "det", numpy.linalg.det,
    (lambda g, d, a: (g * d)[..., None, None] * _T(inv(a)),),
    lambda args, tangents, d: d * _tr(inv(args[0]), tangents[0]),
)


@implements(numpy.linalg.det)
def det(a):
    """The determinant of each square matrix in ``a``.

    Derivatives (Jacobi's formula): ``Ā = G·det(A)·A⁻ᵀ``, ``ḋ = det(A)·tr(A⁻¹ Ȧ)``; they
    need an invertible ``A``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[2.0, 1.0], [1.0, 3.0]])
    >>> float(linalg.det(A))
    5.000000000000001
    >>> nabla.grad(linalg.det)(A).round(12)  # det(A)·A⁻ᵀ, the cofactor matrix
    array([[ 3., -1.],
           [-1.,  2.]])
    """
    return _det(a)


_slogdet = MultipleResultsPrimitive(
    "slogdet", lambda a: tuple(numpy.linalg.slogdet(a)),
    (lambda gs, outs, a: gs[1][..., None, None] * _T(inv(a)),),
    lambda args, tangents, outs: (None, _tr(inv(args[0]), tangents[0])),
)


@implements(numpy.linalg.slogdet)
def slogdet(a):
    """``(sign, logabsdet)`` of the determinant, as NumPy's ``SlogdetResult``.

    The sign is piecewise constant (no derivative); ``d log|det A| = tr(A⁻¹ Ȧ)``, so the
    cotangent is ``Ā = G·A⁻ᵀ``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[2.0, 0.0], [0.0, 4.0]])
    >>> nabla.grad(lambda A: linalg.slogdet(A).logabsdet)(A)  # A⁻ᵀ
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.slogdet(a)
    return SlogdetResult(*_slogdet(a))


# --- compositions ------------------------------------------------------------------------
@composite(numpy.linalg.matrix_power)
def matrix_power(a, n):
    """``Aⁿ`` by repeated squaring with ``matmul`` (``n < 0``: powers of ``inv(A)``;
    ``n = 0``: the identity, a constant).

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[1.0, 1.0], [0.0, 1.0]])
    >>> linalg.matrix_power(A, 3)
    array([[1., 3.],
           [0., 1.]])
    >>> nabla.grad(lambda A: linalg.matrix_power(A, 2)[0, 1])(A)  # d(A²)₀₁ = d(a₀₀a₀₁ + a₀₁a₁₁)
    array([[1., 2.],
           [0., 1.]])
    """
    _assert_stacked_square(a)
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return numpy.broadcast_to(_eye(a.shape[-1], a), a.shape).copy()
    if n < 0:
        a, n = inv(a), -n
    result = power = None
    while n > 0:
        power = a if power is None else power @ power
        n, bit = divmod(n, 2)
        if bit:
            result = power if result is None else result @ power
    return result



@composite(numpy.linalg.tensorinv)
def tensorinv(a, ind=2):
    """The inverse for ``tensordot(…, ind)``: ``a`` reshaped to a square matrix, inverted
    with :func:`inv` and reshaped to ``a.shape[ind:] + a.shape[:ind]``."""
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    old_shape = a.shape
    rows = math.prod(old_shape[ind:])
    return reshape(inv(reshape(a, (rows, -1))), old_shape[ind:] + old_shape[:ind])


@composite(numpy.linalg.tensorsolve)
def tensorsolve(a, b, axes=None):
    """The ``x`` with ``tensordot(a, x, x.ndim) = b``: reshaped to ``solve``."""
    a, b = _as_array(a), _as_array(b)
    if axes is not None:
        axes = [ax % a.ndim for ax in axes]
        a = moveaxis(a, axes, list(range(a.ndim - len(axes), a.ndim)))
    x_shape = a.shape[b.ndim:]
    n = math.prod(x_shape)
    if math.prod(a.shape[:b.ndim]) != n:
        raise LinAlgError("Input arrays must satisfy the requirement "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return reshape(solve(reshape(a, (n, n)), reshape(b, (n,))), x_shape)
