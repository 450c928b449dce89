"""Verification table of ``nabla.scipy.linalg`` (see the package docstring for the format).

SciPy's linear algebra functions convert their arguments to arrays, so there is no
dispatch to check (no PLAIN).
"""

import numpy
import scipy.linalg

import nabla.scipy.linalg as nsl
from tests.verification import rng

NAMESPACE = nsl
ORIGINAL = scipy.linalg


def _triangular(n, batch=()):
    """A well-conditioned triangular matrix (the other triangle random, to be ignored)."""
    m = rng.uniform(-1.0, 1.0, (*batch, n, n)) + 3.0 * numpy.eye(n)
    return m


def _spd(n):
    m = rng.normal(size=(n, n))
    return m @ m.T + n * numpy.eye(n)


def _sym(a):
    """Cholesky's derivative is that of the factor of (A + Aᵀ)/2 (the rule of
    nabla.numpy.linalg.cholesky), so the cases differentiate through a symmetric input."""
    return 0.5 * (a + a.T)


def _solve(**kw):
    return lambda a, b: nsl.solve_triangular(a, b, **kw)


CALLS = {
    "solve_triangular": [
        (_solve(lower=True), (_triangular(3), rng.normal(size=3))),
        (_solve(lower=False), (_triangular(3), rng.normal(size=(3, 2)))),
        (_solve(lower=True, trans=1), (_triangular(3), rng.normal(size=(3, 2)))),
        (_solve(lower=False, trans="T"), (_triangular(3), rng.normal(size=3))),
        (_solve(lower=True, trans="C", unit_diagonal=True),
         (_triangular(3), rng.normal(size=(3, 2)))),
        (_solve(lower=False, unit_diagonal=True), (_triangular(3), rng.normal(size=3))),
        (_solve(lower=True), (_triangular(3, batch=(2,)), rng.normal(size=(2, 3, 2)))),
    ],
    "cholesky": [(lambda a: nsl.cholesky(_sym(a)), (_spd(3),)),
                 (lambda a: nsl.cholesky(_sym(a), lower=True), (_spd(4),))],
    "cho_factor": [(lambda a: nsl.cho_factor(_sym(a))[0], (_spd(3),)),
                   (lambda a: nsl.cho_factor(_sym(a), lower=True)[0], (_spd(3),))],
    "cho_solve": [
        (lambda a, b: nsl.cho_solve(nsl.cho_factor(_sym(a)), b),
         (_spd(3), rng.normal(size=3))),
        (lambda a, b: nsl.cho_solve(nsl.cho_factor(_sym(a), lower=True), b),
         (_spd(3), rng.normal(size=(3, 2)))),
        (lambda c, b: nsl.cho_solve((c, True), b), (_triangular(3), rng.normal(size=3))),
    ],
    "expm": [(nsl.expm, (0.5 * rng.normal(size=(3, 3)),)),
             (nsl.expm, (numpy.array([[0.0, 1.0], [-1.0, 0.0]]),)),
             (nsl.expm, (0.5 * rng.normal(size=(2, 2, 2)),))],
}
