"""nabla.scipy.special: SciPy's values, dispatch from plain SciPy, stability, conventions."""

import warnings

import numpy
import pytest
import scipy.special

import nabla
import nabla.scipy.special as nss

X = numpy.array([0.3, 0.7, 1.9])
ELEMENTWISE = [name for name in nss.__all__ if isinstance(getattr(scipy.special, name),
                                                            numpy.ufunc)]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_are_scipys(name):
    f, original = getattr(nss, name), getattr(scipy.special, name)
    inputs = [1.5] * (original.nin - 1) + [X * 0.4]
    numpy.testing.assert_array_equal(f(*inputs), original(*inputs))


def test_plain_scipy_special_code_is_differentiable():
    def f(x):
        return numpy.sum(scipy.special.erf(x) * scipy.special.gammaln(x + 1.0))

    g = nabla.grad(f)(X)
    expected = (2 / numpy.sqrt(numpy.pi) * numpy.exp(-X**2) * scipy.special.gammaln(X + 1)
                + scipy.special.erf(X) * scipy.special.digamma(X + 1))
    numpy.testing.assert_allclose(g, expected, rtol=1e-13)


def test_closed_form_derivatives():
    numpy.testing.assert_allclose(nabla.elementwise_grad(nss.digamma)(X),
                                  scipy.special.polygamma(1, X), rtol=1e-13)
    numpy.testing.assert_allclose(nabla.elementwise_grad(lambda x: nss.polygamma(2, x))(X),
                                  scipy.special.polygamma(3, X), rtol=1e-13)
    numpy.testing.assert_allclose(nabla.elementwise_grad(nss.i1)(X),
                                  scipy.special.i0(X) - scipy.special.i1(X) / X, rtol=1e-13)
    s = scipy.special.expit(X)
    numpy.testing.assert_allclose(nabla.elementwise_grad(nss.expit)(X), s * (1 - s))
    gx, gy = nabla.grad(nss.xlogy, argnums=(0, 1))(2.0, 3.0)
    assert (gx, gy) == (numpy.log(3.0), 2.0 / 3.0)


def test_softplus_is_stable_and_plain_scipy_softplus_dispatches():
    x = numpy.array([-1000.0, 0.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        numpy.testing.assert_array_equal(nabla.elementwise_grad(nss.softplus)(x), [0, 0.5, 1])
        # scipy.special.softplus is log-add-exp, which reaches nabla through NEP 13
        numpy.testing.assert_array_equal(
            nabla.elementwise_grad(lambda x: scipy.special.softplus(x))(x), [0, 0.5, 1])


def test_multigammaln():
    a = numpy.array([2.0, 3.5])
    numpy.testing.assert_allclose(nss.multigammaln(a, 3), scipy.special.multigammaln(a, 3))
    g = nabla.elementwise_grad(lambda a: nss.multigammaln(a, 3))(a)
    want = sum(scipy.special.digamma(a + (1 - j) / 2) for j in (1, 2, 3))
    numpy.testing.assert_allclose(g, want, rtol=1e-13)
    with pytest.raises(ValueError, match="greater than"):
        nabla.grad(lambda a: nss.multigammaln(a, 3))(0.5)


def test_conventions_at_special_points():
    assert nabla.grad(nss.i1)(0.0) == 0.5  # lim (i0 − i1/x) = 1/2
    assert nabla.grad(nabla.grad(nss.i0))(0.0) == 0.5
    # xlogy(0, y) = 0 for every y: no y-derivative there, even at y = 0
    assert nabla.grad(nss.xlogy, argnums=1)(0.0, 0.0) == 0.0
    assert nabla.grad(nss.xlog1py, argnums=1)(0.0, -1.0) == 0.0


def test_logsumexp_is_stable_and_its_gradient_is_softmax():
    a = numpy.array([1000.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nss.logsumexp(a) == 1000.0 + numpy.log(2.0)
        numpy.testing.assert_array_equal(nabla.grad(nss.logsumexp)(a), [0.5, 0.5])
        numpy.testing.assert_allclose(nabla.grad(nss.logsumexp)(-a), [0.5, 0.5], rtol=1e-12)
        h = nabla.hessian(nss.logsumexp)(numpy.array([0.0, numpy.log(3.0)]))
        numpy.testing.assert_allclose(h, [[0.1875, -0.1875], [-0.1875, 0.1875]])
        # all −inf: value −inf, derivative 0 (not nan)
        minf = numpy.array([-numpy.inf, -numpy.inf])
        numpy.testing.assert_array_equal(nabla.grad(nss.logsumexp)(minf), [0.0, 0.0])


def test_logsumexp_with_weights_and_sign_matches_scipy():
    a, b = numpy.array([[0.3, -0.4, 1.1], [2.0, 0.5, -1.0]]), numpy.array([1.5, -0.5, 0.7])
    for axis in [None, 1]:
        for keepdims in [False, True]:
            kw = dict(axis=axis, b=b, keepdims=keepdims, return_sign=True)
            seen = []

            def traced(a, kw=kw, seen=seen):
                out, sign = nss.logsumexp(a, **kw)
                seen.append(sign)
                return out

            value, _ = nabla.vjp(traced, a)
            want, want_sign = scipy.special.logsumexp(a, **kw)
            numpy.testing.assert_allclose(value, want, rtol=1e-14)
            numpy.testing.assert_array_equal(seen[0], want_sign)
    # a negative sum without return_sign is nan, as in SciPy (traced or not)
    with numpy.errstate(invalid="ignore"):
        assert numpy.isnan(nss.logsumexp(a[0], b=-numpy.ones(3)))
        assert numpy.isnan(nabla.vjp(lambda a: nss.logsumexp(a, b=-numpy.ones(3)), a[0])[0])
    g = nabla.grad(lambda b: nss.logsumexp(numpy.log(numpy.array([1.0, 3.0])), b=b))(
        numpy.array([1.0, 1.0]))
    numpy.testing.assert_allclose(g, [0.25, 0.75])


def test_softmax_of_large_values_does_not_overflow():
    x = numpy.array([[1000.0, 1000.0, 1000.0 + numpy.log(2.0)], [-1e4, 0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for axis in [None, 1]:
            s, pullback = nabla.vjp(lambda x, axis=axis: nss.softmax(x, axis=axis), x)
            numpy.testing.assert_allclose(s, scipy.special.softmax(x, axis=axis), atol=1e-15)
            assert numpy.all(numpy.isfinite(pullback(numpy.ones_like(x))[0]))
        ls = nabla.vjp(lambda x: nss.log_softmax(x, axis=1), x)[0]
        numpy.testing.assert_allclose(ls, scipy.special.log_softmax(x, axis=1), rtol=1e-15)
        assert ls[1, 0] == -2e4  # no log(0)
        jac = nabla.jacobian(lambda x: nss.softmax(x))(x[0])
        s = nss.softmax(x[0])
        numpy.testing.assert_allclose(jac, numpy.diag(s) - numpy.outer(s, s), atol=1e-15)


def test_logistic_and_normal_tails_are_stable():
    x = numpy.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = nabla.elementwise_grad(nss.log_expit)(x)
        numpy.testing.assert_allclose(g, [1.0, 1.0, 0.5, 4.248354255291589e-18, 0.0])
        g = nabla.elementwise_grad(nss.expit)(x)
        numpy.testing.assert_allclose(g, [0.0, 4.248354255291589e-18, 0.25,
                                          4.248354255291589e-18, 0.0])
        # d/dx log Φ(x) = φ(x)/Φ(x) ≈ −x far in the left tail
        g = nabla.elementwise_grad(nss.log_ndtr)(numpy.array([-40.0, -10.0, 0.0, 10.0]))
        numpy.testing.assert_allclose(g[:2], [40.024968847, 10.098093233], rtol=1e-9)
        assert g[2] == pytest.approx(2 / numpy.sqrt(2 * numpy.pi))
        assert 0 < g[3] < 1e-22


def test_float32_stays_float32():
    x = numpy.array([0.5, 1.5], dtype=numpy.float32)
    for f in [nss.erf, nss.gammaln, nss.expit, lambda x: nss.logsumexp(x), nss.softmax]:
        g = nabla.grad(lambda x, f=f: numpy.sum(f(x)))(x)
        assert g.dtype == numpy.float32


def test_orders_and_shape_parameters_are_not_differentiated():
    with pytest.raises(TypeError, match="polygamma with respect to the order n"):
        nabla.grad(lambda n: nss.polygamma(n, 1.5))(1.0)
    with pytest.raises(TypeError, match="gammainc with respect to a"):
        nabla.grad(lambda a: nss.gammainc(a, 1.5))(1.0)
    with pytest.raises(TypeError, match="iv with respect to the order v"):
        nabla.jvp(lambda v: nss.iv(v, 1.5), (1.0,), (1.0,))
    # the other argument is fine
    assert nabla.grad(lambda x: nss.gammainc(1.0, x))(0.5) == pytest.approx(numpy.exp(-0.5))


def test_scipy_python_functions_refuse_tracers_loudly():
    # SciPy's logsumexp/softmax/polygamma convert their input to an array; a traced value
    # refuses (its derivative would be lost): use nabla.scipy.special's versions
    with pytest.raises(TypeError, match="cannot convert a traced value"):
        nabla.grad(lambda x: scipy.special.logsumexp(x))(X)
    numpy.testing.assert_allclose(nabla.grad(lambda x: nss.logsumexp(x))(X),
                                  scipy.special.softmax(X))
