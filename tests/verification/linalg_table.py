"""Verification table of ``nabla.numpy.linalg`` (see the package docstring for the format).

Inputs are well conditioned: ``random + n·I`` for inverses and solves; symmetric inputs
are built inside the case from an unconstrained matrix (``(X + Xᵀ)/2``, ``X Xᵀ + n·I``),
so they stay symmetric under the finite-difference perturbation. Eigen- and singular
vectors are defined up to sign, so their cases check sign-free products: the projectors
``vₖvₖᵀ`` and ``uₖvₖᵀ``.
"""

import numpy

import nabla.numpy as nnp
import nabla.numpy.linalg as nla
from tests.verification import args

NAMESPACE = nla
ORIGINAL = numpy.linalg

rng = numpy.random.default_rng(7)


def well(*shape):
    """Random ``(..., n, n)`` matrices with ``n`` added to the diagonal: well conditioned."""
    n = shape[-1]
    return (rng.uniform(-1.0, 1.0, shape) + n * numpy.eye(n),)


def rand(*shapes):
    return tuple(rng.uniform(-1.0, 1.0, s) for s in shapes)


def via(name, pre=None, post=None, **kwargs):
    """A case calling ``nla.<name>`` looked up at each call (so the dispatch test can swap
    in ``numpy.linalg.<name>``), with the arguments made by ``pre`` and the result mapped
    by ``post``."""

    def f(*xs):
        if pre is not None:
            xs = pre(*xs)
        out = getattr(nla, name)(*xs, **kwargs)
        return out if post is None else post(out)

    f.__name__ = name
    return f


def flat(*arrays):
    """Several results as one vector (the dispatch test compares single arrays)."""
    return nnp.concatenate([nnp.reshape(a, (-1,)) for a in arrays])


def T(x):
    return nnp.swapaxes(x, -1, -2)


def symmetric(x):
    """A symmetric matrix from any ``x``, with eigenvalues spread apart."""
    n = x.shape[-1]
    return ((x + T(x)) / 2 + numpy.diag(numpy.arange(n) * 1.5),)


def spd(x):
    """A symmetric positive definite matrix from any ``x``."""
    return (x @ T(x) + x.shape[-1] * numpy.eye(x.shape[-1]),)


def projectors(V):
    """``V[..., i, k] V[..., j, k]``: each column's ``vₖvₖᵀ``, unchanged by a sign flip."""
    return V[..., :, None, :] * V[..., None, :, :]


def eigh_parts(r):
    return flat(r.eigenvalues, projectors(r.eigenvectors))


def svd_parts(r):
    U, S, Vh = r
    return flat(S, U[..., :, None, :] * T(Vh)[..., None, :, :])


def qr_parts(r):
    return flat(r.Q, r.R)


def lstsq_parts(r):
    x, residuals, rank, s = r
    return flat(x, residuals, s)


CALLS = {
    "inv": [(via("inv"), well(3, 3)), (via("inv"), well(2, 3, 3))],
    "solve": [(via("solve"), well(3, 3) + rand((3,))),
              (via("solve"), well(3, 3) + rand((3, 2))),
              (via("solve"), well(2, 3, 3) + rand((3,))),
              (via("solve"), well(3, 3) + rand((2, 3, 2)))],
    "det": [(via("det"), well(3, 3)), (via("det"), well(2, 3, 3))],
    "slogdet": [(via("slogdet", post=lambda r: flat(r.sign, r.logabsdet)), well(3, 3)),
                (via("slogdet", post=lambda r: r.logabsdet), (-well(2, 3, 3)[0],))],
    "cholesky": [(via("cholesky", pre=spd), rand((3, 3))),
                 (via("cholesky", pre=spd, upper=True), rand((2, 3, 3)))],
    "eigh": [(via("eigh", pre=symmetric, post=eigh_parts), rand((3, 3))),
             (via("eigh", pre=symmetric, post=eigh_parts, UPLO="U"), rand((2, 3, 3)))],
    "eigvalsh": [(via("eigvalsh", pre=symmetric), rand((4, 4))),
                 (via("eigvalsh", pre=symmetric), rand((2, 3, 3)))],
    "svd": [(via("svd", post=svd_parts), rand((3, 3))),
            (via("svd", post=svd_parts, full_matrices=False), rand((4, 3))),
            (via("svd", post=svd_parts, full_matrices=False), rand((2, 2, 4))),
            (via("svd", compute_uv=False), rand((2, 4, 3))),
            (via("svd", pre=symmetric, post=svd_parts, hermitian=True), rand((3, 3)))],
    "svdvals": [(via("svdvals"), rand((3, 4)))],
    "qr": [(via("qr", post=qr_parts), rand((4, 3))), (via("qr", post=qr_parts), rand((2, 3, 3))),
           (via("qr", post=qr_parts), rand((2, 4))),
           (via("qr", mode="r"), rand((4, 2)))],
    "pinv": [(via("pinv"), rand((4, 3))), (via("pinv"), rand((2, 2, 3))),
             (via("pinv", pre=symmetric, hermitian=True), rand((3, 3)))],
    "lstsq": [(via("lstsq", post=lstsq_parts), rand((4, 2), (4,))),
              (via("lstsq", post=lstsq_parts), rand((4, 3), (4, 2))),
              (via("lstsq", post=lstsq_parts), rand((2, 3), (2,)))],
    "matrix_power": [(via("matrix_power", n=3), rand((3, 3))),
                     (via("matrix_power", n=5), rand((2, 2, 2))),
                     (via("matrix_power", n=-2), well(3, 3))],
    "norm": [(via("norm"), args((3, 4))),
             (via("norm", ord=1), args((4,))),
             (via("norm", ord=numpy.inf, axis=0), args((3, 4))),
             (via("norm", ord=-numpy.inf, axis=1, keepdims=True), args((3, 4))),
             (via("norm", ord=3, axis=-1), args((2, 3), domain="nonzero")),
             (via("norm", ord=0.5), args((4,), domain="nonzero")),
             (via("norm", ord="fro", axis=(0, 2), keepdims=True), args((2, 3, 4))),
             (via("norm", ord="nuc"), rand((3, 2))),
             (via("norm", ord=2, axis=(-1, -2)), rand((2, 3, 4))),
             (via("norm", ord=-2), rand((3, 3))),
             (via("norm", ord=1, axis=(2, 0)), args((3, 2, 4))),
             (via("norm", ord=-1), args((3, 3))),
             (via("norm", ord=numpy.inf, keepdims=True), args((3, 4))),
             (via("norm", ord=-numpy.inf, axis=(1, 0)), args((3, 4)))],
    "vector_norm": [(via("vector_norm"), args((2, 3))),
                    (via("vector_norm", axis=(0, 2), keepdims=True, ord=1), args((2, 3, 2)))],
    "matrix_norm": [(via("matrix_norm"), args((2, 3, 3))),
                    (via("matrix_norm", ord=2, keepdims=True), rand((3, 2)))],
    "cond": [(via("cond"), well(3, 3)), (via("cond", p="fro"), well(2, 3, 3))],
    "multi_dot": [(via("multi_dot", pre=lambda *xs: (list(xs),)), rand((3,), (3, 4), (4, 2))),
                  (via("multi_dot", pre=lambda *xs: (list(xs),)),
                   rand((2, 5), (5, 3), (3, 4), (4,)))],
    "matmul": [(via("matmul"), args((2, 3, 4), (4, 2)))],
    "matrix_transpose": [(via("matrix_transpose"), args((2, 3, 4)))],
    "outer": [(via("outer"), args((3,), (2,)))],
    "vecdot": [(via("vecdot"), args((2, 3), (3,))), (via("vecdot", axis=0), args((3, 2), (3, 1)))],
    "tensordot": [(via("tensordot", axes=1), args((2, 3), (3, 4)))],
    "cross": [(via("cross"), args((2, 3), (3,)))],
    "trace": [(via("trace"), args((2, 3, 3))), (via("trace", offset=1), args((3, 4)))],
    "diagonal": [(via("diagonal"), args((2, 3, 4))), (via("diagonal", offset=-1), args((3, 3)))],
    "tensorinv": [(via("tensorinv", ind=1), (well(6, 6)[0].reshape(6, 2, 3),))],
    "tensorsolve": [(via("tensorsolve"), (well(6, 6)[0].reshape(2, 3, 6),) + rand((2, 3)))],
}

# Every function above reaches nabla through ``numpy.linalg`` too (NEP 18).
PLAIN = sorted(CALLS)

NONDIFFERENTIABLE = {"matrix_rank": (numpy.array([[1.0, 2.0], [2.0, 4.0]]),)}

CONSTRUCTORS = ["LinAlgError"]
