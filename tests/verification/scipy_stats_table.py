"""Verification table of ``nabla.scipy.stats`` (see the package docstring for the format).

The public names are distribution objects, not functions: each entry differentiates every
method (``logpdf``, ``pdf``, ``cdf``, ...) in the value and in the parameters. SciPy's own
distributions convert their arguments to arrays, so there is no dispatch to check (no
PLAIN); their values are compared with nabla's in ``tests/scipy/test_stats.py``.
"""

import numpy
import scipy.stats

import nabla.scipy.stats as nst
from tests.verification import rng

NAMESPACE = nst
ORIGINAL = scipy.stats


def _uniform(lo, hi, shape=(4,)):
    return rng.uniform(lo, hi, shape)


def _sym(a):
    return 0.5 * (a + a.T)


def _methods(dist, names, wrt):
    """One case per method: ``dist.method(*args)``, differentiated in all of ``args``."""
    return [(lambda *a, m=m: getattr(dist, m)(*a), wrt) for m in names]


_X = _uniform(-2.0, 2.0)
_LOC, _SCALE = numpy.float64(0.3), numpy.float64(1.4)
_POSITIVE_X = _uniform(0.2, 3.0)
_UNIT_X = _uniform(0.1, 0.9)
_M = rng.normal(size=(3, 3))
_COV = _M @ _M.T + numpy.eye(3)
_COUNTS = numpy.array([0.0, 1.0, 2.0, 5.0])

CALLS = {
    "norm": _methods(nst.norm, ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
                     (_X, _LOC, _SCALE))
    + [(lambda q, loc, scale: nst.norm.ppf(q, loc, scale), (_UNIT_X, _LOC, _SCALE)),
       (lambda x, loc, scale: nst.norm(loc, scale).logpdf(x), (_X, _LOC, _SCALE)),
       (lambda x: nst.norm.logcdf(x), (_uniform(-30.0, -5.0),))],
    "t": _methods(nst.t, ["logpdf", "pdf"], (_X, numpy.float64(3.5), _LOC, _SCALE))
    + [(lambda x, loc, scale, m=m: getattr(nst.t, m)(x, 3.5, loc, scale), (_X, _LOC, _SCALE))
       for m in ["cdf", "logcdf"]],
    "gamma": _methods(nst.gamma, ["logpdf", "pdf"],
                      (_POSITIVE_X, numpy.float64(2.5), numpy.float64(-0.1), _SCALE))
    + [(lambda x, loc, scale, m=m: getattr(nst.gamma, m)(x, 2.5, loc, scale),
        (_POSITIVE_X, numpy.float64(-0.1), _SCALE)) for m in ["cdf", "logcdf"]],
    "beta": _methods(nst.beta, ["logpdf", "pdf"],
                     (_UNIT_X, numpy.float64(2.5), numpy.float64(1.5)))
    + [(lambda x, loc, scale, m=m: getattr(nst.beta, m)(x, 2.5, 1.5, loc, scale),
        (_UNIT_X, numpy.float64(-0.05), numpy.float64(1.1))) for m in ["cdf", "logcdf"]],
    # cov's derivative is that of the symmetric (cov + covᵀ)/2 (as for cholesky), so the
    # cases differentiate through a symmetric covariance
    "multivariate_normal": [
        (lambda x, mean, cov: nst.multivariate_normal.logpdf(x, mean, _sym(cov)),
         (rng.normal(size=(5, 3)), rng.normal(size=3), _COV)),
        (lambda x, mean, cov: nst.multivariate_normal.pdf(x, mean, _sym(cov)),
         (rng.normal(size=3), rng.normal(size=3), _COV)),
        (lambda x, cov: nst.multivariate_normal.logpdf(x, cov=cov),
         (rng.normal(size=(4, 3)), _uniform(0.5, 2.0, (3,)))),
        (lambda x, mean, var: nst.multivariate_normal(mean, var).logpdf(x),
         (rng.normal(size=4), numpy.float64(0.2), numpy.float64(1.7))),
    ],
    "poisson": [(lambda mu, m=m: getattr(nst.poisson, m)(_COUNTS, mu), (numpy.float64(2.3),))
                for m in ["logpmf", "pmf", "cdf", "logcdf"]],
    "bernoulli": [(lambda p, m=m: getattr(nst.bernoulli, m)(numpy.array([0.0, 1.0, 1.0]), p),
                   (numpy.float64(0.3),)) for m in ["logpmf", "pmf", "cdf", "logcdf"]],
}
