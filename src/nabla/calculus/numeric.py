"""Derivatives from the limit definition: finite differences, complex step, Richardson.

The derivative is a limit of slopes of secants,

    f'(x) = lim_{h→0} (f(x + h) − f(x)) / h,

and a computer can only take h small, not to the limit. Each formula trades two errors:

- **truncation**, from stopping short of the limit (Taylor: ``f(x+h) = f(x) + h f'(x)
  + h²/2 f''(x) + …``). The forward difference ``(f(x+h) − f(x))/h`` and the backward
  difference ``(f(x) − f(x−h))/h`` are off by about ``h/2·|f''|``; the central difference
  ``(f(x+h) − f(x−h))/2h`` cancels the even terms and is off by ``h²/6·|f'''|``;
- **round-off**: ``f`` is known only to about ``ε·|f|`` (ε the machine epsilon, 2.2e-16 in
  float64), and subtracting two nearly equal values loses that much absolutely, so the
  quotient carries an error of about ``ε·|f|/h``.

Balancing the two gives the best steps: ``h ≈ √ε`` for one-sided differences (error
≈ √ε ≈ 1e-8) and ``h ≈ ε^(1/3)`` for central ones (error ≈ ε^(2/3) ≈ 4e-11), scaled by
``max(1, |x|)`` (:func:`default_step`). :func:`secant_slopes` shows the trade-off as a
table.

Two ways round it: the **complex step** ``f'(x) ≈ Im f(x + ih)/h`` has no subtraction, so
no cancellation, and ``h = 1e-20`` gives f' to machine precision (``f`` must accept
complex input); **Richardson extrapolation** (:func:`richardson`) combines central
differences at shrinking h to cancel the h², h⁴, … terms one after another.

:func:`gradient` and :func:`jacobian` apply a difference entry by entry to a pytree
input and return what ``nabla.grad`` and ``nabla.jacfwd`` return, so the numbers can be
compared directly with automatic differentiation.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nabla import tree
from nabla.transforms import grad
from nabla.transforms.arguments import like_input

__all__ = [
    "METHODS",
    "Richardson",
    "SecantTable",
    "default_step",
    "derivative",
    "gradient",
    "jacobian",
    "richardson",
    "secant_slopes",
]

METHODS = ("central", "forward", "backward", "complex")

# Where the two points of each real difference lie, in units of h: (f(b) − f(a)) / (b − a).
_OFFSETS = {"forward": (0, 1), "backward": (-1, 0), "central": (-1, 1)}
# Power of ε in the best step: 1/2 for one-sided differences, 1/3 for central ones.
_EPS_POWER = {"forward": 1 / 2, "backward": 1 / 2, "central": 1 / 3}
_COMPLEX_STEP = 1e-20


# --------------------------------------------------------------------------------------
# Checking what the user passed
# --------------------------------------------------------------------------------------


def _check_callable(f, who):
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, got {type(f).__name__} {f!r}")


def _check_method(method, who):
    if method not in METHODS:
        raise ValueError(f"{who}: unknown method {method!r}; choose one of {METHODS}")


def _as_point(x, who):
    """One leaf of the point of differentiation as a real floating-point array."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.ndarray)):
        raise TypeError(f"{who}: x must be real floating-point numbers or arrays (in any "
                        f"pytree of tuples, lists, dicts, ...), got {type(x).__name__} {x!r}")
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{who}: x must be floating-point, got {x.dtype}: pass 1.0 instead "
                        "of 1, or x.astype(float) for an array")
    return x


def _checked_step(h, who):
    h = np.asarray(h, dtype=float)
    if not (np.all(h > 0) and np.all(np.isfinite(h))):
        raise ValueError(f"{who}: the step h must be positive and finite, got {h}")
    return h


# --------------------------------------------------------------------------------------
# Steps and difference quotients
# --------------------------------------------------------------------------------------


def default_step(x, method="central"):
    """The step h that balances truncation and round-off error for ``method`` at ``x``.

    With ε the machine epsilon of x's dtype: ``√ε · max(1, |x|)`` for forward and
    backward differences (error ≈ h/2·|f''| + ε|f|/h, smallest near h = √ε),
    ``ε^(1/3) · max(1, |x|)`` for central differences (error ≈ h²/6·|f'''| + ε|f|/h),
    and ``1e-20`` for the complex step, which subtracts nothing and so has no round-off
    to balance. ``max(1, |x|)`` keeps the step relative to x for large x and absolute
    near 0.

    >>> from nabla.calculus.numeric import default_step
    >>> print(f"{default_step(1.0, 'forward'):.3e} {default_step(1000.0, 'central'):.3e}")
    1.490e-08 6.055e-03
    """
    _check_method(method, "default_step")
    point = _as_point(x, "default_step")
    if method == "complex":
        return like_input(np.full_like(point, _COMPLEX_STEP), x)
    eps = np.finfo(point.dtype).eps
    return like_input(eps ** _EPS_POWER[method] * np.maximum(1, np.abs(point)), x)


def _complex_call(F, z):
    """``F(z)`` at a complex point, refusing functions that drop the imaginary part."""
    advice = ("The complex-step derivative evaluates f at x + ih and needs f to accept "
              "complex input and keep its imaginary part: write f with nabla.numpy/NumPy "
              "functions (not math.*, abs, float() or casts to a real dtype), or use "
              "method='central'.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            out = F(z)
        except (TypeError, np.exceptions.ComplexWarning) as e:
            raise TypeError(f"f failed on complex input ({type(e).__name__}: {e}). "
                            f"{advice}") from e
    if not np.iscomplexobj(out):
        raise TypeError(f"f returned a real value at the complex point x + ih, so the "
                        f"imaginary part that carries the derivative was lost. {advice}")
    return out


def _quotient(F, x, h, method, fx):
    """The difference quotient of ``F`` at ``x`` with step ``h``; ``fx`` is ``F(x)``.

    The real methods divide by the distance between the two points actually used,
    ``b − a``, rather than by h: x ± h is rounded to a float, and dividing by the
    rounded step removes that part of the error.
    """
    if method == "complex":
        return np.imag(_complex_call(F, x + 1j * h)) / h
    lo, hi = _OFFSETS[method]
    a, b = x + lo * h, x + hi * h
    fa = fx if lo == 0 else F(a)
    fb = fx if hi == 0 else F(b)
    return (fb - fa) / (b - a)


def derivative(f, x, h=None, method="central"):
    """The derivative f'(x) of a function of one variable, by a difference quotient.

    ``method`` is one of

    - ``"forward"``:  ``(f(x+h) − f(x)) / h``, error O(h);
    - ``"backward"``: ``(f(x) − f(x−h)) / h``, error O(h);
    - ``"central"``:  ``(f(x+h) − f(x−h)) / 2h``, error O(h²);
    - ``"complex"``:  ``Im f(x + ih) / h``, error O(h²) with no cancellation; f must
      accept complex input (a ``TypeError`` says so if it does not).

    ``h`` defaults to :func:`default_step`. ``x`` is a float, or an array of points at
    which an elementwise ``f`` is differentiated all at once; f's value may be an array.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.numeric import derivative
    >>> f = lambda x: np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)
    >>> print(f"{derivative(f, 1.5):.9f}  {derivative(f, 1.5, method='complex'):.14f}")
    4.053427894  4.05342789389862
    """
    _check_callable(f, "derivative")
    _check_method(method, "derivative")
    point = _as_point(x, "derivative")
    h = default_step(point, method) if h is None else _checked_step(h, "derivative")
    F = lambda p: np.asarray(f(p))
    fx = F(point) if method in ("forward", "backward") else None
    return like_input(_quotient(F, point, h, method, fx), x)


# --------------------------------------------------------------------------------------
# Gradients and Jacobians of pytrees, one entry at a time
# --------------------------------------------------------------------------------------


def _flat_output(out):
    """f's value as one flat vector, with what is needed to cut it back into blocks."""
    leaves, treedef = tree.flatten(out)
    arrays = [np.asarray(o) for o in leaves]
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
    return flat, treedef, [a.shape for a in arrays]


class _Evaluation(NamedTuple):
    """f at the point x of a pytree: x's leaves as given and as float arrays, its tree,
    and f's value flattened (``fx``), with its tree and leaf shapes."""

    originals: list
    leaves: list
    in_tree: tree.TreeDef
    fx: np.ndarray
    out_tree: tree.TreeDef
    out_shapes: list


def _evaluate(f, x, method, who):
    _check_callable(f, who)
    _check_method(method, who)
    originals, in_tree = tree.flatten(x)
    leaves = [_as_point(v, who) for v in originals]
    return _Evaluation(originals, leaves, in_tree,
                       *_flat_output(f(tree.unflatten(in_tree, leaves))))


def _columns(f, at, h, method, who):
    """Per input leaf, the matrix whose column j is d(flat output)/d(entry j of the leaf)."""
    step = None if h is None else _checked_step(h, who)
    leaves = at.leaves

    def moved(i, j):
        def F(p):  # f with entry j of leaf i moved to p
            leaf = leaves[i].astype(np.result_type(leaves[i], p), copy=True)
            leaf.flat[j] = p
            return _flat_output(f(tree.unflatten(at.in_tree, [*leaves[:i], leaf,
                                                              *leaves[i + 1:]])))[0]
        return F

    columns = []
    for i, leaf in enumerate(leaves):
        entries = leaf.ravel()
        hs = default_step(entries, method) if step is None else np.broadcast_to(step, entries.shape)
        cols = [_quotient(moved(i, j), entries[j], hs[j], method, at.fx)
                for j in range(entries.size)]
        columns.append(np.stack(cols, axis=-1) if cols else np.zeros((at.fx.size, 0)))
    return columns


def gradient(f, x, h=None, method="central"):
    """The gradient ∇f(x) of a scalar ``f`` by differences, with x's pytree structure.

    Entry by entry, ``∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h`` (or the forward,
    backward or complex-step quotient, as in :func:`derivative`), with ``h`` from
    :func:`default_step` for each entry unless given. The result has the structure and
    types of ``nabla.grad(f)(x)``; it costs two evaluations of f per entry (one for the
    one-sided and complex methods), where ``nabla.grad`` costs a few.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.numeric import gradient
    >>> g = gradient(lambda p: np.sum(p["w"] ** 2) + 3 * p["b"], {"w": np.asarray([1.0, 2.0]),
    ...                                                          "b": 0.5})
    >>> {k: np.round(v, 8) for k, v in g.items()}
    {'b': np.float64(3.0), 'w': array([2., 4.])}
    """
    at = _evaluate(f, x, method, "gradient")
    if at.out_shapes != [()]:
        raise TypeError(f"gradient requires f to return a scalar, got a value of structure "
                        f"{at.out_tree} with shapes {at.out_shapes}; use jacobian for the "
                        "derivative of every output")
    columns = _columns(f, at, h, method, "gradient")
    grads = [like_input(c[0].reshape(v.shape), o)
             for c, v, o in zip(columns, at.leaves, at.originals)]
    return tree.unflatten(at.in_tree, grads)


def jacobian(f, x, h=None, method="central"):
    """The Jacobian of ``f`` by differences, with the structure of ``nabla.jacfwd(f)(x)``.

    Column j of J is ``∂f/∂xⱼ ≈ (f(x + h eⱼ) − f(x − h eⱼ)) / 2h`` (or the quotient of
    ``method``, as in :func:`derivative`). For an output leaf of shape ``out`` and an input
    leaf of shape ``in`` the block has shape ``out + in``; blocks are nested as the output
    tree of input trees, as in JAX.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.numeric import jacobian
    >>> np.round(jacobian(lambda v: v[0] * v, np.asarray([2.0, 3.0])), 8)
    array([[4., 0.],
           [3., 2.]])
    """
    at = _evaluate(f, x, method, "jacobian")
    columns = _columns(f, at, h, method, "jacobian")
    starts = np.cumsum([0] + [int(np.prod(s)) for s in at.out_shapes])
    rows = [tree.unflatten(at.in_tree, [c[start:stop].reshape(shape + v.shape)
                                        for c, v in zip(columns, at.leaves)])
            for start, stop, shape in zip(starts[:-1], starts[1:], at.out_shapes)]
    return tree.unflatten(at.out_tree, rows)


# --------------------------------------------------------------------------------------
# Richardson extrapolation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Richardson:
    """The result of :func:`richardson`.

    ``value``: the best estimate of f'(x); ``error``: an estimate of its absolute error
    (largest over f's outputs); ``tableau``: the triangle ``T[i, j]`` of extrapolations
    (row i uses steps down to ``h[i]``, column j has cancelled the h², …, h^(2j) terms;
    NaN above the diagonal); ``h``: the step of each row.
    """

    value: object
    error: float
    tableau: np.ndarray
    h: np.ndarray


def _largest(d):
    return float(np.max(np.abs(d)))


def richardson(f, x, h=None, factor=2.0, steps=10):
    """f'(x) by Richardson extrapolation of central differences, with an error estimate.

    The central difference ``D(h) = (f(x+h) − f(x−h))/2h = f'(x) + c₁h² + c₂h⁴ + …``
    has an error expansion in even powers of h. With ``hᵢ = h/factorⁱ`` and
    ``T[i, 0] = D(hᵢ)``, each column cancels the next power:

        T[i, j] = T[i, j−1] + (T[i, j−1] − T[i−1, j−1]) / (factor^(2j) − 1).

    The error of ``T[i, j]`` is estimated by its distance to the two entries it was made
    from, and at least the round-off ``ε·|f(x)|/hᵢ`` of the differences in its row; the
    entry with the smallest estimate is the answer. The tableau stops growing
    when the diagonal moves away by more than twice the best estimate (round-off has
    taken over), as in Ridders' method (Numerical Recipes ``dfridr``). ``h`` (the first
    step) defaults to 0.1: large, since extrapolation removes the truncation error, but it
    should be smaller than the distance over which f changes character (a singularity,
    a period); the error estimate cannot see past a step that jumps over one.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.numeric import richardson
    >>> r = richardson(np.exp, 0.0)
    >>> print(f"{r.value:.14f}", r.error < 1e-12, r.tableau.shape)
    1.00000000000000 True (7, 7)
    """
    _check_callable(f, "richardson")
    point = _as_point(x, "richardson")
    if point.ndim != 0:
        raise ValueError(f"richardson: x must be a single number, got shape {point.shape}; "
                         "use derivative or gradient for many points")
    if not (isinstance(steps, numbers.Integral) and steps >= 2):
        raise ValueError(f"richardson: steps must be an integer ≥ 2, got {steps!r}")
    if not factor > 1:
        raise ValueError(f"richardson: factor must be > 1, got {factor!r}")
    h0 = 0.1 if h is None else float(_checked_step(h, "richardson"))
    F = lambda p: np.asarray(f(p))
    noise = np.finfo(point.dtype).eps * _largest(F(point))  # round-off in f's values
    rows, best, error = [], None, np.inf
    for i in range(steps):
        hi = h0 / factor ** i
        row = [_quotient(F, point, hi, "central", None)]
        for j in range(1, i + 1):
            row.append(row[j - 1] + (row[j - 1] - rows[i - 1][j - 1]) / (factor ** (2 * j) - 1))
            estimate = max(_largest(row[j] - row[j - 1]), _largest(row[j] - rows[i - 1][j - 1]),
                           noise / hi)
            if estimate <= error:
                best, error = row[j], estimate
        rows.append(row)
        if i and _largest(row[i] - rows[i - 1][i - 1]) >= 2 * error:
            break
    tableau = np.full((len(rows), len(rows)) + row[0].shape, np.nan)
    for i, row in enumerate(rows):
        tableau[i, : i + 1] = row
    return Richardson(like_input(best, x), error, tableau, h0 / factor ** np.arange(len(rows)))


# --------------------------------------------------------------------------------------
# Secants turning into the tangent
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecantTable:
    """The result of :func:`secant_slopes`: one row per step ``h``.

    ``slope[k]`` is the slope of the secant from x to x + h[k]; ``error[k]`` its distance
    to the exact derivative ``exact`` (from ``nabla.grad``); ``best_h`` the step with the
    smallest error. ``str()`` gives the table.
    """

    x: float
    h: np.ndarray
    slope: np.ndarray
    error: np.ndarray
    exact: float
    best_h: float

    def __str__(self):
        lines = [f"secant slopes (f(x+h) − f(x))/h at x = {self.x:g}; "
                 f"exact f'(x) = {self.exact:.16g}",
                 f"{'h':>10}  {'slope':>22}  {'error':>9}"]
        for h, slope, error in zip(self.h, self.slope, self.error):
            mark = "  ← best" if h == self.best_h else ""
            lines.append(f"{h:10.1e}  {slope:22.16g}  {error:9.2e}{mark}")
        eps = np.finfo(float).eps
        lines.append(f"truncation error ≈ h/2·|f''| falls with h, round-off ≈ ε|f|/h rises; "
                     f"best h = {self.best_h:.1e}, √ε = {np.sqrt(eps):.1e}")
        return "\n".join(lines)


def secant_slopes(f, x, hs=None):
    """Forward-difference slopes ``(f(x+h) − f(x))/h`` as h shrinks: secant → tangent.

    Each slope is compared with the exact f'(x) from ``nabla.grad``: the error first
    falls like h/2·|f''(x)| (truncation), then rises like ε|f(x)|/h (round-off), so the
    best h is near √ε ≈ 1.5e-8. ``hs`` defaults to 10⁻¹, 10^-1.5, …, 10⁻¹⁶.

    >>> import nabla.numpy as np
    >>> from nabla.calculus.numeric import secant_slopes
    >>> table = secant_slopes(np.exp, 1.0)
    >>> print(f"{table.best_h:.0e}", table.error.min() < 1e-7, table.error[0] > 0.1)
    1e-08 True True
    """
    _check_callable(f, "secant_slopes")
    point = _as_point(x, "secant_slopes")
    if point.ndim != 0:
        raise ValueError(f"secant_slopes: x must be a single number, got shape {point.shape}")
    hs = 10.0 ** -np.arange(1, 16.5, 0.5) if hs is None else _checked_step(hs, "secant_slopes")
    hs = np.atleast_1d(hs)
    exact = float(grad(f)(point))
    fx = f(point)
    slopes = np.array([float((f(point + h) - fx) / h) for h in hs])
    errors = np.abs(slopes - exact)
    return SecantTable(float(point), hs, slopes, errors, exact, float(hs[np.argmin(errors)]))
