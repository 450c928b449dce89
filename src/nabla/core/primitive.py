"""Primitives: NumPy functions that carry their own calculus.

A :class:`Primitive` is an implementation (a NumPy function) plus derivative rules:

* one **VJP rule** per argument, ``rule(g, ans, *args, **params)``, giving the cotangent
  of that argument from the cotangent ``g`` of the result ``ans`` (reverse mode, what
  ``grad`` uses); ``None`` for an argument through which no derivative flows;
* one **JVP rule**, ``jvp(args, tangents, ans, **params)``, giving the tangent of the
  result from the tangents of the arguments (``None`` for an argument that is not
  traced) (forward mode, what ``jvp`` and ``jacfwd`` use).

Rules are written with nabla's own differentiable functions, so a rule applied to
tracers is itself traced: derivatives of derivatives come for free, to any order.

Two shapes of rule cover most of NumPy, and have constructors that keep the tables short:

* :func:`elementwise` functions are given by their partial derivatives,
  ``sin: lambda x, ans: cos(x)``; the VJP (``g * ∂f/∂x``) and the JVP
  (``Σ t_i * ∂f/∂x_i``) are both derived from that one line.
* :func:`linear` functions (reshape, transpose, sum, indexing, ...) are given by their
  transpose; the JVP of a linear function is the function itself applied to the tangent.

A primitive may also carry a **batching rule** (``batch``), used when a whole batch of
tangents or cotangents goes through at once (``jacfwd``, ``jacrev``, ``hessian``):
elementwise primitives get theirs for free; others fall back to one call per batch member.

An implementation is a NumPy function, and NumPy hands calls on another library's arrays
(CuPy's) to that library (NEP 13/18), so the data's backend follows the data. Where that
fails (the library has no such function, or the implementation would convert the data to
NumPy) the call raises :class:`BackendError`, naming the primitive and the array's type:
nabla never copies data to the host behind the user's back.

Broadcasting needs no care in the rules: the core sums a cotangent down to its
argument's shape, broadcasts a tangent up to the result's shape, and casts both to the
right dtype (so float32 stays float32).
"""

from __future__ import annotations

import functools

import numpy as np

from nabla.core.batching import align_batched
from nabla.core.tracer import Tracer, top_trace


def is_foreign(x) -> bool:
    """Whether ``x`` is an array of another backend than NumPy (a CuPy array, say): it takes
    part in NumPy's dispatch (NEP 18) without being an ``ndarray`` or a tracer."""
    return hasattr(x, "__array_function__") and not isinstance(x, (np.ndarray, np.generic,
                                                                     Tracer))


def backend_name(x) -> str:
    """The type of the array ``x`` as its library presents it: ``cupy.ndarray`` for a
    class defined in ``cupy._core.core`` (private modules left out)."""
    cls = type(x)
    public = []
    for part in cls.__module__.split("."):
        if part.startswith("_"):
            break
        public.append(part)
    return ".".join(public + [cls.__qualname__])


class BackendError(TypeError):
    """A primitive has no implementation for the backend of its arrays."""


def backend_error(name, args, error):
    """The error to raise when primitive ``name`` failed with ``error`` on ``args``: a
    :class:`BackendError` naming the primitive and the array type when an argument is an
    array of another backend, else ``error`` itself."""
    if isinstance(error, BackendError):
        return error
    foreign = next((a for a in args if is_foreign(a)), None)
    if foreign is None:
        return error
    return BackendError(
        f"the primitive {name} has no implementation for arrays of type "
        f"{backend_name(foreign)}: its NumPy implementation failed with {error}. nabla "
        "does not copy the data to NumPy implicitly; move it yourself (e.g. x.get()) or "
        "use functions that this backend implements."
    )


class Primitive:
    """A NumPy function with derivative rules. Calling it applies it to arrays or tracers.

    With no tracer among the arguments the call is one type check per argument and then
    the NumPy implementation itself.
    """

    __slots__ = ("name", "impl", "vjps", "jvp", "batch")

    def __init__(self, name, impl, vjps=(), jvp=None, batch=None):
        self.name = name
        self.impl = impl
        self.vjps = tuple(vjps)
        self.jvp = jvp
        self.batch = batch  # rule for a batch of inputs at once (see nabla.core.batching)

    def __call__(self, *args, **params):
        # top_trace(args), spelled out: this is the entry of every operation
        top = None
        for a in args:
            if isinstance(a, Tracer):
                t = a._trace
                if top is None or t.level > top.level:
                    top = t
        if top is None:
            try:
                return self.impl(*args, **params)
            except TypeError as e:
                raise backend_error(self.name, args, e) from e
        return top.process(self, args, params)

    def __repr__(self):
        return f"<primitive {self.name}>"


class MultipleResultsPrimitive(Primitive):
    """A primitive whose implementation returns a tuple of arrays (``eigh``, ``svd``).

    Its VJP rules take the tuple of output cotangents (zeros for unused outputs) and the
    tuple of outputs; its JVP rule returns a tuple of tangents.
    """

    __slots__ = ()

    def __call__(self, *args, **params):
        top = top_trace(args)
        if top is None:
            try:
                return self.impl(*args, **params)
            except TypeError as e:
                raise backend_error(self.name, args, e) from e
        return top.process_multiple(self, args, params)


class _SameRuleForEach:
    """``vjps`` of a variadic primitive: entry ``i`` is the one rule, told it serves ``i``."""

    __slots__ = ("rule",)

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, argnum):
        return functools.partial(self.rule, argnum)


def variadic(name, impl, vjp, jvp):
    """A primitive over any number of array arguments (``concatenate``): the one VJP rule
    ``vjp(argnum, g, ans, *args, **params)`` serves every argument."""
    prim = Primitive(name, impl, (), jvp)
    prim.vjps = _SameRuleForEach(vjp)
    return prim


def _vjp_from_partial(partial, arity):
    if partial is None:
        return None
    if partial == 1:
        return lambda g, ans, *args: g
    if partial == -1:
        return lambda g, ans, *args: -g
    # Spelled out for one and two arguments: this runs once per node of every backward pass.
    if arity == 1:
        return lambda g, ans, x: g * partial(x, ans)
    if arity == 2:
        return lambda g, ans, x, y: g * partial(x, y, ans)
    return lambda g, ans, *args: g * partial(*args, ans)


def elementwise(impl, *partials, name=None):
    """An elementwise primitive given by its partial derivatives.

    Each partial is ``lambda *args, ans: ∂f/∂arg`` (``ans`` is ``f(*args)``, handy for
    ``exp`` or ``tanh``), or the constant ``1`` or ``-1``, or ``None`` for an argument
    that has no derivative. Example: ``multiply = elementwise(np.multiply,
    lambda x, y, ans: y, lambda x, y, ans: x)``.
    """

    def jvp(args, tangents, ans):
        total = None
        for t, partial in zip(tangents, partials):
            if t is None or partial is None:
                continue
            term = t if partial == 1 else -t if partial == -1 else t * partial(*args, ans)
            total = term if total is None else total + term
        return total

    def batch(values, batched):
        return prim(*align_batched(values, batched))

    vjps = [_vjp_from_partial(p, len(partials)) for p in partials]
    prim = Primitive(name or impl.__name__, impl, vjps, jvp, batch)
    return prim


def linear(impl, transpose, name=None):
    """A primitive linear in its one array argument, given by its transpose.

    ``transpose(g, ans, x, **params)`` maps a cotangent of the result back to ``x``;
    the JVP applies the primitive itself to the tangent.
    """
    prim = Primitive(name or impl.__name__, impl, (transpose,))
    prim.jvp = lambda args, tangents, ans, **params: prim(tangents[0], **params)
    return prim
