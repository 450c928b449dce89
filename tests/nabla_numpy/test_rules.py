"""The verification table: every public function of nabla.numpy, checked by machine.

Each differentiable function is run through ``check_grads`` to order 2 in forward and
reverse mode on random float64 inputs from its domain, called both as
``nabla.numpy.f`` and, where NumPy has it, as plain ``numpy.f`` (NEP 13/18 dispatch).
Functions without a derivative must return plain arrays equal to NumPy's. A separate
test fails if a public name is missing from the table, so coverage cannot shrink.
"""

import numpy
import pytest

import nabla
import nabla.numpy as nnp

rng = numpy.random.default_rng(0)

DOMAINS = {
    "real": lambda shape: rng.uniform(-2.0, 2.0, shape),
    "positive": lambda shape: rng.uniform(0.5, 2.0, shape),
    "unit": lambda shape: rng.uniform(-0.9, 0.9, shape),
    "above_one": lambda shape: rng.uniform(1.1, 3.0, shape),
    "nonzero": lambda shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape),
}

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


def _args(*shapes, domain="real"):
    return tuple(DOMAINS[domain](s) for s in shapes)


A = (3, 4)
# Everything else: name -> list of (function of the arrays, arrays).
CALLS = {
    "sum": [(lambda x: nnp.sum(x), _args(A)), (lambda x: nnp.sum(x, axis=1), _args(A)),
            (lambda x: nnp.sum(x, axis=(0, 1), keepdims=True), _args(A)),
            (lambda x: nnp.sum(x, axis=-1, keepdims=True), _args((2, 3, 4)))],
    "mean": [(lambda x: nnp.mean(x, axis=0), _args(A)), (lambda x: nnp.mean(x), _args(A))],
    "max": [(lambda x: nnp.max(x, axis=1), _args(A)),
            (lambda x: nnp.max(x, axis=0, keepdims=True), _args(A)), (nnp.max, _args(A))],
    "amax": [(lambda x: nnp.amax(x, axis=1), _args(A))],
    "min": [(lambda x: nnp.min(x, axis=1), _args(A)), (nnp.min, _args(A))],
    "amin": [(lambda x: nnp.amin(x, axis=0), _args(A))],
    "reshape": [(lambda x: nnp.reshape(x, (2, 6)), _args(A)),
                (lambda x: nnp.reshape(x, (-1, 3)), _args(A))],
    "transpose": [(nnp.transpose, _args(A)),
                  (lambda x: nnp.transpose(x, (2, 0, 1)), _args((2, 3, 4)))],
    "broadcast_to": [(lambda x: nnp.broadcast_to(x, (2, 3, 4)), _args((3, 1)))],
    "ravel": [(nnp.ravel, _args(A))],
    "expand_dims": [(lambda x: nnp.expand_dims(x, 1), _args(A)),
                    (lambda x: nnp.expand_dims(x, (0, -1)), _args(A))],
    "squeeze": [(nnp.squeeze, _args((3, 1, 4))), (lambda x: nnp.squeeze(x, 0), _args((1, 4)))],
    "swapaxes": [(lambda x: nnp.swapaxes(x, 0, 2), _args((2, 3, 4)))],
    "moveaxis": [(lambda x: nnp.moveaxis(x, 0, -1), _args((2, 3, 4))),
                 (lambda x: nnp.moveaxis(x, [0, 1], [2, 0]), _args((2, 3, 4)))],
    "concatenate": [(lambda a, b: nnp.concatenate([a, b], axis=1), _args((3, 2), (3, 4))),
                    (lambda a, b: nnp.concatenate([a, b, a]), _args((2, 3), (1, 3))),
                    (lambda a, b: nnp.concatenate([a, b], axis=None), _args((2, 3), (4,)))],
    "stack": [(lambda a, b: nnp.stack([a, b]), _args(A, A)),
              (lambda a, b: nnp.stack([a, b], axis=-1), _args(A, A))],
    "astype": [(lambda x: nnp.astype(x, numpy.float64), _args(A))],
    "matmul": [(nnp.matmul, _args((3, 4), (4, 2))), (nnp.matmul, _args((4,), (4, 2))),
               (nnp.matmul, _args((3, 4), (4,))), (nnp.matmul, _args((4,), (4,))),
               (nnp.matmul, _args((2, 3, 4), (4, 5))), (nnp.matmul, _args((3, 4), (2, 4, 5))),
               (nnp.matmul, _args((4,), (2, 4, 3))), (nnp.matmul, _args((2, 3, 4), (4,)))],
    "dot": [(nnp.dot, _args((3, 4), (4,))), (nnp.dot, _args((4,), (4,))),
            (nnp.dot, _args((), (3,)))],
    "where": [(lambda x, y: nnp.where(numpy.arange(12).reshape(A) % 3 == 0, x, y),
               _args(A, (4,)))],
    "clip": [(lambda x: nnp.clip(x, -1.0, 1.0), _args(A)),
             (lambda x, lo: nnp.clip(x, lo, None), _args(A, (4,)))],
    "asarray": [(lambda a, b: nnp.asarray([a, b, [1.0, 2.0]]), _args((2,), (2,)))],
    "array": [(lambda a, b: nnp.array([[a, b], [b, a]]), _args((), ()))],
}
for _name, _domain in UNARY.items():
    CALLS[_name] = [(getattr(nnp, _name), _args(A, domain=_domain))]
for _name, (_d1, _d2) in BINARY.items():
    CALLS[_name] = [
        (getattr(nnp, _name), (DOMAINS[_d1]((3, 1)), DOMAINS[_d2]((1, 4)))),
        (getattr(nnp, _name), (DOMAINS[_d1](()), DOMAINS[_d2]((4,)))),
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


def test_every_public_function_is_in_the_verification_table():
    table = set(CALLS) | set(NONDIFFERENTIABLE) | set(CONSTRUCTORS)
    missing = sorted(set(nnp.__all__) - table)
    assert not missing, f"public nabla.numpy functions with no verification entry: {missing}"
    stale = sorted(table - set(nnp.__all__))
    assert not stale, f"verification entries for names nabla.numpy does not export: {stale}"


CASES = [(name, i, fn, args) for name, cases in CALLS.items()
         for i, (fn, args) in enumerate(cases)]


@pytest.mark.parametrize("name,i,fn,args", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_derivatives_match_finite_differences(name, i, fn, args):
    nabla.check_grads(fn, args, order=2, modes=("fwd", "rev"))


PLAIN = [(name, args) for name, cases in CALLS.items() if name in UNARY or name in BINARY
         for _, args in cases]
PLAIN += [("sum", _args(A)), ("mean", _args(A)), ("max", _args(A)), ("transpose", _args(A)),
          ("matmul", _args((3, 4), (4, 2)))]


@pytest.mark.parametrize("name,args", PLAIN, ids=[p[0] for p in PLAIN])
def test_same_derivatives_through_plain_numpy(name, args):
    f = getattr(numpy, name)
    nabla.check_grads(lambda *xs: f(*xs), args, order=2, modes=("fwd", "rev"))
    g_plain = nabla.jacrev(lambda *xs: f(*xs), argnums=tuple(range(len(args))))(*args)
    g_nabla = nabla.jacrev(getattr(nnp, name), argnums=tuple(range(len(args))))(*args)
    for a, b in zip(g_plain, g_nabla):
        numpy.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(NONDIFFERENTIABLE))
def test_nondifferentiable_functions_return_numpy_results(name):
    args = NONDIFFERENTIABLE[name]
    expected = getattr(numpy, name)(*args)
    seen = {}

    def f(x):
        seen["value"] = getattr(nnp, name)(x, *args[1:])
        seen["plain"] = getattr(numpy, name)(x, *args[1:])
        return nnp.sum(x)

    nabla.grad(f)(args[0])
    for got in (seen["value"], seen["plain"]):
        assert not isinstance(got, nabla.core.Tracer)
        numpy.testing.assert_array_equal(numpy.asarray(got, dtype=object) if name == "nonzero"
                                         else got, numpy.asarray(expected, dtype=object)
                                         if name == "nonzero" else expected)


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_constructors_are_numpys(name):
    assert getattr(nnp, name) is getattr(numpy, name)


def test_max_ties_share_the_derivative_equally():
    x = numpy.array([1.0, 3.0, 3.0])
    numpy.testing.assert_array_equal(nabla.grad(nnp.max)(x), [0.0, 0.5, 0.5])
    assert nabla.jvp(nnp.max, (x,), (numpy.array([0.0, 1.0, 0.0]),))[1] == 0.5
    numpy.testing.assert_array_equal(
        nabla.grad(lambda x: nnp.maximum(x, 3.0).sum())(x), [0.0, 0.5, 0.5])
    numpy.testing.assert_array_equal(nabla.grad(lambda x: nnp.min(x))(x), [1.0, 0.0, 0.0])


def test_kink_conventions():
    assert nabla.grad(nnp.abs)(0.0) == 0.0
    assert nabla.grad(nnp.sqrt)(0.0) == numpy.inf
    assert nabla.grad(lambda x: x ** 2.0)(0.0) == 0.0
    assert nabla.grad(lambda y: 0.0 ** y, argnums=0)(2.0) == 0.0  # d/dy 0^y at y>0


def test_float32_cast_and_integer_cast():
    x = numpy.array([1.5, 2.5])
    g = nabla.grad(lambda x: nnp.sum(nnp.astype(x, numpy.float32) ** 2))(x)
    assert g.dtype == numpy.float64
    numpy.testing.assert_allclose(g, 2 * x)
    # a cast to integers has no derivative
    assert nabla.grad(lambda x: nnp.sum(x.astype(numpy.int64) * x))(x).tolist() == [1.0, 2.0]
