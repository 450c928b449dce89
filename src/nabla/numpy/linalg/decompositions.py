"""Matrix decompositions: ``cholesky``, ``eigh``/``eigvalsh``, ``svd``/``svdvals``, ``qr``."""

from __future__ import annotations

import numpy
from numpy.linalg._linalg import EighResult, QRResult, SVDResult

from nabla.core import MultipleResultsPrimitive, Primitive, implements
from nabla.numpy._api import has_tracer
from nabla.numpy.assembly import concatenate
from nabla.numpy.linalg._algebra import (
    _T,
    _assert_stacked_2d,
    _diag,
    _diagflat,
    _eye,
    _inverse_gaps,
    _sym,
    _tril_mask,
)
from nabla.numpy.linalg.inverses import inv
from nabla.numpy.reductions import sum as _sum


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
