"""Products of arrays: ``matmul`` is the primitive, bilinear in its two arguments.

For C = A @ B: ∂L/∂A = G @ Bᵀ and ∂L/∂B = Aᵀ @ G, where G = ∂L/∂C; the tangent is
Ȧ @ B + A @ Ḃ. A 1-D argument is treated as a row (on the left) or a column (on the
right) and the extra axis removed again, as NumPy does; stacked (batched) arguments
broadcast, and the core sums the cotangent back over any broadcast batch axes.
"""

from __future__ import annotations

import numpy as np

from nabla.core import Primitive, implements
from nabla.numpy.nondiff import ndim

__all__ = [
    "matmul",
    "dot",
]


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _as_matrices(g, a, b):
    """A 1-D ``a`` as a row, a 1-D ``b`` as a column, and ``g`` with the matching axes."""
    if a.ndim == 1 and b.ndim == 1:
        return np.reshape(g, (1, 1)), np.expand_dims(a, 0), np.expand_dims(b, -1)
    if a.ndim == 1:
        return np.expand_dims(g, -2), np.expand_dims(a, 0), b
    if b.ndim == 1:
        return np.expand_dims(g, -1), a, np.expand_dims(b, -1)
    return g, a, b


def _matmul_vjp_a(g, ans, a, b):
    g, a2, b2 = _as_matrices(g, a, b)
    return g @ _mT(b2)  # the core sums away the row axis of a 1-D ``a``, with batch axes


def _matmul_vjp_b(g, ans, a, b):
    g, a2, b2 = _as_matrices(g, a, b)
    gb = _mT(a2) @ g
    return gb[..., 0] if b.ndim == 1 else gb


def _matmul_jvp(args, tangents, ans):
    (a, b), (ta, tb) = args, tangents
    out = None if ta is None else matmul(ta, b)
    if tb is not None:
        out = matmul(a, tb) if out is None else out + matmul(a, tb)
    return out


matmul = implements(np.matmul)(
    Primitive("matmul", np.matmul, (_matmul_vjp_a, _matmul_vjp_b), _matmul_jvp)
)


@implements(np.dot)
def dot(a, b, out=None):
    """Dot product: ``matmul`` for 1-D and 2-D arrays, ``multiply`` when one is a scalar."""
    if ndim(a) == 0 or ndim(b) == 0:
        return a * b
    if ndim(a) > 2 or ndim(b) > 2:
        raise TypeError("nabla.numpy.dot of arrays with more than 2 dimensions is not "
                        "supported; use matmul (stacked matrices) or tensordot/einsum.")
    return matmul(a, b)
