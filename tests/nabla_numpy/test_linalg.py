"""nabla.numpy.linalg: closed-form derivatives, conventions, result types and errors.

The verification table (tests/verification/linalg_table.py) checks every function
against finite differences; these tests pin what the table cannot: closed forms, the
documented conditions, batched shapes, result types and error messages.
"""

import numpy
import pytest
from numpy.linalg import LinAlgError

import nabla
import nabla.numpy as nnp
import nabla.numpy.linalg as nla

rng = numpy.random.default_rng(3)


def well(*shape):
    n = shape[-1]
    return rng.uniform(-1.0, 1.0, shape) + n * numpy.eye(n)


def numerical_jacobian(f, x, eps=1e-6):
    cols = []
    for k in range(x.size):
        e = numpy.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        cols.append((numpy.asarray(f(x + e)) - numpy.asarray(f(x - e))) / (2 * eps))
    return numpy.moveaxis(numpy.array(cols), 0, -1).reshape(numpy.shape(f(x)) + x.shape)


# --- closed forms --------------------------------------------------------------------------
def test_det_gradient_is_det_times_inverse_transpose():
    A = well(2, 3, 3)
    g = nabla.grad(lambda A: nla.det(A).sum())(A)
    expected = numpy.linalg.det(A)[:, None, None] * numpy.linalg.inv(A).swapaxes(-1, -2)
    numpy.testing.assert_allclose(g, expected, rtol=1e-12)
    _, t = nabla.jvp(nla.det, (A,), (numpy.broadcast_to(numpy.eye(3), A.shape).copy(),))
    numpy.testing.assert_allclose(
        t, numpy.linalg.det(A) * numpy.trace(numpy.linalg.inv(A), axis1=-2, axis2=-1))


def test_logdet_gradient_and_hessian():
    A = -well(3, 3)  # negative determinant: the sign does not matter to log|det|
    sign, logabsdet = nla.slogdet(A)
    assert sign == -1
    A_inv_T = numpy.linalg.inv(A).T
    numpy.testing.assert_allclose(
        nabla.grad(lambda A: nla.slogdet(A).logabsdet)(A), A_inv_T, rtol=1e-12)
    # second order: d(A⁻ᵀ)[Ȧ] = −A⁻ᵀ Ȧᵀ A⁻ᵀ
    dA = rng.standard_normal((3, 3))
    _, hv = nabla.hvp(lambda A: nla.slogdet(A).logabsdet, (A,), (dA,))
    numpy.testing.assert_allclose(hv, -A_inv_T @ dA.T @ A_inv_T, rtol=1e-10)


def test_inverse_derivative_matches_finite_differences_and_formula():
    A = well(3, 3)
    J = nabla.jacrev(nla.inv)(A)
    numpy.testing.assert_allclose(J, numerical_jacobian(numpy.linalg.inv, A), atol=1e-8)
    numpy.testing.assert_allclose(nabla.jacfwd(nla.inv)(A), J, atol=1e-12)
    X = numpy.linalg.inv(A)
    numpy.testing.assert_allclose(J, -numpy.einsum("ik,lj->ijkl", X, X), atol=1e-12)


def test_solve_derivatives_are_solves():
    A, b = well(3, 3), rng.standard_normal(3)
    x = numpy.linalg.solve(A, b)
    gA, gb = nabla.grad(lambda A, b: nla.solve(A, b).sum(), argnums=(0, 1))(A, b)
    b_bar = numpy.linalg.solve(A.T, numpy.ones(3))
    numpy.testing.assert_allclose(gb, b_bar, rtol=1e-12)
    numpy.testing.assert_allclose(gA, -numpy.outer(b_bar, x), rtol=1e-12)


def test_eigvalsh_and_svdvals_gradients_hold_for_repeated_values():
    # the identity has one eigenvalue/singular value, three times: still d tr = I
    eye = numpy.eye(3)
    numpy.testing.assert_allclose(nabla.grad(lambda A: nla.eigvalsh(A).sum())(eye), eye)
    numpy.testing.assert_allclose(
        nabla.grad(lambda A: nla.svd(A, compute_uv=False).sum())(eye), eye, atol=1e-12)
    # eigenvector terms for coinciding eigenvalues are set to 0, not NaN
    g = nabla.grad(lambda A: nla.eigh(A).eigenvectors.sum())(eye)
    assert numpy.all(numpy.isfinite(g))


def test_nuclear_and_spectral_norm_gradients():
    A = rng.standard_normal((4, 3))
    U, s, Vh = numpy.linalg.svd(A, full_matrices=False)
    numpy.testing.assert_allclose(nabla.grad(lambda A: nla.norm(A, "nuc"))(A), U @ Vh,
                                  atol=1e-12)
    numpy.testing.assert_allclose(nabla.grad(lambda A: nla.norm(A, 2))(A),
                                  numpy.outer(U[:, 0], Vh[0]), atol=1e-12)
    numpy.testing.assert_allclose(nabla.grad(nla.norm)(A), A / numpy.linalg.norm(A))


def test_eigenvalue_gradient_is_the_eigenvector_projector():
    X = rng.standard_normal((4, 4))
    A = X + X.T
    w, V = numpy.linalg.eigh(A)
    for k in range(4):
        g = nabla.grad(lambda A, k=k: nla.eigh(A).eigenvalues[k])(A)
        numpy.testing.assert_allclose(g, numpy.outer(V[:, k], V[:, k]), atol=1e-12)


# --- conventions -------------------------------------------------------------------------
@pytest.mark.parametrize("f", [lambda A: nla.cholesky(A)[1, 0] + nla.cholesky(A)[2, 1],
                               lambda A: nla.eigh(A).eigenvectors[0, 2] ** 2,
                               lambda A: nla.eigvalsh(A)[2]])
def test_symmetric_input_functions_have_symmetric_gradients(f):
    X = rng.standard_normal((3, 3))
    A = X @ X.T + 3 * numpy.eye(3)
    g = nabla.grad(f)(A)
    numpy.testing.assert_allclose(g, g.T, atol=1e-12)


def test_cholesky_gradient_is_that_of_the_symmetrized_input():
    X = rng.standard_normal((3, 3))
    A = X @ X.T + 3 * numpy.eye(3)

    def f(A):
        return nnp.sum(nla.cholesky(A) ** 3)

    g = nabla.grad(f)(A)
    # the derivative along a symmetric direction S matches finite differences
    S = rng.standard_normal((3, 3))
    S = S + S.T
    fd = (f(A + 1e-6 * S) - f(A - 1e-6 * S)) / 2e-6
    numpy.testing.assert_allclose(numpy.sum(g * S), fd, rtol=1e-6)


def test_norm_conventions_at_zero():
    with numpy.errstate(invalid="ignore", divide="ignore"):
        assert numpy.all(numpy.isnan(nabla.grad(nla.norm)(numpy.zeros(3))))
    x = numpy.array([0.0, 2.0, -1.0])
    assert nla.norm(x, 0) == 2.0
    numpy.testing.assert_array_equal(nabla.grad(lambda x: nla.norm(x, 0) + x.sum())(x),
                                     [1.0, 1.0, 1.0])
    numpy.testing.assert_array_equal(nabla.grad(lambda x: nla.norm(x, 1))(x), [0.0, 1.0, -1.0])


def test_matrix_power_zero_is_a_constant_identity():
    A = well(2, 3, 3)
    seen = {}

    def f(A):
        seen["I"] = nla.matrix_power(A, 0)
        return nnp.sum(nla.matrix_power(A, 1))

    numpy.testing.assert_allclose(nabla.grad(f)(A), numpy.ones_like(A))
    numpy.testing.assert_array_equal(seen["I"], numpy.broadcast_to(numpy.eye(3), A.shape))


def test_float32_stays_float32():
    A = well(3, 3).astype(numpy.float32)
    for f in (nla.det, lambda A: nla.inv(A).sum(), lambda A: nla.slogdet(A)[1],
              lambda A: nla.svd(A, compute_uv=False).sum()):
        g = nabla.grad(f)(A)
        assert g.dtype == numpy.float32


# --- batched shapes, result types, values, both modes -----------------------------------
def test_batched_gradients_match_one_matrix_at_a_time():
    A = well(2, 3, 3, 3)

    def f(A):
        return nnp.sum(nla.inv(A) ** 2) + nnp.sum(nla.slogdet(A).logabsdet) + nnp.sum(
            nla.svd(A, compute_uv=False))

    g = nabla.grad(f)(A)
    assert g.shape == A.shape
    for i in range(2):
        for j in range(3):
            numpy.testing.assert_allclose(g[i, j], nabla.grad(f)(A[i, j]), rtol=1e-12)


def test_results_are_numpys_named_tuples_under_tracing():
    A = well(3, 3)
    seen = {}

    def f(A):
        seen["eigh"] = nla.eigh(A + A.T)
        seen["svd"] = nla.svd(A)
        seen["qr"] = nla.qr(A)
        seen["slogdet"] = nla.slogdet(A)
        return nnp.sum(A)

    nabla.grad(f)(A)
    for name, result in seen.items():
        plain = getattr(numpy.linalg, name)(A + A.T if name == "eigh" else A)
        assert type(result) is type(plain)
        for got, want in zip(result, plain):
            numpy.testing.assert_allclose(nabla.core.concrete(got), want, atol=1e-12)


def test_wide_qr_matches_numpy():
    A = rng.standard_normal((2, 3, 5))
    seen = {}

    def f(A):
        seen["qr"] = nla.qr(A)
        return nnp.sum(seen["qr"].R)

    nabla.grad(f)(A)
    Q, R = numpy.linalg.qr(A)
    numpy.testing.assert_allclose(nabla.core.concrete(seen["qr"].Q), Q, atol=1e-12)
    numpy.testing.assert_allclose(nabla.core.concrete(seen["qr"].R), R, atol=1e-12)


def test_lstsq_values_match_numpy_under_tracing():
    A, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    seen = {}

    def f(A):
        seen["r"] = nla.lstsq(A, b)
        return nnp.sum(seen["r"][0])

    g = nabla.grad(f)(A)
    x, residuals, rank, s = numpy.linalg.lstsq(A, b)
    got = [nabla.core.concrete(v) for v in seen["r"]]
    numpy.testing.assert_allclose(got[0], x, atol=1e-12)
    numpy.testing.assert_allclose(got[1], residuals, atol=1e-12)
    assert got[2] == rank == 3
    numpy.testing.assert_allclose(got[3], s, atol=1e-12)
    numpy.testing.assert_allclose(
        g, numerical_jacobian(lambda A: numpy.linalg.lstsq(A, b)[0].sum(), A), atol=1e-7)


@pytest.mark.parametrize("f,shape", [
    (lambda A: nla.eigh(A + nnp.swapaxes(A, -1, -2)).eigenvalues, (2, 3, 3)),
    (lambda A: nla.svd(A, full_matrices=False).S, (4, 3)),
    (lambda A: nla.qr(A).R, (4, 3)),
    (lambda A: nla.pinv(A), (2, 3)),
    (lambda A: nla.cholesky(A @ nnp.swapaxes(A, -1, -2) + 3 * numpy.eye(3)), (3, 3)),
    (lambda A: nla.matrix_power(A, 3), (3, 3)),
    (lambda A: nla.norm(A, -2, axis=(0, 1)), (3, 3, 2)),
])
def test_jacfwd_equals_jacrev(f, shape):
    A = rng.standard_normal(shape)
    numpy.testing.assert_allclose(nabla.jacfwd(f)(A), nabla.jacrev(f)(A), atol=1e-10)


def test_plain_numpy_linalg_code_is_differentiable():
    A = well(3, 3)

    def f(A):  # written against numpy, with no nabla in sight
        return numpy.linalg.slogdet(A)[1] + numpy.linalg.norm(numpy.linalg.inv(A), "fro")

    numpy.testing.assert_allclose(nabla.grad(f)(A), numerical_jacobian(f, A), atol=1e-7)
    with pytest.raises(TypeError, match="numpy.linalg.eig"):
        nabla.grad(lambda A: numpy.linalg.eigvals(A).real.sum())(A)


# --- errors ------------------------------------------------------------------------------
def _both(f, *args):
    """The exception of ``f`` on plain arrays and under ``grad``: the same type and text."""
    errors = []
    for call in (lambda: f(*args), lambda: nabla.grad(lambda x: nnp.sum(f(x, *args[1:])))(
            args[0])):
        with pytest.raises(Exception) as info:
            call()
        errors.append(info)
    assert errors[0].type is errors[1].type
    assert str(errors[0].value) == str(errors[1].value)
    return errors[1]


@pytest.mark.parametrize("f,x,message", [
    (nla.inv, numpy.ones((2, 3)), "Last 2 dimensions of the array must be square"),
    (nla.inv, numpy.ones(3), "1-dimensional array given"),
    (nla.inv, numpy.zeros((2, 2)), "Singular matrix"),
    (nla.det, numpy.ones((2, 3)), "must be square"),
    (nla.cholesky, -numpy.eye(2), "not positive definite"),
    (lambda x: nla.matrix_power(x, 2), numpy.ones((2, 3)), "must be square"),
    (lambda x: nla.lstsq(x, x)[0], numpy.ones((2, 2, 2)), "Array must be two-dimensional"),
    (lambda x: nla.multi_dot([x, x, x]), numpy.ones((2, 2, 2)), "must be two-dimensional"),
])
def test_linalg_errors_are_numpys_also_under_tracing(f, x, message):
    info = _both(f, x)
    assert info.type is LinAlgError
    assert message in str(info.value)


@pytest.mark.parametrize("f,x,error,message", [
    (lambda x: nla.norm(x, "bad"), numpy.ones((2, 2)), ValueError, "Invalid norm order"),
    (lambda x: nla.norm(x, "fro", axis=0), numpy.ones((2, 2)), ValueError, "for vectors"),
    (lambda x: nla.norm(x, 1, axis=(0, 0)), numpy.ones((2, 2)), ValueError, "Duplicate"),
    (lambda x: nla.matrix_power(x, 1.5), numpy.eye(2), TypeError, "exponent must be an integer"),
    (lambda x: nla.qr(x, "bad"), numpy.eye(2), ValueError, "Unrecognized mode"),
    (lambda x: nla.solve(x, numpy.ones(3)), numpy.eye(2), ValueError, "mismatch"),
    (lambda x: nla.eigh(x, "X"), numpy.eye(2), ValueError, "UPLO"),
])
def test_value_errors_are_numpys_also_under_tracing(f, x, error, message):
    info = _both(f, x)
    assert info.type is error
    assert message in str(info.value)


def test_derivatives_that_do_not_exist_are_refused_clearly():
    A = rng.standard_normal((4, 3))
    with pytest.raises(ValueError, match="full_matrices=False"):
        nabla.grad(lambda A: nla.svd(A)[1].sum())(A)
    with pytest.raises(ValueError, match="mode='reduced'"):
        nabla.grad(lambda A: nla.qr(A, "complete")[1].sum())(A)
    with pytest.raises(ValueError, match="raw"):
        nabla.grad(lambda A: nla.qr(A, "raw")[1].sum())(A)
    # square input: full_matrices=True is the reduced SVD, and differentiable
    B = well(3, 3)
    g = nabla.grad(lambda B: nla.svd(B).S.sum())(B)
    numpy.testing.assert_allclose(g, nabla.grad(lambda B: nla.svdvals(B).sum())(B),
                                  atol=1e-12)
