r"""Differentiable ``numpy.linalg``: ``import nabla.numpy as np; np.linalg.inv(A)``.

Every function takes stacked (batched) matrices ``(..., M, N)`` where NumPy does. With
no tracer among the arguments each call is NumPy's own. Plain ``numpy.linalg`` code is
differentiable too: tracers reach these functions through NumPy's dispatch (NEP 18).

Nine primitives carry hand-written rules; everything else is composed from them and
from ``matmul``, ``sum``, ``sqrt``, ``abs``, ``max``, ... Writing ``G`` for the cotangent
of the result, ``Ȧ`` for the tangent of ``A``, ``Xᵀ`` for the transpose of the last two
axes, ``sym(X) = (X + Xᵀ)/2``, ``∘`` for the elementwise product and ``tr(X, Y)`` for
``tr(XY)``:

============  =========================================  ==============================
primitive     reverse (VJP)                              forward (JVP)
============  =========================================  ==============================
inv: X=A⁻¹    Ā = −Xᵀ G Xᵀ                               Ẋ = −X Ȧ X
solve: x      b̄ = solve(Aᵀ, G),  Ā = −b̄ xᵀ               ẋ = solve(A, ḃ − Ȧ x)
det: d        Ā = G d A⁻ᵀ                                ḋ = d tr(A⁻¹, Ȧ)
slogdet: ℓ    Ā = G_ℓ A⁻ᵀ  (the sign is constant)         ℓ̇ = tr(A⁻¹, Ȧ)
cholesky: L   Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)                    L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)
eigh: w, V    Ā = sym(V (diag w̄ + F∘(Vᵀ V̄)) Vᵀ)          ẇ = diag P, V̇ = V (F∘P)
svd: U, s, V  Ā = U (diag s̄ + (J+Jᵀ)S + S(K+Kᵀ)) Vᵀ      ṡ = diag P, U̇, V̇ below
qr: Q, R      Ā = (Q̄ + Q C̄) R⁻ᵀ                          Q̇ = Q(Ω − C) + ȦR⁻¹, Ṙ = (C − Ω)R
pinv: P       Golub–Pereyra (below)                      Golub–Pereyra (below)
============  =========================================  ==============================

* ``Φ(X)`` is the lower triangle of ``X`` with its diagonal halved (Murray 2016).
* eigh: ``P = Vᵀ sym(Ȧ) V`` and ``Fᵢⱼ = 1/(wⱼ − wᵢ)`` off the diagonal, 0 on it.
* svd (reduced, ``A = U diag(s) Vᵀ``): ``Fᵢⱼ = 1/(sⱼ² − sᵢ²)``, ``J = F∘(Uᵀ Ū)``,
  ``K = F∘(Vᵀ V̄)``; a tall ``A`` adds ``(I − UUᵀ) Ū S⁻¹ Vᵀ``, a wide one
  ``U S⁻¹ V̄ᵀ (I − VVᵀ)``. Forward: ``P = Uᵀ Ȧ V``, ``ṡ = diag P``,
  ``U̇ = U (F∘(PS + SPᵀ)) [+ (ȦV − UP) S⁻¹]``, ``V̇ = V (F∘(SP + PᵀS)) [+ (ȦᵀU − VPᵀ) S⁻¹]``.
* qr (``M ≥ N``): ``C = Qᵀ Ȧ R⁻¹``, ``Ω = tril(C, −1) − tril(C, −1)ᵀ``; reverse
  ``N = QᵀQ̄ − R̄Rᵀ``, ``C̄ = tril(N − Nᵀ, −1) − N``. A wide ``A = [X | Y]`` is
  ``Q, R₁ = qr(X)``, ``R = [R₁ | QᵀY]``.
* pinv (``P = A⁺``, constant rank): ``Ṗ = −P Ȧ P + P Pᵀ Ȧᵀ (I − A P) + (I − P A) Ȧᵀ Pᵀ P``;
  ``Ā = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)``.

The functions of the values only (``eigvalsh``, ``svd(compute_uv=False)``) have simpler
rules that need no distinct eigen/singular values: ``Ā = V diag(w̄) Vᵀ`` and
``Ā = U diag(s̄) Vᵀ``.

Conditions, as in JAX and PyTorch (documented on each function): ``eigh`` and
``cholesky`` assume a symmetric input (NumPy reads one triangle only; the derivative is
that of the function of ``sym(A)``, so the cotangent is symmetric); eigenvector
derivatives need distinct eigenvalues, singular-vector derivatives distinct (and, for
non-square input, nonzero) singular values; ``qr`` needs full column rank of the leading
square block; ``pinv`` and ``lstsq`` assume the rank does not change near ``A``.
Where eigen/singular values coincide, the undefined terms are set to 0 (not NaN).
"""

from __future__ import annotations

import math
import operator

import numpy
from numpy.linalg import LinAlgError
from numpy.linalg._linalg import EighResult, QRResult, SlogdetResult, SVDResult

from nabla.core import MultipleResultsPrimitive, Primitive, concrete, implements
from nabla.numpy import diagonals as _diagonals
from nabla.numpy import products as _products
from nabla.numpy._api import composite, has_tracer, nondifferentiable, refuse_unsupported
from nabla.numpy.assembly import concatenate
from nabla.numpy.creation import asarray
from nabla.numpy.elementwise import absolute, sqrt, where
from nabla.numpy.products import matmul
from nabla.numpy.reductions import max as _max
from nabla.numpy.reductions import min as _min
from nabla.numpy.reductions import sum as _sum
from nabla.numpy.shape import moveaxis, reshape, swapaxes

__all__ = [
    "LinAlgError",
    "inv",
    "solve",
    "det",
    "slogdet",
    "cholesky",
    "eigh",
    "eigvalsh",
    "svd",
    "svdvals",
    "qr",
    "pinv",
    "lstsq",
    "matrix_power",
    "norm",
    "vector_norm",
    "matrix_norm",
    "cond",
    "matrix_rank",
    "multi_dot",
    "matmul",
    "matrix_transpose",
    "outer",
    "vecdot",
    "tensordot",
    "cross",
    "trace",
    "diagonal",
    "tensorinv",
    "tensorsolve",
]


# --- helpers: matrix algebra written with differentiable functions ----------------------
def _T(x):
    """Transpose of the last two axes."""
    return swapaxes(x, -1, -2)


def _sym(x):
    return (x + _T(x)) * 0.5


def _eye(n, like):
    """The identity, made like ``like`` (its dtype and array library)."""
    return numpy.eye(n, dtype=like.dtype, like=concrete(like))


def _diag(x):
    """The diagonals of a stack of square matrices, shape ``(..., n)``."""
    return _diagonals.diagonal(x, 0, -2, -1)


def _diagflat(v):
    """Diagonal matrices with the entries of ``v`` (``(..., n)`` to ``(..., n, n)``)."""
    return v[..., None, :] * _eye(v.shape[-1], v)


def _tr(x, y):
    """``tr(x @ y)`` over the last two axes, without forming the product."""
    return _sum(_T(x) * y, axis=(-2, -1))


def _inverse_gaps(w):
    """``F[i, j] = 1/(w[j] − w[i])``, and 0 where ``w[i] == w[j]`` (the diagonal)."""
    gaps = w[..., None, :] - w[..., :, None]
    same = concrete(gaps) == 0
    return where(same, 0.0, 1.0 / where(same, 1.0, gaps))


def _tril_mask(n, like, k=0):
    """1 on and below diagonal ``k``, 0 above."""
    return numpy.tri(n, n, k, dtype=like.dtype, like=concrete(like))


def _assert_stacked_2d(*arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(
                f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")


def _assert_stacked_square(*arrays):
    _assert_stacked_2d(*arrays)
    for a in arrays:
        if a.shape[-1] != a.shape[-2]:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def _assert_2d(*arrays):
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError(
                f"{a.ndim}-dimensional array given. Array must be two-dimensional")


def _as_array(a):
    return a if hasattr(a, "ndim") else asarray(a)


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


# --- cholesky ----------------------------------------------------------------------------
def _phi(x):
    """The lower triangle of ``x`` with its diagonal halved."""
    n = x.shape[-1]
    return x * (_tril_mask(n, x) - 0.5 * _eye(n, x))


def _cholesky_vjp(g, L, a):
    L_inv = inv(L)
    return _sym(_T(L_inv) @ _phi(_T(L) @ g) @ L_inv)


def _cholesky_jvp(args, tangents, L):
    L_inv = inv(L)
    return L @ _phi(L_inv @ _sym(tangents[0]) @ _T(L_inv))


_cholesky = Primitive("cholesky", numpy.linalg.cholesky, (_cholesky_vjp,), _cholesky_jvp)


@implements(numpy.linalg.cholesky)
def cholesky(a, /, *, upper=False):
    """The lower-triangular ``L`` with ``L Lᵀ = A`` (``Lᵀ`` when ``upper``).

    Derivatives (Murray 2016, as in JAX), with ``Φ`` = lower triangle, diagonal halved:
    ``L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)``, ``Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)``. ``A`` is assumed
    symmetric positive definite: NumPy reads its lower triangle only, and the derivative
    is that of the Cholesky factor of ``(A + Aᵀ)/2``, so ``Ā`` is symmetric.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[4.0, 2.0], [2.0, 5.0]])
    >>> linalg.cholesky(A)
    array([[2., 0.],
           [1., 2.]])
    >>> nabla.grad(lambda A: linalg.cholesky(A)[0, 0])(A)  # d√a₀₀ = 1/(2√a₀₀)
    array([[0.25, 0.  ],
           [0.  , 0.  ]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.cholesky(a, upper=upper)
    # NumPy reads the upper triangle when ``upper``: the lower one of Aᵀ
    L = _cholesky(_T(a) if upper else a)
    return _T(L) if upper else L


# --- eigh and eigvalsh -------------------------------------------------------------------
def _eigh_impl(a, UPLO, vectors):
    if vectors:
        return tuple(numpy.linalg.eigh(a, UPLO))
    return (numpy.linalg.eigvalsh(a, UPLO),)


def _eigh_vjp(gs, outs, a, UPLO, vectors):
    if not vectors:  # the eigenvalues alone: Ā = V diag(w̄) Vᵀ
        V = _eigh(a, UPLO=UPLO, vectors=True)[1]
        return (V * gs[0][..., None, :]) @ _T(V)
    (w, V), (w_bar, V_bar) = outs, gs
    inner = _diagflat(w_bar) + _inverse_gaps(w) * (_T(V) @ V_bar)
    return _sym(V @ inner @ _T(V))


def _eigh_jvp(args, tangents, outs, UPLO, vectors):
    a, t = args[0], _sym(tangents[0])
    if not vectors:  # ẇₖ = vₖᵀ Ȧ vₖ
        V = _eigh(a, UPLO=UPLO, vectors=True)[1]
        return (_sum(V * (t @ V), axis=-2),)
    w, V = outs
    P = _T(V) @ t @ V
    return _diag(P), V @ (_inverse_gaps(w) * P)


_eigh = MultipleResultsPrimitive("eigh", _eigh_impl, (_eigh_vjp,), _eigh_jvp)


@implements(numpy.linalg.eigh)
def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices, ``EighResult(w, V)``.

    Derivatives, with ``P = Vᵀ sym(Ȧ) V`` and ``Fᵢⱼ = 1/(wⱼ − wᵢ)`` (0 on the diagonal):
    ``ẇ = diag P``, ``V̇ = V (F∘P)``; reverse ``Ā = sym(V (diag w̄ + F∘(Vᵀ V̄)) Vᵀ)``.

    Conditions: ``A`` symmetric (NumPy reads one triangle; the derivative is that of the
    function of ``(A + Aᵀ)/2``, as in JAX, so ``Ā`` is symmetric), and for the
    eigenvectors, distinct eigenvalues (where two coincide the undefined terms are set
    to 0). Eigenvectors are defined up to sign; the derivative follows the vectors NumPy
    returned. Use :func:`eigvalsh` when only the eigenvalues are needed: its derivative
    holds for repeated eigenvalues too.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[2.0, 1.0], [1.0, 2.0]])
    >>> w, V = linalg.eigh(A)
    >>> w
    array([1., 3.])
    >>> nabla.grad(lambda A: linalg.eigh(A).eigenvalues[1])(A).round(12)  # v vᵀ
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.eigh(a, UPLO)
    return EighResult(*_eigh(a, UPLO=UPLO, vectors=True))


@implements(numpy.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of symmetric matrices.

    ``ẇₖ = vₖᵀ Ȧ vₖ``, ``Ā = V diag(w̄) Vᵀ``: no distinct eigenvalues needed at first
    order. ``A`` is assumed symmetric (see :func:`eigh`).

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.diag([1.0, 2.0, 3.0])
    >>> nabla.grad(lambda A: linalg.eigvalsh(A).sum())(A)  # d tr A = I
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.eigvalsh(a, UPLO)
    return _eigh(a, UPLO=UPLO, vectors=False)[0]


# --- svd ---------------------------------------------------------------------------------
def _svd_impl(a, vectors):
    if vectors:
        return tuple(numpy.linalg.svd(a, full_matrices=False))
    return (numpy.linalg.svd(a, compute_uv=False),)


def _svd_vjp(gs, outs, a, vectors):
    if not vectors:  # the singular values alone: Ā = U diag(s̄) Vᵀ
        U, _, Vh = _svd(a, vectors=True)
        return (U * gs[0][..., None, :]) @ Vh
    (U, s, Vh), (U_bar, s_bar, Vh_bar) = outs, gs
    V, V_bar = _T(Vh), _T(Vh_bar)
    F = _inverse_gaps(s * s)
    J = F * (_T(U) @ U_bar)
    K = F * (_T(V) @ V_bar)
    s_row, s_col = s[..., None, :], s[..., :, None]
    inner = _diagflat(s_bar) + (J + _T(J)) * s_row + s_col * (K + _T(K))
    a_bar = U @ inner @ Vh
    m, n = a.shape[-2:]
    if m > n:  # (I − UUᵀ) Ū S⁻¹ Vᵀ
        a_bar = a_bar + ((U_bar - U @ (_T(U) @ U_bar)) / s_row) @ Vh
    if n > m:  # U S⁻¹ V̄ᵀ (I − VVᵀ)
        a_bar = a_bar + U @ _T((V_bar - V @ (_T(V) @ V_bar)) / s_row)
    return a_bar


def _svd_jvp(args, tangents, outs, vectors):
    a, t = args[0], tangents[0]
    if not vectors:  # ṡₖ = uₖᵀ Ȧ vₖ
        U, _, Vh = _svd(a, vectors=True)
        return (_sum(U * (t @ _T(Vh)), axis=-2),)
    U, s, Vh = outs
    V = _T(Vh)
    P = _T(U) @ t @ V
    F = _inverse_gaps(s * s)
    s_row, s_col = s[..., None, :], s[..., :, None]
    dU = U @ (F * (P * s_row + s_col * _T(P)))
    dV = V @ (F * (s_col * P + _T(P) * s_row))
    m, n = a.shape[-2:]
    if m > n:
        dU = dU + (t @ V - U @ P) / s_row
    if n > m:
        dV = dV + (_T(t) @ U - V @ _T(P)) / s_row
    return dU, _diag(P), _T(dV)


_svd = MultipleResultsPrimitive("svd", _svd_impl, (_svd_vjp,), _svd_jvp)


@implements(numpy.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition ``A = U diag(S) Vh``, as NumPy's ``SVDResult``.

    Derivatives (reduced SVD, ``V = Vhᵀ``, ``Fᵢⱼ = 1/(sⱼ² − sᵢ²)``, ``J = F∘(Uᵀ Ū)``,
    ``K = F∘(Vᵀ V̄)``): ``Ā = U (diag s̄ + (J + Jᵀ) S + S (K + Kᵀ)) Vᵀ``, plus
    ``(I − UUᵀ) Ū S⁻¹ Vᵀ`` for a tall ``A`` and ``U S⁻¹ V̄ᵀ (I − VVᵀ)`` for a wide one.

    Conditions: the derivative of ``U`` and ``Vh`` needs distinct singular values (and,
    for non-square ``A``, nonzero ones); where two coincide the undefined terms are set
    to 0. Singular vectors are defined up to sign; the derivative follows the ones NumPy
    returned. ``full_matrices=True`` (NumPy's default) is differentiable only for square
    matrices, since the extra columns of ``U`` (rows of ``Vh``) are arbitrary: pass
    ``full_matrices=False``. With ``compute_uv=False`` the derivative is
    ``Ā = U diag(s̄) Vᵀ``, valid for repeated singular values too. ``hermitian=True``
    is NumPy's shortcut; traced, the input is taken as ``(A + Aᵀ)/2`` and the general
    SVD is used (same ``S``; ``U``, ``Vh`` may differ from NumPy's in sign).

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]])
    >>> linalg.svd(A, compute_uv=False)
    array([3., 2.])
    >>> nabla.grad(lambda A: linalg.svd(A, compute_uv=False).sum())(A)  # d‖A‖_* = U Vᵀ
    array([[ 1.,  0.],
           [ 0., -1.],
           [ 0.,  0.]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.svd(a, full_matrices, compute_uv, hermitian)
    _assert_stacked_2d(a)
    if hermitian:
        a = _sym(a)
    if not compute_uv:
        return _svd(a, vectors=False)[0]
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise ValueError(
            f"nabla.numpy.linalg.svd: the full SVD of a non-square ({m}×{n}) matrix has no "
            "derivative (the extra columns of U or rows of Vh are arbitrary); call "
            "svd(a, full_matrices=False), or svd(a, compute_uv=False) for the singular "
            "values alone.")
    return SVDResult(*_svd(a, vectors=True))


@implements(numpy.linalg.svdvals)
def svdvals(x, /):
    """The singular values, descending: ``svd(x, compute_uv=False)``; ``x̄ = U diag(s̄) Vᵀ``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> linalg.svdvals(numpy.array([[0.0, 2.0], [1.0, 0.0]]))
    array([2., 1.])
    """
    return svd(x, compute_uv=False)


# --- qr ----------------------------------------------------------------------------------
def _qr_vjp(gs, outs, a):
    (Q, R), (Q_bar, R_bar) = outs, gs
    N = _T(Q) @ Q_bar - R_bar @ _T(R)
    C_bar = (N - _T(N)) * _tril_mask(N.shape[-1], N, -1) - N
    return (Q_bar + Q @ C_bar) @ _T(inv(R))


def _qr_jvp(args, tangents, outs):
    Q, R = outs
    D = tangents[0] @ inv(R)
    C = _T(Q) @ D
    lower = C * _tril_mask(C.shape[-1], C, -1)
    omega = lower - _T(lower)
    return Q @ (omega - C) + D, (C - omega) @ R


_qr = MultipleResultsPrimitive(
    "qr", lambda a: tuple(numpy.linalg.qr(a)), (_qr_vjp,), _qr_jvp)


@implements(numpy.linalg.qr)
def qr(a, mode="reduced"):
    """QR decomposition ``A = Q R`` (``Q`` orthonormal columns, ``R`` upper triangular).

    Derivatives for ``M ≥ N`` (Walter & Lehmann; Townsend), with ``C = Qᵀ Ȧ R⁻¹`` and
    ``Ω = tril(C, −1) − tril(C, −1)ᵀ``: ``Q̇ = Q (Ω − C) + Ȧ R⁻¹``, ``Ṙ = (C − Ω) R``;
    reverse, with ``N = QᵀQ̄ − R̄Rᵀ``: ``Ā = (Q̄ + Q (tril(N − Nᵀ, −1) − N)) R⁻ᵀ``.
    A wide ``A = [X | Y]`` (``M < N``) is ``Q, R₁ = qr(X)``, ``R = [R₁ | QᵀY]``.

    Conditions: the leading ``min(M, N)`` columns of ``A`` are linearly independent.
    Differentiable modes: ``'reduced'``, ``'r'``, and ``'complete'`` when ``M ≤ N``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A = numpy.array([[3.0, 1.0], [4.0, 2.0]])
    >>> float(abs(linalg.qr(A).R[0, 0]))  # the norm of the first column
    5.0
    >>> nabla.grad(lambda A: abs(linalg.qr(A).R[0, 0]))(A)  # a₀/‖a₀‖
    array([[0.6, 0. ],
           [0.8, 0. ]])
    """
    if not has_tracer((a,)):
        return numpy.linalg.qr(a, mode)
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    _assert_stacked_2d(a)
    m, n = a.shape[-2:]
    if mode == "raw" or (mode == "complete" and m > n):
        raise ValueError(
            f"nabla.numpy.linalg.qr: mode={mode!r} has no derivative"
            + (" (the extra columns of Q are arbitrary)" if mode == "complete" else "")
            + "; use mode='reduced' (or 'r').")
    if m >= n:
        Q, R = _qr(a)
    else:
        Q, R1 = _qr(a[..., :, :m])
        R = concatenate([R1, _T(Q) @ a[..., :, m:]], axis=-1)
    return R if mode == "r" else QRResult(Q, R)


# --- pinv --------------------------------------------------------------------------------
def _pinv_vjp(g, P, a, hermitian, cutoff):
    PPt, PtP, gT = P @ _T(P), _T(P) @ P, _T(g)
    X = gT @ PPt
    Y = PtP @ gT
    a_bar = -(_T(P) @ g @ _T(P)) + (X - a @ (P @ X)) + (Y - (Y @ P) @ a)
    return _sym(a_bar) if hermitian else a_bar


def _pinv_jvp(args, tangents, P, hermitian, cutoff):
    a, t = args[0], tangents[0]
    if hermitian:
        t = _sym(t)
    tT = _T(t)
    S = (P @ _T(P)) @ tT
    T = tT @ (_T(P) @ P)
    return -(P @ t @ P) + (S - (S @ a) @ P) + (T - P @ (a @ T))


_pinv = Primitive(
    "pinv",
    lambda a, hermitian, cutoff: numpy.linalg.pinv(a, hermitian=hermitian, **dict(cutoff)),
    (_pinv_vjp,), _pinv_jvp,
)

_NOT_GIVEN = object()


@implements(numpy.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=_NOT_GIVEN):
    """The Moore–Penrose pseudo-inverse ``P = A⁺`` (singular values ``≤ rcond·s_max``
    are treated as 0, as in NumPy).

    Derivative (Golub & Pereyra 1973, as in JAX), valid where the rank of ``A`` does not
    change: ``Ṗ = −P Ȧ P + P Pᵀ Ȧᵀ (I − A P) + (I − P A) Ȧᵀ Pᵀ P``, and reverse
    ``Ā = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)``. (Composing it from ``svd``
    would wrongly require distinct singular values.) With ``hermitian=True`` the input is
    taken as ``(A + Aᵀ)/2``.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> a = numpy.array([[2.0], [0.0]])  # a⁺ = aᵀ/‖a‖²
    >>> linalg.pinv(a)
    array([[0.5, 0. ]])
    >>> nabla.grad(lambda a: linalg.pinv(a)[0, 1])(a)  # d(a₁/‖a‖²)
    array([[0.  ],
           [0.25]])
    """
    cutoff = {} if rcond is None else {"rcond": concrete(rcond)}
    if rtol is not _NOT_GIVEN:
        cutoff["rtol"] = concrete(rtol)
    if not has_tracer((a,)):
        return numpy.linalg.pinv(a, hermitian=hermitian, **cutoff)
    return _pinv(a, hermitian=hermitian, cutoff=tuple(cutoff.items()))


# --- compositions ------------------------------------------------------------------------
@composite(numpy.linalg.lstsq)
def lstsq(a, b, rcond=None):
    """Least squares: ``(x, residuals, rank, s)`` with ``x = A⁺ b`` minimising ``‖b − A x‖``.

    Composed from :func:`pinv` (so derivatives hold where the rank is constant) and
    :func:`svdvals`; ``residuals`` is ``Σ (b − A x)²`` per column when ``A`` has full
    column rank and more rows than columns (else empty), ``rank`` is an integer.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> A, b = numpy.array([[1.0], [1.0]]), numpy.array([1.0, 3.0])
    >>> linalg.lstsq(A, b)[0]  # the mean
    array([2.])
    >>> nabla.grad(lambda b: linalg.lstsq(A, b)[0][0])(b)
    array([0.5, 0.5])
    """
    a, b = _as_array(a), _as_array(b)
    vector = b.ndim == 1
    _assert_2d(a, b[:, None] if vector else b)
    m, n = a.shape
    if b.shape[0] != m:
        raise LinAlgError("Incompatible dimensions")
    if rcond is None:
        rcond = numpy.finfo(a.dtype).eps * max(m, n)
    s = svdvals(a)
    plain_s = concrete(s)
    rank = numpy.int32(numpy.count_nonzero(plain_s > rcond * plain_s[0]) if plain_s.size
                       else 0)
    x = pinv(a, rcond=rcond) @ b
    if rank == n and m > n:
        r = b - a @ x
        residuals = _sum(r * r, axis=0)
        if vector:
            residuals = reshape(residuals, (1,))
    else:
        residuals = numpy.empty((0,), dtype=a.dtype)
    return x, residuals, rank, s


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


def _vector_norm(x, ord, axis, keepdims):
    if ord == numpy.inf:
        return _max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -numpy.inf:
        return _min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of nonzero entries: piecewise constant
        plain = concrete(x)
        return numpy.sum(plain != 0, axis=axis, keepdims=keepdims).astype(plain.dtype)
    if ord == 1:
        return _sum(absolute(x), axis=axis, keepdims=keepdims)
    if ord is None or ord == 2:
        return sqrt(_sum(x * x, axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    return _sum(absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, row, col):
    if ord in (2, -2, "nuc"):
        s = svdvals(moveaxis(x, (row, col), (-2, -1)))
        return s[..., 0] if ord == 2 else s[..., -1] if ord == -2 else _sum(s, axis=-1)
    if ord in (1, -1):
        best = _max if ord == 1 else _min
        return best(_sum(absolute(x), axis=row), axis=col - 1 if col > row else col)
    if ord in (numpy.inf, -numpy.inf):
        best = _max if ord == numpy.inf else _min
        return best(_sum(absolute(x), axis=col), axis=row - 1 if row > col else row)
    if ord in (None, "fro", "f"):
        return sqrt(_sum(x * x, axis=(row, col)))
    raise ValueError("Invalid norm order for matrices.")


@composite(numpy.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms, as ``numpy.linalg.norm``, composed of differentiable parts.

    Vectors (one axis): ``None``/2 ``√Σx²``, 1 ``Σ|x|``, ``inf`` ``max|x|``, ``-inf``
    ``min|x|``, 0 (the count of nonzeros, no derivative), other p ``(Σ|x|ᵖ)^(1/p)``.
    Matrices (two axes): ``'fro'`` ``√Σx²``, ``'nuc'`` ``Σ sᵢ``, 2 / −2 largest / smallest
    singular value, 1 / −1 max / min column sum of ``|x|``, ``inf`` / ``-inf`` max / min
    row sum. Conventions: ``|x|' = sign x`` (0 at 0), ties of max/min share the derivative,
    and the 2-norm at ``x = 0`` has a NaN gradient (``√`` at 0), as in JAX.

    >>> import nabla, numpy
    >>> from nabla.numpy import linalg
    >>> x = numpy.array([3.0, 4.0])
    >>> float(linalg.norm(x))
    5.0
    >>> nabla.grad(linalg.norm)(x)  # x / ‖x‖
    array([0.6, 0.8])
    """
    x = _as_array(x)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            r = sqrt(_sum(x * x))
            return reshape(r, (1,) * nd) if keepdims else r
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) != 2:
        raise ValueError("Improper number of dimensions to norm.")
    row, col = (_normalize_axis(a, nd) for a in axis)
    if row == col:
        raise ValueError("Duplicate axes given.")
    r = _matrix_norm(x, ord, row, col)
    if keepdims:
        shape = list(x.shape)
        shape[row] = shape[col] = 1
        r = reshape(r, shape)
    return r


def _normalize_axis(a, nd):
    if not -nd <= a < nd:
        raise numpy.exceptions.AxisError(a, nd)
    return a % nd


@composite(numpy.linalg.vector_norm)
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The vector norm of ``x`` over ``axis`` (all axes, or a tuple of them, flattened);
    see :func:`norm` for the orders."""
    x = _as_array(x)
    shape = list(x.shape)
    if axis is None:
        y, along = reshape(x, (-1,)), 0
    elif isinstance(axis, tuple):
        axes = [_normalize_axis(a, x.ndim) for a in axis]
        rest = [i for i in range(x.ndim) if i not in axes]
        y = reshape(moveaxis(x, axes, list(range(len(axes)))),
                    (-1, *[x.shape[i] for i in rest]))
        along = 0
    else:
        y, along = x, axis
    r = norm(y, ord=ord, axis=along)
    if keepdims:
        axes = range(len(shape)) if axis is None else (
            axis if isinstance(axis, tuple) else (axis,))
        for i in axes:
            shape[_normalize_axis(i, len(shape))] = 1
        r = reshape(r, shape)
    return r


@composite(numpy.linalg.matrix_norm)
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """The matrix norm over the last two axes; see :func:`norm` for the orders."""
    return norm(x, axis=(-2, -1), keepdims=keepdims, ord=ord)


@composite(numpy.linalg.cond)
def cond(x, p=None):
    """The condition number: ``s_max/s_min`` (``p`` None or 2; −2 the reciprocal), else
    ``norm(x, p)·norm(inv(x), p)``. Traced, a singular ``x`` raises ``LinAlgError`` where
    NumPy would return ``inf``.

    >>> import numpy
    >>> from nabla.numpy import linalg
    >>> float(linalg.cond(numpy.diag([4.0, 2.0])))
    2.0
    """
    _assert_stacked_2d(x)
    if x.size == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in (2, -2):
        s = svdvals(x)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    _assert_stacked_square(x)
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


matrix_rank = nondifferentiable(numpy.linalg.matrix_rank)


@composite(numpy.linalg.multi_dot)
def multi_dot(arrays, *, out=None):
    """The product of a chain of matrices, multiplied in the cheapest order (the first
    may be a row vector and the last a column vector, as in NumPy); ``matmul`` rules."""
    refuse_unsupported("multi_dot", out=out)
    arrays = [_as_array(a) for a in arrays]
    k = len(arrays)
    if k < 2:
        raise ValueError("Expecting at least two arrays.")
    first, last = arrays[0].ndim, arrays[-1].ndim
    if first == 1:
        arrays[0] = arrays[0][None, :]
    if last == 1:
        arrays[-1] = arrays[-1][:, None]
    _assert_2d(*arrays)
    dims = [arrays[0].shape[0]] + [a.shape[1] for a in arrays]
    # cost[i][j]: fewest multiplications for arrays i..j; split[i][j]: where to split
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1], s)
                for s in range(i, j))

    def product(i, j):
        if i == j:
            return arrays[i]
        s = split[i][j]
        return matmul(product(i, s), product(s + 1, j))

    result = product(0, k - 1)
    if first == 1 and last == 1:
        return result[0, 0]
    if first == 1:
        return result[0]
    if last == 1:
        return result[:, 0]
    return result


implements(numpy.linalg.matmul)(matmul)


@composite(numpy.linalg.matrix_transpose)
def matrix_transpose(x, /):
    """The transpose of the last two axes (a linear map: its own rules)."""
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return _T(x)


@composite(numpy.linalg.outer)
def outer(x1, x2, /):
    """The outer product ``x1 x2ᵀ`` of two vectors."""
    x1, x2 = _as_array(x1), _as_array(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={x1.ndim} and x2.ndim={x2.ndim}.")
    return _products.outer(x1, x2)


@composite(numpy.linalg.vecdot)
def vecdot(x1, x2, /, *, axis=-1):
    """``Σ x1·x2`` along ``axis`` (broadcasting the other axes)."""
    return _products.vecdot(x1, x2, axis=axis)


@composite(numpy.linalg.tensordot)
def tensordot(x1, x2, /, *, axes=2):
    """``Σ`` over the paired ``axes`` of ``x1`` and ``x2`` (``numpy.tensordot``)."""
    return _products.tensordot(x1, x2, axes)


@composite(numpy.linalg.cross)
def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along ``axis``."""
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(
            "Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
            f"{x1.shape[axis]} and {x2.shape[axis]} dimensional instead.")
    return _products.cross(x1, x2, axis=axis)


def _assert_matrices(x):
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")


@composite(numpy.linalg.diagonal)
def diagonal(x, /, *, offset=0):
    """The ``offset`` diagonal of each matrix (last two axes), picked by indexing."""
    _assert_matrices(x)
    return _diagonals.diagonal(x, offset, -2, -1)


@composite(numpy.linalg.trace)
def trace(x, /, *, offset=0, dtype=None):
    """The sum of the ``offset`` diagonal of each matrix (last two axes)."""
    _assert_matrices(x)
    return _diagonals.trace(x, offset, -2, -1, dtype)


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
