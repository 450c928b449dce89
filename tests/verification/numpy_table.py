"""Verification table of ``nabla.numpy`` (see the package docstring for the format)."""

import numpy
import nabla.numpy as nnp
from tests.verification import DOMAINS, args, late

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
}
BINARY = {
    "add": ("real", "real"), "subtract": ("real", "real"), "multiply": ("real", "real"),
    "divide": ("real", "nonzero"), "true_divide": ("real", "nonzero"),
    "power": ("positive", "real"), "logaddexp": ("real", "real"),
    "maximum": ("real", "real"), "minimum": ("real", "real"),
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

# Constructors from shapes and values: NumPy's own functions, re-exported.
CONSTRUCTORS = ["zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace",
                "logspace"]



# Also checked through plain NumPy (NEP 13/18 dispatch).
PLAIN = sorted(set(UNARY) | set(BINARY) | {"sum", "mean", "max", "min", "transpose", "matmul",
                                            "reshape", "concatenate", "stack", "where", "clip",
                                            "moveaxis", "swapaxes", "squeeze", "expand_dims",
                                            "broadcast_to", "ravel", "dot", "amax", "amin"})
