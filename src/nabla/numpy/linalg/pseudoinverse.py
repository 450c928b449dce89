"""The pseudo-inverse and least squares: ``pinv`` (its own rule) and ``lstsq`` (composed)."""

from __future__ import annotations

import numpy
from numpy.linalg import LinAlgError

from nabla.core import Primitive, concrete, example_value, implements
from nabla.numpy._api import composite, has_tracer
from nabla.numpy.linalg._algebra import _T, _as_array, _assert_2d, _sym
from nabla.numpy.linalg.decompositions import svdvals
from nabla.numpy.reductions import sum as _sum
from nabla.numpy.shape import reshape


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
    rank = numpy.count_nonzero(plain_s > rcond * plain_s[0]) if plain_s.size else 0
    # NumPy counts into a Python int, another backend (CuPy) into an array on its device.
    rank = rank.astype(numpy.int32) if hasattr(rank, "astype") else numpy.int32(rank)
    x = pinv(a, rcond=rcond) @ b
    if rank == n and m > n:
        r = b - a @ x
        residuals = _sum(r * r, axis=0)
        if vector:
            residuals = reshape(residuals, (1,))
    else:
        residuals = numpy.empty_like(example_value(a), shape=(0,))
    return x, residuals, rank, s
