"""Products of arrays: ``matmul`` and ``einsum`` are the primitives, multilinear in their
arguments; ``dot``, ``tensordot``, ``inner``, ``outer``, ``kron``, ``cross`` build on them.

For C = A @ B: ∂L/∂A = G @ Bᵀ and ∂L/∂B = Aᵀ @ G, where G = ∂L/∂C; the tangent is
Ȧ @ B + A @ Ḃ. A 1-D argument is treated as a row (on the left) or a column (on the
right) and the extra axis removed again, as NumPy does; stacked (batched) arguments
broadcast, and the core sums the cotangent back over any broadcast batch axes.
"""

from __future__ import annotations

import numpy as np

from nabla.core import Primitive, concrete, implements, variadic
from nabla.numpy._api import composite, refuse_unsupported
from nabla.numpy.nondiff import ndim
from nabla.numpy.reductions import sum
from nabla.numpy.shape import reshape

__all__ = [
    "matmul",
    "dot",
    "einsum",
    "tensordot",
    "inner",
    "outer",
    "vdot",
    "vecdot",
    "matvec",
    "vecmat",
    "kron",
    "cross",
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


def _one_gemm(a, b, ba, bb, la, lb):
    """A batch against one plain matrix as a single matrix product (one BLAS call instead
    of one per batch member), or None when the shapes are not of that kind."""
    if ba and not bb and lb == 2 and la <= 2:  # (B, [m,] k) @ (k, n)
        if la == 1:
            return a @ b
        return np.reshape(np.reshape(a, (-1, a.shape[-1])) @ b, a.shape[:-1] + b.shape[-1:])
    if bb and not ba and la == 2 and lb <= 2:  # (m, k) @ (B, k[, n])
        if lb == 1:
            return _mT(a @ _mT(b))
        size, k, n = b.shape
        flat = np.reshape(np.moveaxis(b, 0, 1), (k, size * n))
        return np.moveaxis(np.reshape(a @ flat, (a.shape[0], size, n)), 1, 0)
    return None


def _matmul_batch(values, batched):
    """Batched ``matmul``: a batch against one matrix as a single product when it can be;
    otherwise 1-D operands as a row (left) or column (right), stack axes lined up after the
    batch axis, one ``matmul`` call, the added axes removed again."""
    (a, b), (ba, bb) = values, batched
    la, lb = a.ndim - ba, b.ndim - bb  # logical numbers of axes
    single = _one_gemm(a, b, ba, bb, la, lb)
    if single is not None:
        return single
    row, column = la == 1, lb == 1
    if row:
        a = np.expand_dims(a, -2)
    if column:
        b = np.expand_dims(b, -1)
    stack = max(a.ndim - ba, b.ndim - bb) - 2  # stack axes of the result, without the batch

    def lined_up(x, is_batched):
        missing = stack - (x.ndim - is_batched - 2)
        if is_batched and missing:
            x = np.reshape(x, x.shape[:1] + (1,) * missing + x.shape[1:])
        return x

    out = matmul(lined_up(a, ba), lined_up(b, bb))
    if column:
        out = out[..., 0]
    if row:
        out = out[..., 0, :] if not column else out[..., 0]
    return out


matmul = implements(np.matmul)(
    Primitive("matmul", np.matmul, (_matmul_vjp_a, _matmul_vjp_b), _matmul_jvp, _matmul_batch)
)


@composite(np.dot)
def dot(a, b, out=None):
    """Dot product: ``matmul`` for 1-D and 2-D arrays, ``multiply`` when one is a scalar,
    and Σ over the last axis of ``a`` and the second-to-last of ``b`` in general."""
    refuse_unsupported("dot", out=out)
    if ndim(a) == 0 or ndim(b) == 0:
        return a * b
    if ndim(a) <= 2 and ndim(b) <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2 if ndim(b) > 1 else -1]))


# --- einsum: the general multilinear product ------------------------------------------
def _explicit_subscripts(subscripts, shapes):
    """``subscripts`` with ``...`` spelled out as letters and the output made explicit."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} operand subscripts for {len(shapes)} operands")
    used = set(subscripts) - {".", ",", "-", ">"}
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    n_ellipsis = max((len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes)
                      if "..." in t), default=0)
    batch = "".join(spare[:n_ellipsis])
    terms = [t.replace("...", batch[n_ellipsis - (len(s) - len(t.replace("...", ""))):])
             for t, s in zip(terms, shapes)]
    if arrow:
        output = output.replace("...", batch)
    else:
        letters = "".join(terms)
        output = batch + "".join(sorted(c for c in set(letters) - set(batch)
                                        if letters.count(c) == 1))
    return terms, output


def _einsum_vjp(argnum, g, ans, *operands, subscripts):
    terms, output = subscripts
    target = terms[argnum]
    if len(set(target)) != len(target):
        raise TypeError(f"nabla cannot differentiate einsum with a repeated index within one "
                        f"operand ({target!r}, a diagonal); take np.diagonal first")
    others = [(t, o) for i, (t, o) in enumerate(zip(terms, operands)) if i != argnum]
    available = set(output).union(*(set(t) for t, _ in others))
    kept = "".join(c for c in target if c in available)
    spec = ",".join([output] + [t for t, _ in others]) + "->" + kept
    c = _einsum(g, *(o for _, o in others), subscripts=_parse(spec, [
        g.shape] + [o.shape for _, o in others]))
    if kept != target:  # letters summed away in this operand alone: spread back over them
        shape = operands[argnum].shape
        c = np.broadcast_to(np.reshape(c, tuple(shape[i] if ch in kept else 1
                                                for i, ch in enumerate(target))), shape)
    return c


def _einsum_jvp(operands, tangents, ans, subscripts):
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        term = _einsum(*operands[:i], t, *operands[i + 1:], subscripts=subscripts)
        total = term if total is None else total + term
    return total


def _parse(spec, shapes):
    terms, output = _explicit_subscripts(spec, shapes)
    return tuple(terms), output


_einsum = variadic(
    "einsum",
    lambda *operands, subscripts: np.einsum(",".join(subscripts[0]) + "->" + subscripts[1],
                                            *operands),
    _einsum_vjp, _einsum_jvp,
)


def _einsum_batch(values, batched, subscripts):
    terms, output = subscripts
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if c not in output and all(c not in t for t in terms))
    terms = tuple(letter + t if b else t for t, b in zip(terms, batched))
    return _einsum(*values, subscripts=(terms, letter + output))


_einsum.batch = _einsum_batch


@composite(np.einsum)
def einsum(subscripts, *operands, out=None, optimize=False, **kwargs):
    """Einstein summation: the product named by ``subscripts`` (``'ij,jk->ik'``, ``'...i,i'``).

    Multilinear, so each operand's derivative is another einsum: the cotangent contracted
    with the other operands onto that operand's indices.
    """
    refuse_unsupported("einsum", out=out)
    if not isinstance(subscripts, str):
        raise TypeError("nabla.numpy.einsum takes the subscripts as a string, e.g. 'ij,jk->ik'")
    return _einsum(*operands, subscripts=_parse(subscripts, [np.shape(concrete(o))
                                                             for o in operands]))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@composite(np.tensordot)
def tensordot(a, b, axes=2):
    """Σ over the paired ``axes`` of ``a`` and ``b`` (the last/first ``axes`` if an int)."""
    if isinstance(axes, int):
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = ([x] if isinstance(x, int) else list(x) for x in axes)
    axes_a = [x % a.ndim for x in axes_a]
    axes_b = [x % b.ndim for x in axes_b]
    sa = list(_LETTERS[: a.ndim])
    sb = list(_LETTERS[a.ndim: a.ndim + b.ndim])
    for i, j in zip(axes_a, axes_b):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in axes_a] + [
        c for j, c in enumerate(sb) if j not in axes_b]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


@composite(np.inner)
def inner(a, b):
    """Σ over the last axes: a[..., i]·b[..., i] for every pair of leading indices."""
    if np.ndim(concrete(a)) == 0 or np.ndim(concrete(b)) == 0:
        return a * b
    return tensordot(a, b, axes=([-1], [-1]))


@composite(np.outer)
def outer(a, b, out=None):
    """aᵢ·bⱼ for the flattened ``a`` and ``b``."""
    refuse_unsupported("outer", out=out)
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


@composite(np.vdot)
def vdot(a, b):
    """Σ aᵢ·bᵢ over the flattened arrays (real arrays)."""
    return sum(reshape(a, (-1,)) * reshape(b, (-1,)))


@composite(np.vecdot)
def vecdot(x1, x2, /, *, axis=-1, out=None):
    """Σ over ``axis`` of x1·x2, broadcasting the rest (real arrays)."""
    refuse_unsupported("vecdot", out=out)
    return sum(x1 * x2, axis=axis)


@composite(np.matvec)
def matvec(x1, x2, /, *, out=None, axes=None, axis=None):
    """Matrix times vector over stacks: Σⱼ x1[..., i, j]·x2[..., j]."""
    refuse_unsupported("matvec", out=out, axes=axes, axis=axis)
    return matmul(x1, np.expand_dims(x2, -1))[..., 0]


@composite(np.vecmat)
def vecmat(x1, x2, /, *, out=None, axes=None, axis=None):
    """Vector times matrix over stacks: Σᵢ x1[..., i]·x2[..., i, j]."""
    refuse_unsupported("vecmat", out=out, axes=axes, axis=axis)
    return matmul(np.expand_dims(x1, -2), x2)[..., 0, :]


@composite(np.kron)
def kron(a, b):
    """The Kronecker product: every entry of ``a`` times the whole of ``b``, as blocks."""
    ndim = max(np.ndim(concrete(a)), np.ndim(concrete(b)))
    a = reshape(a, (1,) * (ndim - np.ndim(concrete(a))) + np.shape(concrete(a)))
    b = reshape(b, (1,) * (ndim - np.ndim(concrete(b))) + np.shape(concrete(b)))
    interleaved = (reshape(a, tuple(x for n in a.shape for x in (n, 1)))
                   * reshape(b, tuple(x for n in b.shape for x in (1, n))))
    return reshape(interleaved, tuple(m * n for m, n in zip(a.shape, b.shape)))


@composite(np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or the z-component for 2-vectors) along ``axis``."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = np.moveaxis(a, axisa, -1)
    b = np.moveaxis(b, axisb, -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product (dimension must be 2 or 3)")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if a.shape[-1] == 3 else 0.0
    b2 = b[..., 2] if b.shape[-1] == 3 else 0.0
    z = a0 * b1 - a1 * b0
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return z
    return np.moveaxis(np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z], axis=-1), -1, axisc)
