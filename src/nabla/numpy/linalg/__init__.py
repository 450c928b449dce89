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

from numpy.linalg import LinAlgError

from nabla.numpy.linalg.decompositions import cholesky, eigh, eigvalsh, qr, svd, svdvals
from nabla.numpy.linalg.inverses import (
    det,
    inv,
    matrix_power,
    slogdet,
    solve,
    tensorinv,
    tensorsolve,
)
from nabla.numpy.linalg.norms import cond, matrix_norm, matrix_rank, norm, vector_norm
from nabla.numpy.linalg.products import (
    cross,
    diagonal,
    matmul,
    matrix_transpose,
    multi_dot,
    outer,
    tensordot,
    trace,
    vecdot,
)
from nabla.numpy.linalg.pseudoinverse import lstsq, pinv

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
