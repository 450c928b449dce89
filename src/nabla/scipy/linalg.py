"""Triangular solves, Cholesky factors and the matrix exponential: the differentiable
``scipy.linalg``.

``solve_triangular`` and ``expm`` are primitives whose rules are written with the
primitives themselves, so they differentiate to any order; ``cholesky`` is
``nabla.numpy.linalg``'s primitive, and ``cho_factor``/``cho_solve`` are built from these:

* ``x = solve_triangular(A, b)`` solves ``op(A) x = b`` (``op(A)`` is ``A`` or ``Aᵀ``, by
  ``trans``). Reverse mode: ``b̄ = op(A)⁻ᵀ ḡ`` (another triangular solve) and
  ``Ā = −b̄ xᵀ`` (for ``trans=0``; ``−x b̄ᵀ`` for ``trans=1``), kept to the triangle that
  the solve reads (the strict triangle with ``unit_diagonal``). Forward mode:
  ``ẋ = op(A)⁻¹ (ḃ − op(Ȧ) x)``.
* ``L = cholesky(A, lower=True)``, ``A = L Lᵀ``, is ``nabla.numpy.linalg.cholesky``
  (one rule for both namespaces): ``L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)``, ``Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)``
  with Φ the lower triangle with its diagonal halved and ``sym(X) = (X + Xᵀ)/2``: the
  derivative is that of the factor of the symmetric matrix, so ``Ā`` is symmetric.
* ``expm(A) = Σ Aᵏ/k!``: its derivative in direction ``E`` (the Fréchet derivative) is
  the upper right block of ``expm([[A, E], [0, A]])``, and the reverse rule is the same
  derivative at ``Aᵀ`` in direction ``Ḡ``.

>>> import numpy, nabla
>>> from nabla.scipy.linalg import solve_triangular
>>> L = numpy.array([[2.0, 0.0], [1.0, 1.0]])
>>> solve_triangular(L, numpy.array([2.0, 3.0]), lower=True)
array([1., 2.])
>>> nabla.grad(lambda b: solve_triangular(L, b, lower=True).sum())(numpy.array([2.0, 3.0]))
array([0., 1.])

Only real matrices are supported on traced values (``trans='C'`` is ``trans='T'``).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from nabla.core import Primitive, concrete, implements
from nabla.core.primitive import is_foreign
from nabla.numpy import asarray, concatenate, matmul, moveaxis, reshape, swapaxes
from nabla.numpy import linalg as _numpy_linalg
from nabla.numpy._api import has_tracer
from nabla.numpy._backend import with_fallback

__all__ = [
    "solve_triangular",
    "cholesky",
    "cho_factor",
    "cho_solve",
    "expm",
]

_TRANS = {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}


def _mT(x):
    return swapaxes(x, -1, -2)


def _outer(u, v):
    """``u vᵀ`` for vectors, ``u @ vᵀ`` for (stacks of) matrices."""
    if u.ndim == 1:
        return matmul(reshape(u, (-1, 1)), reshape(v, (1, -1)))
    return matmul(u, _mT(v))


def _triangle(a, lower, strict=False):
    """The constant 0/1 mask of the triangle of ``a`` that a triangular routine reads."""
    ones = np.ones_like(concrete(a))
    if lower:
        return np.tril(ones, -1 if strict else 0)
    return np.triu(ones, 1 if strict else 0)


# --- triangular solve ----------------------------------------------------------------
def _solve_triangular_scipy(a, b, trans, lower, unit_diagonal):
    return sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _solve_triangular_general(a, b, trans, lower, unit_diagonal):
    """The same solve as a general one of the triangle that SciPy reads, for backends that
    have ``linalg.solve`` but no triangular solver (NumPy's functions reach theirs)."""
    if unit_diagonal:
        n = a.shape[-1]
        t = (np.tril(a, -1) if lower else np.triu(a, 1)) + np.eye(n, dtype=a.dtype, like=a)
    else:
        t = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(np.swapaxes(t, -1, -2) if trans else t, b)


_solve_triangular_impl = with_fallback(_solve_triangular_scipy, _solve_triangular_general)


def _plain(*arrays):
    """Whether SciPy can take ``arrays`` as they are: nothing traced, nothing of another
    backend (which SciPy would convert to NumPy; nabla's primitives keep it on its own)."""
    return not has_tracer(arrays) and not any(is_foreign(a) for a in arrays)


def _op(m, trans):
    return _mT(m) if trans else m


def _solve_vjp_b(g, ans, a, b, trans, lower, unit_diagonal):
    return _solve_triangular(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit_diagonal)


def _solve_vjp_a(g, ans, a, b, trans, lower, unit_diagonal):
    b_bar = _solve_vjp_b(g, ans, a, b, trans, lower, unit_diagonal)
    a_bar = -(_outer(ans, b_bar) if trans else _outer(b_bar, ans))
    return a_bar * _triangle(a, lower, strict=unit_diagonal)


def _solve_jvp(args, tangents, ans, trans, lower, unit_diagonal):
    (a, _), (ta, tb) = args, tangents
    rhs = tb
    if ta is not None:
        ta = ta * _triangle(a, lower, strict=unit_diagonal)
        change = matmul(_op(ta, trans), ans)
        rhs = -change if rhs is None else rhs - change
    return _solve_triangular(a, rhs, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _solve_batch(values, batched, trans, lower, unit_diagonal):
    """A batch of right-hand sides for one matrix (``jacfwd``/``jacrev`` push a batch of
    directions through the linear map b ↦ op(A)⁻¹ b; batch axis first): side by side, they
    are the columns of one bigger right-hand side, solved in one LAPACK call. Other cases
    return None (one solve per member)."""
    (a, b), (a_batched, _) = values, batched
    if a_batched or a.ndim != 2 or b.ndim not in (2, 3):
        return None

    def solve(b):
        return _solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)

    if b.ndim == 2:  # (batch, n): a batch of vectors
        return _mT(solve(_mT(b)))
    n, size, k = a.shape[-1], b.shape[0], b.shape[2]  # (batch, n, k): a batch of matrices
    columns = reshape(moveaxis(b, 0, 1), (n, size * k))
    return moveaxis(reshape(solve(columns), (n, size, k)), 1, 0)


_solve_triangular = Primitive(
    "solve_triangular", _solve_triangular_impl, (_solve_vjp_a, _solve_vjp_b), _solve_jvp,
    _solve_batch,
)


@implements(sla.solve_triangular)
def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """``x`` with ``op(a) x = b`` for a triangular ``a``; ``op(a)`` is ``a`` for
    ``trans=0`` (or ``'N'``) and ``aᵀ`` for ``trans=1`` (``'T'``, or ``'C'`` for real a).

    Only the triangle of ``a`` named by ``lower`` is read (without its diagonal, taken as
    ones, when ``unit_diagonal``), and only that triangle gets a derivative. ``b`` is a
    vector ``(n,)`` or a matrix ``(n, k)``; stacks of both broadcast.

    >>> import numpy, nabla
    >>> U = numpy.array([[1.0, 2.0], [0.0, 4.0]])
    >>> solve_triangular(U, numpy.array([5.0, 8.0]))  # upper by default
    array([1., 2.])
    >>> nabla.grad(lambda U: solve_triangular(U, numpy.array([5.0, 8.0]))[0])(U)
    array([[-1., -2.],
           [ 0.,  1.]])
    """
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', "
                         f"got {trans!r}")
    if _plain(a, b):
        return sla.solve_triangular(a, b, trans=trans, lower=lower,
                                    unit_diagonal=unit_diagonal, overwrite_b=overwrite_b,
                                    check_finite=check_finite)
    a = a if hasattr(a, "ndim") else asarray(a, dtype=float)
    b = b if hasattr(b, "ndim") else asarray(b, dtype=float)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"solve_triangular: a must be a square matrix, got shape {a.shape}")
    if b.ndim == 0 or (b.ndim == 1 and a.ndim > 2) or b.shape[0 if b.ndim == 1 else -2] != \
            a.shape[-1]:
        raise ValueError(f"solve_triangular: shapes {a.shape} of a and {b.shape} of b do "
                         "not match; b must be (n,) or (..., n, k) for a of shape (..., n, n)")
    return _solve_triangular(a, b, trans=_TRANS[trans], lower=bool(lower),
                             unit_diagonal=bool(unit_diagonal))


# --- Cholesky factor ---------------------------------------------------------------------
@implements(sla.cholesky)
def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of a symmetric positive definite ``a``: upper ``U`` with
    ``a = Uᵀ U`` (SciPy's default), or lower ``L`` with ``a = L Lᵀ`` when ``lower``.

    The rule is ``nabla.numpy.linalg.cholesky``'s: LAPACK reads only the triangle of ``a``
    named by ``lower``, and the derivative is that of the factor of ``(a + aᵀ)/2`` (as in
    JAX and PyTorch), so the gradient with respect to ``a`` is symmetric.

    >>> import numpy, nabla
    >>> A = numpy.array([[4.0, 2.0], [2.0, 5.0]])
    >>> cholesky(A, lower=True)
    array([[2., 0.],
           [1., 2.]])
    >>> nabla.grad(lambda A: cholesky(A, lower=True)[0, 0])(A)  # d√a₀₀ = 1/(2√a₀₀)
    array([[0.25, 0.  ],
           [0.  , 0.  ]])
    """
    if _plain(a):
        return sla.cholesky(a, lower=lower, overwrite_a=overwrite_a, check_finite=check_finite)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"cholesky: a must be a square matrix, got shape {a.shape}")
    if lower:
        return _numpy_linalg.cholesky(a)
    return _mT(_numpy_linalg.cholesky(_mT(a)))  # the upper triangle of a, as SciPy reads it


@implements(sla.cho_factor)
def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)``: the Cholesky factor of ``a`` and which triangle it is, for
    :func:`cho_solve`. Unlike SciPy, the other triangle of ``c`` is zero (SciPy leaves
    arbitrary values there), so ``c`` is exactly ``cholesky(a, lower)``.

    >>> import numpy
    >>> c = cho_factor(numpy.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> cho_solve(c, numpy.array([6.0, 7.0]))
    array([1., 1.])
    """
    return cholesky(a, lower=lower, overwrite_a=overwrite_a, check_finite=check_finite), lower


@implements(sla.cho_solve)
def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """``x`` with ``A x = b``, from ``(c, lower) = cho_factor(A)``: two triangular
    solves, ``L y = b`` and ``Lᵀ x = y`` (``Uᵀ y = b``, ``U x = y`` for an upper factor).
    Differentiable in ``b`` and in the triangle of ``c``.

    >>> import numpy
    >>> c = cho_factor(numpy.array([[2.0, 1.0], [1.0, 2.0]]), lower=True)
    >>> cho_solve(c, numpy.array([3.0, 3.0]))
    array([1., 1.])
    """
    c, lower = c_and_lower
    if _plain(c, b):
        return sla.cho_solve((c, lower), b, overwrite_b=overwrite_b, check_finite=check_finite)
    y = solve_triangular(c, b, trans=0 if lower else 1, lower=lower)
    return solve_triangular(c, y, trans=1 if lower else 0, lower=lower)


# --- matrix exponential -----------------------------------------------------------------
def _expm_frechet(a, e):
    """The derivative of expm at ``a`` in direction ``e``: a block of a bigger expm,
    ``expm([[a, e], [0, a]]) = [[expm(a), L(a, e)], [0, expm(a)]]``."""
    n = a.shape[-1]
    zero = np.zeros_like(concrete(a))
    block = concatenate([concatenate([a, e], axis=-1), concatenate([zero, a], axis=-1)],
                        axis=-2)
    return _expm(block)[..., :n, n:]


_expm = Primitive(
    "expm", sla.expm,
    (lambda g, ans, a: _expm_frechet(_mT(a), g),),
    lambda args, tangents, ans: _expm_frechet(args[0], tangents[0]),
    lambda values, batched: _expm(values[0]),  # a batch is a stack of matrices
)


@implements(sla.expm)
def expm(A):
    """The matrix exponential ``Σₖ Aᵏ/k!`` (Padé approximation with scaling and
    squaring, SciPy's). Its derivative in direction ``E`` is the upper right block of
    ``expm([[A, E], [0, A]])``.

    >>> import numpy, nabla
    >>> expm(numpy.array([[0.0, 1.0], [0.0, 0.0]]))
    array([[1., 1.],
           [0., 1.]])
    >>> nabla.grad(lambda t: expm(t * numpy.eye(2))[0, 0])(1.0)  # d/dt eᵗ
    np.float64(2.718281828459045)
    """
    if _plain(A):
        return sla.expm(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"expm: A must be a square matrix, got shape {A.shape}")
    return _expm(A)
