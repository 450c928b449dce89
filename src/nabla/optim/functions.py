"""Classic test functions for optimization, written with ``nabla.numpy``.

Each is a :class:`TestFunction`: the formula as a callable of a vector ``x``, with the
facts an optimizer is judged against: where the minimum is, its value, the conventional
starting point and search box. Because they are written with :mod:`nabla.numpy`,
:func:`nabla.grad` and :func:`nabla.hessian` differentiate them exactly.

======================  ====  ===================================  ===========================
function                n     what makes it hard                   global minimum
======================  ====  ===================================  ===========================
``rosenbrock(n)``       any   curved narrow valley                 x = (1, …, 1), f = 0
``beale()``             2     flat plateaus, steep edges           (3, 0.5), f = 0
``booth()``             2     nothing (a convex quadratic)         (1, 3), f = 0
``himmelblau()``        2     four global minima                   (3, 2) and three more, f = 0
``matyas()``            2     flat, tilted valley                  (0, 0), f = 0
``three_hump_camel()``  2     two local minima besides the global  (0, 0), f = 0
``goldstein_price()``   2     values over six orders of magnitude  (0, −1), f = 3
``rastrigin(n)``        any   a local minimum near every integer   0, f = 0
``ackley(n)``           any   many local minima, a kink at 0       0, f = 0
``styblinski_tang(n)``  any   2ⁿ local minima                      xᵢ = −2.9035…, f = −39.166…·n
``quadratic(n, κ)``     any   ill-conditioning: cond(H) = κ        a seeded point, f = 0
======================  ====  ===================================  ===========================

The coordinates run along the *first* axis, and trailing axes are carried along, so a
function evaluates a whole grid at once (for contour plots):

>>> import numpy
>>> f = booth()
>>> X, Y = numpy.meshgrid(numpy.linspace(0, 2, 3), numpy.linspace(2, 4, 3))
>>> bool(f(numpy.stack([X, Y]))[1, 1] == f(numpy.array([1.0, 3.0])) == 0.0)
True

``ALL`` holds the two-dimensional instance of each; ``get(name, **kwargs)`` builds one by
name (``get("rosenbrock", n=10)``).
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable

import numpy

import nabla.numpy as np

__all__ = [
    "ALL",
    "NAMES",
    "TestFunction",
    "ackley",
    "beale",
    "booth",
    "get",
    "goldstein_price",
    "himmelblau",
    "matyas",
    "quadratic",
    "rastrigin",
    "rosenbrock",
    "styblinski_tang",
    "three_hump_camel",
]


# ----------------------------------------------------------------------------- the object


@dataclasses.dataclass(frozen=True, eq=False)
class TestFunction:
    """A test function and the facts about it: ``f(x)`` calls ``f.fun(x)``.

    ``name``; ``fun`` the formula, a callable of a float vector ``x`` of length ``n``
    (extra trailing axes evaluate many points at once); ``dim`` the number of variables
    the formula is defined for (``None``: any n); ``minimum`` the global minimizer x*,
    or a tuple of them when there are several (Himmelblau); ``value`` f(x*);
    ``start`` the conventional starting point; ``bounds`` the usual search box, one
    ``(low, high)`` pair per coordinate; ``smooth`` whether f is differentiable at x*
    (Ackley's cone-shaped minimum is not). ``n`` is this instance's dimension and
    ``minimizers`` is always a tuple. Arrays are read-only.

    >>> f = rosenbrock(3)
    >>> f.n, f.dim, float(f(f.minimum)), f.bounds[0]
    (3, None, 0.0, (-5.0, 10.0))
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    fun: Callable
    dim: int | None
    minimum: numpy.ndarray | tuple
    value: float
    start: numpy.ndarray
    bounds: tuple
    smooth: bool = True

    def __post_init__(self):
        start = _frozen(self.start)
        minimum = _frozen(self.minimum)  # one point, or one row per minimizer
        if minimum.ndim == 2:
            minimum = tuple(_frozen(m) for m in minimum)
        bounds = tuple((float(lo), float(hi)) for lo, hi in self.bounds)
        for field, value in (("start", start), ("minimum", minimum), ("bounds", bounds),
                             ("value", float(self.value))):
            object.__setattr__(self, field, value)

    def __call__(self, x):
        return self.fun(x)

    @property
    def n(self) -> int:
        """The number of variables of this instance."""
        return self.start.shape[0]

    @property
    def minimizers(self) -> tuple:
        """The global minimizers, always as a tuple of arrays."""
        return self.minimum if isinstance(self.minimum, tuple) else (self.minimum,)

    def __repr__(self):
        return f"TestFunction(name={self.name!r}, n={self.n}, value={self.value!r})"


def _frozen(a) -> numpy.ndarray:
    a = numpy.array(a, dtype=numpy.float64)
    a.flags.writeable = False
    return a


def _dimension(n, least: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"the dimension n must be an integer; got {n!r}")
    if n < least:
        raise ValueError(f"the dimension n must be at least {least}; got {n}")
    return int(n)


def _box(n: int, low: float, high: float) -> tuple:
    return ((low, high),) * n


# ----------------------------------------------------------------------------- any n


def rosenbrock(n: int = 2) -> TestFunction:
    """Rosenbrock's banana function in n ≥ 2 dimensions (the chained form):

        f(x) = Σ_{i=1}^{n−1} [ 100 (x_{i+1} − x_i²)² + (1 − x_i)² ],

    minimum 0 at x = (1, …, 1), at the end of a long curved valley that gradient
    descent crawls along. Start: Rosenbrock's (−1.2, 1) for n = 2, (−1.2, …, −1.2) for
    n > 2 (from it BFGS and L-BFGS reach the global minimum; for n ≥ 4 there is also a
    local minimum near (−1, 1, …, 1), which starts like (−1.2, 1, …, 1) end in). Box
    [−5, 10]ⁿ.

    >>> f = rosenbrock(2)
    >>> float(f(f.start))
    24.199999999999996
    """
    n = _dimension(n, least=2)

    def fun(x):
        return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2, axis=0)

    start = [-1.2, 1.0] if n == 2 else numpy.full(n, -1.2)
    return TestFunction("rosenbrock", fun, None, numpy.ones(n), 0.0, start,
                        _box(n, -5.0, 10.0))


def rastrigin(n: int = 2) -> TestFunction:
    """Rastrigin's function: a bowl with a ripple,

        f(x) = 10 n + Σ_i [ x_i² − 10 cos(2π x_i) ],

    minimum 0 at x = 0 and a local minimum near every point of integers, so a local
    method stops in the dip it starts in (from the start (2.5, …), BFGS stops at the local
    minimum near (1.99, …)). Box [−5.12, 5.12]ⁿ.

    >>> f = rastrigin(2)
    >>> float(f(f.minimum)), float(f(numpy.array([1.0, 0.0])))
    (0.0, 1.0)
    """
    n = _dimension(n)

    def fun(x):
        return 10.0 * x.shape[0] + np.sum(x ** 2 - 10.0 * np.cos(2.0 * numpy.pi * x), axis=0)

    return TestFunction("rastrigin", fun, None, numpy.zeros(n), 0.0, numpy.full(n, 2.5),
                        _box(n, -5.12, 5.12))


def ackley(n: int = 2) -> TestFunction:
    """Ackley's function, with a = 20, b = 0.2, c = 2π:

        f(x) = −a exp(−b √(Σ x_i² / n)) − exp(Σ cos(c x_i) / n) + a + e,

    minimum 0 at x = 0, inside a field of local minima. The square root makes the
    minimum a cone: f is not differentiable at 0 (``smooth=False``), its directional
    derivative there is 4 ‖d‖/√n in every direction d. Start (2.5, …), in the basin of a
    local minimum near (1.97, …); box [−32.768, 32.768]ⁿ.

    >>> f = ackley(2)
    >>> abs(float(f(f.minimum))) < 1e-15
    True
    """
    n = _dimension(n)
    a, b, c = 20.0, 0.2, 2.0 * numpy.pi

    def fun(x):
        return (-a * np.exp(-b * np.sqrt(np.mean(x ** 2, axis=0)))
                - np.exp(np.mean(np.cos(c * x), axis=0)) + a + numpy.e)

    return TestFunction("ackley", fun, None, numpy.zeros(n), 0.0, numpy.full(n, 2.5),
                        _box(n, -32.768, 32.768), smooth=False)


# the root of d/dx (x⁴ − 16x² + 5x) = 4x³ − 32x + 5 near −2.9, and half the value there
_ST_ROOT = -2.903534027771177
_ST_VALUE = -39.16616570377141


def styblinski_tang(n: int = 2) -> TestFunction:
    """The Styblinski–Tang function, separable with two dips per coordinate:

        f(x) = ½ Σ_i ( x_i⁴ − 16 x_i² + 5 x_i ),

    global minimum −39.16616570… · n at x_i = −2.90353403 (the root of
    4x³ − 32x + 5 = 0), and a local minimum in each coordinate near +2.7468, so 2ⁿ − 1
    local minima in all. Start 0, downhill from which lies the global minimum; box
    [−5, 5]ⁿ.

    >>> f = styblinski_tang(3)
    >>> round(float(f(f.minimum)), 6)
    -117.498497
    """
    n = _dimension(n)

    def fun(x):
        return 0.5 * np.sum(x ** 4 - 16.0 * x ** 2 + 5.0 * x, axis=0)

    return TestFunction("styblinski_tang", fun, None, numpy.full(n, _ST_ROOT),
                        _ST_VALUE * n, numpy.zeros(n), _box(n, -5.0, 5.0))


def quadratic(n: int = 2, condition_number: float = 1e3, seed: int = 0) -> TestFunction:
    """An ill-conditioned convex quadratic,

        f(x) = ½ (x − x*)ᵀ A (x − x*),     A = Q diag(λ_1, …, λ_n) Qᵀ,

    with eigenvalues spaced geometrically from λ_1 = 1 to λ_n = κ (``condition_number``),
    so cond(A) = κ; Q is a random orthogonal matrix and x* a random point of [−1, 1]ⁿ,
    both drawn from ``seed`` (the same seed gives the same function). Gradient descent
    with step 1/κ shrinks the error by about (1 − 1/κ) per step; Newton's method solves
    it in one step. Minimum 0 at x*; start (4, …, 4); box [−5, 5]ⁿ.

    >>> import nabla
    >>> f = quadratic(3, condition_number=100.0, seed=0)
    >>> float(numpy.linalg.cond(nabla.hessian(f)(f.start)))  # doctest: +ELLIPSIS
    100.0...
    """
    n = _dimension(n)
    kappa = float(condition_number)
    if not kappa >= 1.0 or not numpy.isfinite(kappa):
        raise ValueError(f"condition_number must be a finite number ≥ 1; got {condition_number!r}")
    rng = numpy.random.default_rng(seed)
    q, r = numpy.linalg.qr(rng.standard_normal((n, n)))
    q = q * numpy.sign(numpy.diag(r))  # the uniformly distributed orthogonal matrix
    eig = kappa ** (numpy.arange(n) / (n - 1)) if n > 1 else numpy.ones(1)
    a = (q * eig) @ q.T
    a = 0.5 * (a + a.T)
    center = rng.uniform(-1.0, 1.0, n)

    def fun(x):
        d = x - center.reshape(center.shape + (1,) * (x.ndim - 1))
        return 0.5 * np.sum(d * np.tensordot(a, d, axes=1), axis=0)

    return TestFunction("quadratic", fun, None, center, 0.0, numpy.full(n, 4.0),
                        _box(n, -5.0, 5.0))


# ----------------------------------------------------------------------------- two variables


def beale() -> TestFunction:
    """Beale's function:

        f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²,

    minimum 0 at (3, 0.5); flat near y = 0 and very steep at the corners of the box
    [−4.5, 4.5]². Start (1, 1).

    >>> f = beale()
    >>> float(f(f.start)), float(f(f.minimum))
    (14.203125, 0.0)
    """
    def fun(v):
        x, y = v[0], v[1]
        return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
                + (2.625 - x + x * y ** 3) ** 2)

    return TestFunction("beale", fun, 2, [3.0, 0.5], 0.0, [1.0, 1.0], _box(2, -4.5, 4.5))


def booth() -> TestFunction:
    """Booth's function, a convex quadratic:

        f(x, y) = (x + 2y − 7)² + (2x + y − 5)²,

    minimum 0 at (1, 3). Start (0, 0); box [−10, 10]².

    >>> f = booth()
    >>> float(f(f.start))
    74.0
    """
    def fun(v):
        x, y = v[0], v[1]
        return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2

    return TestFunction("booth", fun, 2, [1.0, 3.0], 0.0, [0.0, 0.0], _box(2, -10.0, 10.0))


_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.2831859912861696),
    (3.5844283403304917, -1.8481265269644036),
)


def himmelblau() -> TestFunction:
    """Himmelblau's function:

        f(x, y) = (x² + y − 11)² + (x + y² − 7)²,

    four global minima, all with value 0: (3, 2), (−2.805118, 3.131313),
    (−3.779310, −3.283186) and (3.584428, −1.848127) (``minimum`` is the tuple of them);
    which one a local method reaches depends on where it starts. Start (0, 0);
    box [−5, 5]².

    >>> f = himmelblau()
    >>> len(f.minimum), float(f(f.start))
    (4, 170.0)
    """
    def fun(v):
        x, y = v[0], v[1]
        return (x ** 2 + y - 11.0) ** 2 + (x + y ** 2 - 7.0) ** 2

    return TestFunction("himmelblau", fun, 2, _HIMMELBLAU_MINIMA, 0.0, [0.0, 0.0],
                        _box(2, -5.0, 5.0))


def matyas() -> TestFunction:
    """The Matyas function, a flat convex quadratic (Hessian eigenvalues 0.04 and 1):

        f(x, y) = 0.26 (x² + y²) − 0.48 xy,

    minimum 0 at (0, 0). Start (4, −2); box [−10, 10]².

    >>> f = matyas()
    >>> float(f(f.start))
    9.04
    """
    def fun(v):
        x, y = v[0], v[1]
        return 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y

    return TestFunction("matyas", fun, 2, [0.0, 0.0], 0.0, [4.0, -2.0], _box(2, -10.0, 10.0))


def three_hump_camel() -> TestFunction:
    """The three-hump camel function:

        f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²,

    global minimum 0 at (0, 0) and two local minima (value 0.2986) near ±(1.748, −0.874).
    Start (−2, 2), in the basin of the local minimum (−1.748, 0.874); box [−5, 5]².

    >>> f = three_hump_camel()
    >>> float(f(f.minimum))
    0.0
    """
    def fun(v):
        x, y = v[0], v[1]
        return 2.0 * x ** 2 - 1.05 * x ** 4 + x ** 6 / 6.0 + x * y + y ** 2

    return TestFunction("three_hump_camel", fun, 2, [0.0, 0.0], 0.0, [-2.0, 2.0],
                        _box(2, -5.0, 5.0))


def goldstein_price() -> TestFunction:
    """The Goldstein–Price function:

        f(x, y) = [1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)]
                · [30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)],

    global minimum 3 at (0, −1), local minima (values 30, 84, 840) elsewhere in the box
    [−2, 2]², where f ranges up to about 10⁶. Start (−0.5, 0.5), in the basin of the local
    minimum (−0.6, −0.4) where f = 30.

    >>> f = goldstein_price()
    >>> float(f(f.minimum)), float(f(numpy.zeros(2)))
    (3.0, 600.0)
    """
    def fun(v):
        x, y = v[0], v[1]
        a = 1.0 + (x + y + 1.0) ** 2 * (19.0 - 14.0 * x + 3.0 * x ** 2 - 14.0 * y
                                          + 6.0 * x * y + 3.0 * y ** 2)
        b = 30.0 + (2.0 * x - 3.0 * y) ** 2 * (18.0 - 32.0 * x + 12.0 * x ** 2 + 48.0 * y
                                                 - 36.0 * x * y + 27.0 * y ** 2)
        return a * b

    return TestFunction("goldstein_price", fun, 2, [0.0, -1.0], 3.0, [-0.5, 0.5],
                        _box(2, -2.0, 2.0))


# ----------------------------------------------------------------------------- registry

_FACTORIES = {
    "rosenbrock": rosenbrock,
    "beale": beale,
    "booth": booth,
    "himmelblau": himmelblau,
    "matyas": matyas,
    "three_hump_camel": three_hump_camel,
    "goldstein_price": goldstein_price,
    "rastrigin": rastrigin,
    "ackley": ackley,
    "styblinski_tang": styblinski_tang,
    "quadratic": quadratic,
}

#: The names ``get`` knows.
NAMES = tuple(_FACTORIES)


def get(name: str, **kwargs) -> TestFunction:
    """The test function called ``name`` (case, hyphens and spaces do not matter), built
    with ``kwargs`` (``n`` for the n-dimensional ones; ``condition_number`` and ``seed``
    for ``quadratic``).

    >>> get("Goldstein-Price").value, get("rosenbrock", n=10).n
    (3.0, 10)
    """
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_").replace("–", "_")
    if key not in _FACTORIES:
        raise ValueError(f"unknown test function {name!r}; the known ones are "
                         + ", ".join(NAMES))
    return _FACTORIES[key](**kwargs)


#: One instance of each test function, the n-dimensional ones with n = 2.
ALL = tuple(factory() for factory in _FACTORIES.values())
