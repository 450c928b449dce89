"""What the transforms accept: which arguments, and which values, can be differentiated."""

from __future__ import annotations

import numbers

import numpy as np

from nabla import tree
from nabla.core import Tracer


def argnums_tuple(argnums, nargs, who):
    """``argnums`` (int or tuple of ints) as a tuple of valid positions."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or not all(isinstance(i, int) for i in nums):
        raise TypeError(f"{who}: argnums must be an int or a non-empty tuple of ints, "
                        f"got {argnums!r}")
    for i in nums:
        if not -nargs <= i < nargs:
            raise TypeError(f"{who}: argnums={argnums!r} asks for argument {i}, but the "
                            f"function was called with {nargs} positional argument(s)")
    return tuple(i % nargs for i in nums)


def split_args(f, args, kwargs, argnums, who):
    """``(g, diff)``: ``g(d)`` is ``f`` with the arguments at ``argnums`` replaced by ``d``.

    ``diff`` is the argument at ``argnums`` (an int) or the tuple of them.
    """
    nums = argnums_tuple(argnums, len(args), who)

    def g(d):
        full = list(args)
        for i, value in zip(nums, (d,) if isinstance(argnums, int) else d):
            full[i] = value
        return f(*full, **kwargs)

    diff = args[nums[0]] if isinstance(argnums, int) else tuple(args[i] for i in nums)
    return g, diff


def _dtype_name(x):
    return type(x).__name__ if isinstance(x, numbers.Number) else str(x.dtype)


def as_differentiable(x, who):
    """``x`` as a floating-point array (Python floats become float64 0-d arrays)."""
    if isinstance(x, Tracer) or (hasattr(x, "dtype") and hasattr(x, "shape")):
        if not np.issubdtype(x.dtype, np.floating):
            _refuse(x, who)
        return np.asarray(x) if isinstance(x, np.generic) else x
    if isinstance(x, float):
        return np.asarray(x)
    if isinstance(x, numbers.Number):
        _refuse(x, who)
    raise TypeError(
        f"{who} can only differentiate with respect to arrays and floats (in any pytree of "
        f"tuples, lists, dicts, ...), not {type(x).__name__}. Pass values that should not be "
        "differentiated as other arguments and leave them out of argnums."
    )


def _refuse(x, who):
    raise TypeError(
        f"{who} requires real floating-point inputs, got {_dtype_name(x)}. Pass floats: "
        "1.0 instead of 1, or x.astype(float) for an array. (A derivative with respect to "
        "an integer or boolean has no meaning.)"
    )


def prepare(diff, who):
    """Leaves of ``diff`` as differentiable arrays, with their tree and their original kinds."""
    leaves, treedef = tree.flatten(diff)
    return [as_differentiable(x, who) for x in leaves], treedef


def like_input(g, original):
    """A derivative returned in the kind of value the user passed: a Python float input
    gives back a NumPy float64 scalar, as NumPy itself would."""
    if isinstance(original, (float, np.generic)) and isinstance(g, np.ndarray) and g.ndim == 0:
        return g[()]
    return g
