"""nabla.prob.transforms: inverses and log-det-Jacobians against finite differences."""

import numpy as np
import pytest

import nabla
from nabla.prob.transforms import ExpTransform, SigmoidTransform, SoftplusTransform

X = np.linspace(-4.0, 4.0, 17)


@pytest.mark.parametrize("t", [ExpTransform(), SoftplusTransform(), SigmoidTransform()])
def test_inverse_and_log_det_jacobian(t):
    y = np.asarray(t(X))
    np.testing.assert_allclose(t.inv(y), X, rtol=1e-9, atol=1e-9)
    h = 1e-6
    fd = (np.asarray(t(X + h)) - np.asarray(t(X - h))) / (2 * h)
    np.testing.assert_allclose(t.log_abs_det_jacobian(X, y), np.log(np.abs(fd)), rtol=1e-6,
                               atol=1e-6)
    nabla.check_grads(lambda x: t(x), (X,), order=1)
    nabla.check_grads(lambda y: t.inv(y), (y[2:-2],), order=1)


def test_stable_far_out():
    np.testing.assert_allclose(SoftplusTransform().log_abs_det_jacobian(np.array(-800.0), None),
                               -800.0)
    np.testing.assert_allclose(SigmoidTransform().log_abs_det_jacobian(np.array(800.0), None),
                               -800.0)
    np.testing.assert_allclose(SoftplusTransform()(np.array(800.0)), 800.0)
