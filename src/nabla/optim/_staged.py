"""The ``jit`` keyword of the loops that call one function many times with the same shapes.

:func:`nabla.optim.minimize` (the objective's gradient and Hessian), :func:`nabla.nn.fit`
(the loss and gradient of a mini-batch) and :func:`nabla.prob.advi` (the ELBO estimate and
its gradient) hand that function to :class:`Staged`, which runs it compiled by
:func:`nabla.jit` when it can and eagerly when it cannot, never giving another result:

- a function Python cannot stage (it branches on a value, ``if x > 0``, or converts one,
  ``float(x)``: :class:`nabla.ConcretizationError`) runs eagerly from then on;
- on the first call, the compiled result is compared with an eager call's: a function
  whose result depends on more than its arguments (it draws random numbers, or reads
  state that changes between calls) would have that frozen into the program when it is
  traced, so it too runs eagerly from then on.

The keyword takes three values (:func:`check_jit`): ``False``, always eager; ``True``,
compiled, and a ``UserWarning`` that says why and how to fix it when the function runs
eagerly after all; ``"auto"``, the same without the warning. The callers draw their random
numbers outside the function and pass them in, so the compiled and eager paths consume the
random generator alike and give the same iterates.

>>> import warnings
>>> import numpy as np
>>> square = Staged(lambda x: np.sum(x ** 2), "demo", "f")
>>> float(square(np.arange(3.0))), square.compiled
(5.0, True)
>>> branchy = Staged(lambda x: x if x > 0 else -x, "demo", "f")
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     float(branchy(np.float64(-2.0))), branchy.compiled
(2.0, False)
>>> str(caught[0].message).split(",")[0]
'demo: jit=True'
"""

from __future__ import annotations

import warnings

import numpy as np

from nabla import tree
from nabla.core import ConcretizationError
from nabla.jit import jit

__all__ = ["Staged", "check_jit", "staged_on_leaves"]


def check_jit(value, who):
    """``value`` if it is ``True``, ``False`` or ``"auto"``; else a ``TypeError``."""
    if value is True or value is False or (isinstance(value, str) and value == "auto"):
        return value
    raise TypeError(f"{who}: jit must be True, False or 'auto', got {value!r}")


def _agree(compiled, eager):
    """Whether two results have the same structure and values, to rounding (a relative
    ``√eps`` of each leaf's largest entry: compiled code may group sums differently)."""
    left, left_tree = tree.flatten(compiled)
    right, right_tree = tree.flatten(eager)
    if left_tree != right_tree:
        return False
    for a, b in zip(left, right):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if not np.issubdtype(b.dtype, np.inexact):
            if not np.array_equal(a, b):
                return False
            continue
        finite = np.isfinite(b)
        scale = float(np.max(np.abs(b[finite]), initial=0.0))
        rtol = float(np.finfo(b.dtype).eps) ** 0.5
        if not np.allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=True):
            return False
    return True


class Staged:
    """``fun`` compiled with :func:`nabla.jit`, or run eagerly where that would fail or
    differ (module docstring); ``compiled`` says which, so far. ``who`` (the caller, as
    ``'minimize'``) and ``what`` (the user's function, as ``'f'``) name them in the
    warning, given unless ``quiet`` (``jit="auto"``)."""

    def __init__(self, fun, who, what, quiet=False):
        self.fun, self.who, self.what, self.quiet = fun, who, what, quiet
        self._jitted = jit(fun)
        self._checked = False
        self.compiled = True

    def __call__(self, *args):
        if not self.compiled:
            return self.fun(*args)
        try:
            result = self._jitted(*args)
        except ConcretizationError as error:
            self._fall_back(f"it cannot be compiled: {error}")
            return self.fun(*args)
        if not self._checked:
            self._checked = True
            eager = self.fun(*args)
            if not _agree(result, eager):
                self._fall_back("compiled, it gave another result than run eagerly: it "
                                "depends on more than its arguments (it draws random numbers, "
                                "or reads state that changes between calls), which jit would "
                                "freeze when tracing it. Pass those in as arguments.")
                return eager
        return result

    def _fall_back(self, reason):
        self.compiled = False
        if not self.quiet:
            warnings.warn(f"{self.who}: jit=True, but {self.what} runs eagerly (as with "
                          f"jit=False, with the same results) because {reason} Pass "
                          "jit=False to run it eagerly, or jit='auto' to fall back silently.",
                          UserWarning, stacklevel=4)


def staged_on_leaves(fun, structure, who, what, quiet=False):
    """``fun(params, *rest)`` run by :class:`Staged` with ``params``, a pytree of the
    given ``structure`` at every call, passed as its list of leaves: the cache key of
    :func:`nabla.jit` is then the leaves' shapes and dtypes, not ``structure``, which
    need not be hashable (an ``nn.MLP`` keeps its layer sizes as a list).

    >>> import numpy as np
    >>> from nabla import tree
    >>> params = {"w": np.ones(2), "sizes": [np.zeros(1)]}
    >>> norm = staged_on_leaves(lambda p, s: s * np.sum(p["w"] ** 2), tree.structure(params),
    ...                         "demo", "f")
    >>> float(norm(params, 3.0))
    6.0
    """
    staged = Staged(lambda leaves, *rest: fun(tree.unflatten(structure, leaves), *rest),
                    who, what, quiet)
    return lambda params, *rest: staged(tree.leaves(params), *rest)
