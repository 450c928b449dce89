"""Verification table of ``nabla.numpy`` (see the package docstring for the format)."""

import numpy

import nabla
import nabla.numpy as nnp
from tests.verification import DOMAINS, args, late, rng

call = late(nnp)

NAMESPACE = nnp
ORIGINAL = numpy

# Elementwise functions: name -> domain of each argument. Binary ones are checked with
# broadcasting shapes (3, 1) and (1, 4), and with a scalar and an array.
UNARY = {
    "negative": "real", "positive": "real", "reciprocal": "nonzero", "square": "real",
    "sqrt": "positive", "cbrt": "nonzero", "exp": "real", "exp2": "real", "expm1": "real",
    "log": "positive", "log2": "positive", "log10": "positive", "log1p": "positive",
    "sin": "real", "cos": "real", "tan": "unit", "arcsin": "unit", "arccos": "unit",
    "arctan": "real", "sinh": "real", "cosh": "real", "tanh": "real", "arcsinh": "real",
    "arccosh": "above_one", "arctanh": "unit", "absolute": "nonzero", "abs": "nonzero",
    "deg2rad": "real", "rad2deg": "real", "radians": "real", "degrees": "real",
    "sinc": "nonzero", "fabs": "nonzero", "nan_to_num": "real", "acos": "unit",
    "asin": "unit", "atan": "real", "acosh": "above_one", "asinh": "real", "atanh": "unit",
}
BINARY = {
    "add": ("real", "real"), "subtract": ("real", "real"), "multiply": ("real", "real"),
    "divide": ("real", "nonzero"), "true_divide": ("real", "nonzero"),
    "power": ("positive", "real"), "logaddexp": ("real", "real"),
    "maximum": ("real", "real"), "minimum": ("real", "real"),
    "float_power": ("positive", "real"), "remainder": ("real", "nonzero"),
    "mod": ("real", "nonzero"), "fmod": ("real", "nonzero"), "logaddexp2": ("real", "real"),
    "hypot": ("nonzero", "nonzero"), "arctan2": ("nonzero", "nonzero"),
    "atan2": ("nonzero", "nonzero"), "fmax": ("real", "real"), "fmin": ("real", "real"),
    "copysign": ("nonzero", "nonzero"), "pow": ("positive", "real"),
}


A = (3, 4)
# Everything else: name -> list of (function of the arrays, arrays).
CALLS = {
    "sum": [(lambda x: nnp.sum(x), args(A)), (lambda x: nnp.sum(x, axis=1), args(A)),
            (lambda x: nnp.sum(x, axis=(0, 1), keepdims=True), args(A)),
            (lambda x: nnp.sum(x, axis=-1, keepdims=True), args((2, 3, 4)))],
    "mean": [(lambda x: nnp.mean(x, axis=0), args(A)), (lambda x: nnp.mean(x), args(A))],
    "max": [(lambda x: nnp.max(x, axis=1), args(A)),
            (lambda x: nnp.max(x, axis=0, keepdims=True), args(A)), (call("max"), args(A))],
    "amax": [(lambda x: nnp.amax(x, axis=1), args(A))],
    "min": [(lambda x: nnp.min(x, axis=1), args(A)), (call("min"), args(A))],
    "amin": [(lambda x: nnp.amin(x, axis=0), args(A))],
    "reshape": [(lambda x: nnp.reshape(x, (2, 6)), args(A)),
                (lambda x: nnp.reshape(x, (-1, 3)), args(A))],
    "transpose": [(call("transpose"), args(A)),
                  (lambda x: nnp.transpose(x, (2, 0, 1)), args((2, 3, 4)))],
    "broadcast_to": [(lambda x: nnp.broadcast_to(x, (2, 3, 4)), args((3, 1)))],
    "ravel": [(call("ravel"), args(A))],
    "expand_dims": [(lambda x: nnp.expand_dims(x, 1), args(A)),
                    (lambda x: nnp.expand_dims(x, (0, -1)), args(A))],
    "squeeze": [(call("squeeze"), args((3, 1, 4))), (lambda x: nnp.squeeze(x, 0), args((1, 4)))],
    "swapaxes": [(lambda x: nnp.swapaxes(x, 0, 2), args((2, 3, 4)))],
    "moveaxis": [(lambda x: nnp.moveaxis(x, 0, -1), args((2, 3, 4))),
                 (lambda x: nnp.moveaxis(x, [0, 1], [2, 0]), args((2, 3, 4)))],
    "concatenate": [(lambda a, b: nnp.concatenate([a, b], axis=1), args((3, 2), (3, 4))),
                    (lambda a, b: nnp.concatenate([a, b, a]), args((2, 3), (1, 3))),
                    (lambda a, b: nnp.concatenate([a, b], axis=None), args((2, 3), (4,)))],
    "stack": [(lambda a, b: nnp.stack([a, b]), args(A, A)),
              (lambda a, b: nnp.stack([a, b], axis=-1), args(A, A))],
    "astype": [(lambda x: nnp.astype(x, numpy.float64), args(A))],
    "matmul": [(call("matmul"), args((3, 4), (4, 2))), (call("matmul"), args((4,), (4, 2))),
               (call("matmul"), args((3, 4), (4,))), (call("matmul"), args((4,), (4,))),
               (call("matmul"), args((2, 3, 4), (4, 5))), (call("matmul"), args((3, 4), (2, 4, 5))),
               (call("matmul"), args((4,), (2, 4, 3))), (call("matmul"), args((2, 3, 4), (4,)))],
    "dot": [(call("dot"), args((3, 4), (4,))), (call("dot"), args((4,), (4,))),
            (call("dot"), args((), (3,)))],
    "where": [(lambda x, y: nnp.where(numpy.arange(12).reshape(A) % 3 == 0, x, y),
               args(A, (4,)))],
    "clip": [(lambda x: nnp.clip(x, -1.0, 1.0), args(A)),
             (lambda x, lo: nnp.clip(x, lo, None), args(A, (4,)))],
    "asarray": [(lambda a, b: nnp.asarray([a, b, [1.0, 2.0]]), args((2,), (2,)))],
    "array": [(lambda a, b: nnp.array([[a, b], [b, a]]), args((), ()))],
}
for _name, _domain in UNARY.items():
    CALLS[_name] = [(call(_name), args(A, domain=_domain))]
for _name, (_d1, _d2) in BINARY.items():
    CALLS[_name] = [
        (call(_name), (DOMAINS[_d1]((3, 1)), DOMAINS[_d2]((1, 4)))),
        (call(_name), (DOMAINS[_d1](()), DOMAINS[_d2]((4,)))),
    ]

# No derivative: the result is a plain array, NumPy's own. name -> arguments
NONDIFFERENTIABLE = {
    name: (numpy.array([[0.5, -1.0], [2.0, 0.5]]),) for name in [
        "sign", "floor", "ceil", "trunc", "rint", "round", "around", "argmax", "argmin",
        "argsort", "nonzero", "flatnonzero", "isfinite", "isnan", "isinf", "signbit", "any",
        "all", "count_nonzero", "shape", "ndim", "size", "zeros_like", "ones_like",
        "empty_like", "logical_not"]
}
NONDIFFERENTIABLE.update({
    name: (numpy.array([0.5, -1.0, 2.0]), numpy.array([0.5, 1.0, -2.0])) for name in [
        "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
        "logical_and", "logical_or", "logical_xor", "allclose", "isclose", "array_equal"]
})
NONDIFFERENTIABLE["full_like"] = (numpy.ones(3), 2.0)
NONDIFFERENTIABLE.update({
    name: (numpy.array([[0.5, numpy.nan], [2.0, -0.5]]),) for name in [
        "nanargmax", "nanargmin", "argwhere", "isneginf", "isposinf", "isreal", "iscomplex",
        "fix", "spacing", "result_type"]
})
NONDIFFERENTIABLE.update({
    "argpartition": (numpy.array([3.0, 1.0, 2.0, 0.5]), 1),
    "lexsort": (numpy.array([[3.0, 1.0, 2.0], [1.0, 1.0, 0.0]]),),
    "searchsorted": (numpy.array([0.0, 1.0, 2.0]), numpy.array([0.5, 1.5])),
    "digitize": (numpy.array([0.2, 1.4, 3.0]), numpy.array([0.0, 1.0, 2.0])),
    "isin": (numpy.array([1.0, 2.0, 3.0]), numpy.array([2.0])),
    "heaviside": (numpy.array([-1.0, 0.0, 2.0]), 0.5),
    "floor_divide": (numpy.array([3.5, -2.0]), numpy.array([2.0, 0.75])),
    "nextafter": (numpy.array([1.0, 2.0]), numpy.array([2.0, 1.0])),
})

# Constructors from shapes and values: NumPy's own functions, re-exported.
CONSTRUCTORS = ["zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace",
                "logspace", "geomspace", "tri", "indices", "tril_indices", "triu_indices",
                "diag_indices"]





def _with_nan(shape):
    x = DOMAINS["real"](shape)
    x.flat[1] = numpy.nan
    return (x,)


def _distinct(shape):
    """Entries far enough apart that sorting is stable under finite differences."""
    return (rng.permutation(numpy.arange(numpy.prod(shape), dtype=float)).reshape(shape)
            * 0.5 + DOMAINS["unit"](shape) * 0.1,)


B = (2, 3, 4)
CALLS.update({
    # reductions
    "prod": [(call("prod", axis=1), args(A, domain="nonzero")), (call("prod"), args((2, 3))),
             (call("prod", axis=(0, 2), keepdims=True), args(B))],
    "var": [(call("var", axis=0), args(A)), (call("var", ddof=1), args(A))],
    "std": [(call("std", axis=1, keepdims=True), args(A))],
    "ptp": [(call("ptp", axis=0), args(A))],
    "average": [(call("average", axis=1), args(A)),
                (lambda x, w: nnp.average(x, axis=1, weights=w), args(A, (4,)))],
    "cumsum": [(call("cumsum", axis=1), args(A)), (call("cumsum"), args(A))],
    "cumprod": [(call("cumprod", axis=0), args(A, domain="positive"))],
    "cumulative_sum": [(call("cumulative_sum", axis=1, include_initial=True), args(A))],
    "cumulative_prod": [(call("cumulative_prod", axis=0), args(A, domain="positive"))],
    "nansum": [(call("nansum", axis=0), _with_nan(A))],
    "nanmean": [(call("nanmean", axis=0), _with_nan(A))],
    "nanmax": [(call("nanmax", axis=1), _with_nan(A))],
    "nanmin": [(call("nanmin", axis=1), _with_nan(A))],
    "nanprod": [(call("nanprod", axis=1), _with_nan(A))],
    "nanvar": [(call("nanvar", axis=0), _with_nan(A))],
    "nanstd": [(call("nanstd", axis=1), _with_nan(A))],
    "nancumsum": [(call("nancumsum", axis=1), _with_nan(A))],
    "nancumprod": [(call("nancumprod", axis=1), _with_nan(A))],
    # order statistics
    "sort": [(call("sort", axis=0), _distinct(A)), (call("sort", axis=None), _distinct(A))],
    "median": [(call("median", axis=1), _distinct(A)), (call("median"), _distinct((5,)))],
    "quantile": [(call("quantile", q=[0.1, 0.75], axis=0), _distinct(A))],
    "percentile": [(call("percentile", q=30, axis=1, keepdims=True), _distinct(A))],
    "nanmedian": [(call("nanmedian", axis=1), _with_nan(A))],
    "nanquantile": [(call("nanquantile", q=0.3, axis=1), _with_nan(A))],
    "nanpercentile": [(call("nanpercentile", q=[40, 60], axis=0), _with_nan(A))],
    # shape
    "permute_dims": [(call("permute_dims", axes=(1, 2, 0)), args(B))],
    "matrix_transpose": [(call("matrix_transpose"), args(B))],
    "atleast_1d": [(call("atleast_1d"), args(()))],
    "atleast_2d": [(call("atleast_2d"), args((3,)))],
    "atleast_3d": [(call("atleast_3d"), args(A)), (call("atleast_3d"), args((4,)))],
    "broadcast_arrays": [(call("broadcast_arrays"), args((3, 1), (4,)))],
    "meshgrid": [(call("meshgrid"), args((3,), (4,))),
                 (call("meshgrid", indexing="ij"), args((3,), (2,)))],
    "flip": [(call("flip", axis=1), args(A)), (call("flip"), args(A))],
    "fliplr": [(call("fliplr"), args(A))],
    "flipud": [(call("flipud"), args(A))],
    "roll": [(call("roll", shift=2, axis=1), args(A)), (call("roll", shift=-1), args(A))],
    "rot90": [(call("rot90"), args(A)), (call("rot90", k=3, axes=(1, 2)), args(B))],
    "tile": [(call("tile", reps=(2, 1)), args(A)), (call("tile", reps=3), args((2,)))],
    "repeat": [(call("repeat", repeats=2, axis=0), args(A)),
               (call("repeat", repeats=[1, 0, 2, 1], axis=1), args(A))],
    # assembly
    "concat": [(lambda a, b: nnp.concat([a, b], axis=0), args(A, A))],
    "hstack": [(lambda a, b: nnp.hstack([a, b]), args(A, (3, 2)))],
    "vstack": [(lambda a, b: nnp.vstack([a, b]), args((4,), A))],
    "dstack": [(lambda a, b: nnp.dstack([a, b]), args(A, A))],
    "column_stack": [(lambda a, b: nnp.column_stack([a, b]), args((3,), (3, 2)))],
    "block": [(lambda a, b, c: nnp.block([[a, b], [c]]), args((2, 2), (2, 3), (1, 5)))],
    "append": [(call("append"), args(A, (2,))), (lambda a, b: nnp.append(a, b, axis=0),
                                                 args(A, (1, 4)))],
    "split": [(call("split", indices_or_sections=2, axis=1), args(A)),
              (call("split", indices_or_sections=[1, 2]), args(A))],
    "array_split": [(call("array_split", indices_or_sections=3, axis=1), args(A))],
    "hsplit": [(call("hsplit", indices_or_sections=2), args(A))],
    "vsplit": [(call("vsplit", indices_or_sections=3), args(A))],
    "dsplit": [(call("dsplit", indices_or_sections=2), args(B))],
    "unstack": [(call("unstack", axis=1), args(A))],
    "pad": [(call("pad", pad_width=1), args(A)),
            (call("pad", pad_width=((1, 2), (0, 1)), constant_values=3.0), args(A)),
            (call("pad", pad_width=2, mode="reflect"), args(A)),
            (call("pad", pad_width=((0, 1), (2, 1)), mode="edge"), args(A)),
            (call("pad", pad_width=1, mode="wrap"), args(A)),
            (call("pad", pad_width=1, mode="symmetric"), args((5,)))],
    # diagonals
    "diagonal": [(call("diagonal"), args(A)), (call("diagonal", offset=1), args(A)),
                 (call("diagonal", offset=-1, axis1=1, axis2=2), args(B))],
    "diag": [(call("diag"), args((4,))), (call("diag", k=-1), args((3,))),
             (call("diag", k=1), args(A))],
    "diagflat": [(call("diagflat"), args((2, 2)))],
    "trace": [(call("trace"), args(A)), (call("trace", offset=1, axis1=1, axis2=2), args(B))],
    "tril": [(call("tril"), args(A)), (call("tril", k=-1), args(B))],
    "triu": [(call("triu", k=1), args(A))],
    # indexing
    "take": [(call("take", indices=[0, 2, 2]), args(A)),
             (call("take", indices=[[1], [3]], axis=1), args(A)),
             (call("take", indices=[5, -1], mode="wrap", axis=0), args(A))],
    "take_along_axis": [(lambda x: nnp.take_along_axis(
        x, numpy.argsort(nabla.core.concrete(x), axis=1), axis=1), _distinct(A))],
    "compress": [(lambda x: nnp.compress([True, False, True], x, axis=0), args(A))],
    "extract": [(lambda x: nnp.extract(numpy.arange(12).reshape(A) % 2 == 0, x), args(A))],
    "select": [(lambda x, y: nnp.select([numpy.arange(4) < 1, numpy.arange(4) < 3], [x, y],
                                        default=0.5), args(A, (4,)))],
    # products
    "einsum": [(lambda a, b: nnp.einsum("ij,jk->ik", a, b), args((3, 4), (4, 2))),
               (lambda a, b: nnp.einsum("bij,bjk", a, b), args((2, 3, 4), (2, 4, 2))),
               (lambda a, b: nnp.einsum("...i,i->...", a, b), args(B, (4,))),
               (lambda a, b, c: nnp.einsum("i,j,k->ijk", a, b, c), args((2,), (3,), (2,))),
               (lambda a: nnp.einsum("ij->", a), args(A)),
               (lambda a, b: nnp.einsum("ij,kl->il", a, b), args((2, 3), (4, 2)))],
    "tensordot": [(lambda a, b: nnp.tensordot(a, b), args(B, (3, 4, 2))),
                  (lambda a, b: nnp.tensordot(a, b, axes=([0], [1])), args(A, (2, 3)))],
    "inner": [(call("inner"), args(A, (2, 4))), (call("inner"), args((4,), (4,)))],
    "outer": [(call("outer"), args((3,), (2, 2)))],
    "vdot": [(call("vdot"), args(A, A))],
    "vecdot": [(call("vecdot"), args(A, (4,)))],
    "matvec": [(call("matvec"), args(B, (4,)))],
    "vecmat": [(call("vecmat"), args((3,), B))],
    "kron": [(call("kron"), args((2, 3), (2, 2))), (call("kron"), args((3,), (2,)))],
    "cross": [(call("cross"), args((4, 3), (4, 3))),
              (call("cross", axis=0), args((3, 2), (3, 2)))],
    # discrete calculus
    "diff": [(call("diff"), args(A)), (call("diff", n=2, axis=0), args((5, 2))),
             (lambda a: nnp.diff(a, prepend=0.0), args((4,)))],
    "ediff1d": [(call("ediff1d"), args(A)), (lambda a: nnp.ediff1d(a, to_begin=[1.0]),
                                            args((3,)))],
    "gradient": [(call("gradient"), args((6,))), (call("gradient"), args(A)),
                 (lambda f: nnp.gradient(f, 0.5, axis=1), args(A))],
    "trapezoid": [(call("trapezoid"), args(A)),
                  (lambda y, x: nnp.trapezoid(y, x, axis=0),
                   (DOMAINS["real"](A), numpy.sort(DOMAINS["real"](A), axis=0)))],
    "convolve": [(call("convolve"), args((5,), (3,))),
                 (call("convolve", mode="same"), args((5,), (3,))),
                 (call("convolve", mode="valid"), args((3,), (5,)))],
    "correlate": [(call("correlate"), args((5,), (3,))),
                  (call("correlate", mode="full"), args((4,), (2,)))],
    "interp": [(lambda x, fp: nnp.interp(x, numpy.array([-2.1, -0.5, 0.7, 2.1]), fp),
                (numpy.array([-1.3, 0.1, 1.9]), DOMAINS["real"]((4,)))),
               (lambda x: nnp.interp(x, numpy.array([0.0, 1.0]), numpy.array([1.0, 3.0]),
                                     left=-1.0, right=5.0), (numpy.array([-0.5, 0.3, 1.5]),))],
    "polyval": [(call("polyval"), args((4,), A))],
    "polyder": [(call("polyder"), args((4,))), (call("polyder", m=2), args((5,)))],
    "polyint": [(call("polyint"), args((3,))), (call("polyint", m=2, k=[1.0, 2.0]), args((3,)))],
    "polyadd": [(call("polyadd"), args((3,), (5,)))],
    "polysub": [(call("polysub"), args((4,), (2,)))],
    "polymul": [(call("polymul"), args((3,), (2,)))],
    "vander": [(call("vander"), args((3,))), (call("vander", N=4, increasing=True), args((3,)))],
    "cov": [(call("cov"), args((2, 5))), (call("cov", rowvar=False, ddof=0), args((5, 3))),
            (call("cov"), args((5,), (5,)))],
    "corrcoef": [(call("corrcoef"), args((3, 6)))],
    "partition": [(call("partition", kth=2), _distinct((6,))),
                  (call("partition", kth=1, axis=0), _distinct(A))],
    "delete": [(call("delete", obj=[0, 2], axis=1), args(A)), (call("delete", obj=3), args(A))],
    "insert": [(lambda a, v: nnp.insert(a, 1, v, axis=1), args(A, (3,))),
               (lambda a: nnp.insert(a, 2, 5.0), args((4,)))],
    "bincount": [(lambda w: nnp.bincount(numpy.array([0, 2, 2, 5]), weights=w), args((4,)))],
    "ldexp": [(lambda x: nnp.ldexp(x, numpy.array([0, 1, -2, 3])), args(A))],
    "real": [(call("real"), args(A))],
    "imag": [(lambda x: nnp.imag(x) + x, args(A))],
    "conj": [(call("conj"), args(A))],
    "conjugate": [(call("conjugate"), args(A))],
    "copy": [(call("copy"), args(A))],
    "asanyarray": [(call("asanyarray"), args(A))],
    "ascontiguousarray": [(call("ascontiguousarray"), args(A))],
    "asfortranarray": [(call("asfortranarray"), args(A))],
    "asarray_chkfinite": [(call("asarray_chkfinite"), args(A))],
    "rollaxis": [(call("rollaxis", axis=2), args(B)), (call("rollaxis", axis=0, start=3),
                                                       args(B))],
})


# Also checked through plain NumPy (NEP 13/18 dispatch): every function NumPy dispatches.
# NumPy's array constructors do not dispatch on their argument (they convert it).
NOT_DISPATCHED = {"array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray",
                  "asarray_chkfinite"}
PLAIN = sorted(name for name in CALLS if hasattr(numpy, name) and name not in NOT_DISPATCHED)
