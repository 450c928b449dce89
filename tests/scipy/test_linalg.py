"""nabla.scipy.linalg: SciPy's values, derivatives against closed forms, errors."""

import numpy
import pytest
import scipy.linalg

import nabla
import nabla.scipy.linalg as nsl
import nabla.scipy.stats as nst

rng = numpy.random.default_rng(2)


def _spd(n):
    m = rng.normal(size=(n, n))
    return m @ m.T + n * numpy.eye(n)


def test_values_are_scipys():
    a, b = rng.normal(size=(3, 3)) + 3 * numpy.eye(3), rng.normal(size=(3, 2))
    for kw in [dict(lower=True), dict(trans=1), dict(lower=True, unit_diagonal=True)]:
        want = scipy.linalg.solve_triangular(a, b, **kw)
        numpy.testing.assert_array_equal(nsl.solve_triangular(a, b, **kw), want)
        # the traced path computes the same numbers
        got = nabla.vjp(lambda b, kw=kw: nsl.solve_triangular(a, b, **kw), b)[0]
        numpy.testing.assert_array_equal(got, want)
    s = _spd(3)
    for lower in [False, True]:
        numpy.testing.assert_allclose(nsl.cholesky(s, lower=lower),
                                      scipy.linalg.cholesky(s, lower=lower))
        numpy.testing.assert_allclose(nsl.cho_solve(nsl.cho_factor(s, lower=lower), b),
                                      numpy.linalg.solve(s, b))
    numpy.testing.assert_array_equal(nsl.expm(a), scipy.linalg.expm(a))


def test_solve_triangular_gradient_is_the_closed_form():
    # x = A⁻¹ b: ∂⟨u, x⟩/∂b = A⁻ᵀu, ∂⟨u, x⟩/∂A = −(A⁻ᵀu) xᵀ on the lower triangle
    a = numpy.tril(rng.normal(size=(4, 4))) + 3 * numpy.eye(4)
    b, u = rng.normal(size=4), rng.normal(size=4)
    ga, gb = nabla.grad(lambda a, b: nsl.solve_triangular(a, b, lower=True) @ u,
                        argnums=(0, 1))(a, b)
    x = numpy.linalg.solve(a, b)
    bbar = numpy.linalg.solve(a.T, u)
    numpy.testing.assert_allclose(gb, bbar, rtol=1e-12)
    numpy.testing.assert_allclose(ga, numpy.tril(-numpy.outer(bbar, x)), rtol=1e-12)
    # the other triangle is never read, so it has no derivative
    garbage = a + numpy.triu(rng.normal(size=(4, 4)), 1)
    ga2 = nabla.grad(lambda a: nsl.solve_triangular(a, b, lower=True) @ u)(garbage)
    numpy.testing.assert_allclose(ga2, ga, rtol=1e-12)


def test_cholesky_gradient_is_symmetric():
    # the derivative is that of the factor of (S + Sᵀ)/2, as in nabla.numpy.linalg
    s = _spd(3)
    for lower in [True, False]:
        g = nabla.grad(lambda s, lower=lower: nsl.cholesky(s, lower=lower).sum())(s)
        numpy.testing.assert_allclose(g, g.T, rtol=1e-12)
    # log det S = 2 Σ log Lᵢᵢ has gradient S⁻¹
    idx = numpy.arange(3)

    def logdet(s):
        return 2 * numpy.sum(numpy.log(nsl.cholesky(s)[idx, idx]))

    assert logdet(s) == pytest.approx(numpy.linalg.slogdet(s)[1])
    numpy.testing.assert_allclose(nabla.grad(logdet)(s), numpy.linalg.inv(s), rtol=1e-12)


def test_expm_derivatives():
    a = 0.5 * rng.normal(size=(3, 3))
    # d/dt expm(tA) = A expm(tA), to second order
    d1 = nabla.jacfwd(lambda t: nsl.expm(t * a))(0.7)
    numpy.testing.assert_allclose(d1, a @ scipy.linalg.expm(0.7 * a), rtol=1e-12)
    d2 = nabla.jacfwd(nabla.jacrev(lambda t: nsl.expm(t * a)))(0.7)
    numpy.testing.assert_allclose(d2, a @ a @ scipy.linalg.expm(0.7 * a), rtol=1e-10)
    # the Fréchet derivative agrees with SciPy's
    e = rng.normal(size=(3, 3))
    numpy.testing.assert_allclose(nabla.jvp(nsl.expm, (a,), (e,))[1],
                                  scipy.linalg.expm_frechet(a, e, compute_expm=False),
                                  rtol=1e-12)


def test_cho_solve_is_differentiable_in_the_factor_and_b():
    s, b = _spd(3), rng.normal(size=3)
    for lower in [False, True]:
        gs, gb = nabla.grad(lambda s, b, lower=lower: nsl.cho_solve(nsl.cho_factor(s, lower),
                                                                    b).sum(),
                            argnums=(0, 1))(s, b)
        # ∂(1ᵀS⁻¹b)/∂b = S⁻ᵀ1; ∂/∂S = −S⁻ᵀ1 (S⁻¹b)ᵀ, symmetrized
        u = numpy.linalg.solve(s.T, numpy.ones(3))
        full = -numpy.outer(u, numpy.linalg.solve(s, b))
        numpy.testing.assert_allclose(gb, u, rtol=1e-12)
        numpy.testing.assert_allclose(gs, 0.5 * (full + full.T), rtol=1e-10)


def test_errors():
    with pytest.raises(ValueError, match="trans must be"):
        nsl.solve_triangular(numpy.eye(2), numpy.ones(2), trans=3)
    with pytest.raises(ValueError, match="do not match"):
        nabla.grad(lambda b: nsl.solve_triangular(numpy.eye(2), b).sum())(numpy.ones(3))
    with pytest.raises(ValueError, match="square"):
        nabla.grad(lambda a: nsl.expm(a).sum())(numpy.ones((2, 3)))
    with pytest.raises(numpy.linalg.LinAlgError):
        nabla.grad(lambda a: nsl.cholesky(a).sum())(-numpy.eye(2))


def test_jacobians_and_hessians_through_batched_solves():
    # jacfwd/jacrev push all directions through one solve with many right-hand sides
    a = numpy.tril(rng.normal(size=(3, 3))) + 3 * numpy.eye(3)
    for b in [rng.normal(size=3), rng.normal(size=(3, 2))]:
        for trans in [0, 1]:
            f = lambda a, b, trans=trans: nsl.solve_triangular(a, b, lower=True, trans=trans)
            for got, want in zip(nabla.jacrev(f, argnums=(0, 1))(a, b),
                                 nabla.jacfwd(f, argnums=(0, 1))(a, b)):
                numpy.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    x, s = rng.normal(size=(4, 3)), _spd(3)
    h = nabla.hessian(lambda m: nst.multivariate_normal.logpdf(x, m, s).sum())(numpy.zeros(3))
    numpy.testing.assert_allclose(h, -4 * numpy.linalg.inv(s), rtol=1e-10)
