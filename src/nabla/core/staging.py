"""Staging: record what a function does as a program, instead of only doing it.

Under a :class:`StagingTrace` every primitive applied to a :class:`StagingTracer` is
appended to a list of :class:`Equation` s, ``out = prim(inputs, **params)``, and the
primitive's implementation is also run on example values so that every intermediate has a
known shape and dtype. What comes out of :func:`stage` is a :class:`Program`: inputs,
equations in evaluation order, outputs. ``nabla.jit`` optimizes and compiles programs;
``nabla.control`` keeps loop bodies as programs; ``nabla.make_program`` prints them.

A staged value stands for *every* value of its shape and dtype, so Python cannot look at
it: ``if x > 0``, ``float(x)``, ``range(n)`` raise :class:`ConcretizationError`.

Staging is one more kind of trace, so it nests with the others by level: ``jit(grad(f))``
stages the forward *and* the backward pass (the reverse trace above the staging one
hands its primitives down to it), and values of outer transforms that a staged function
closes over become extra inputs of its program (they are *captured*).
"""

from __future__ import annotations

import contextvars

import numpy as np

from nabla import tree
from nabla.core.primitive import MultipleResultsPrimitive, Primitive
from nabla.core.trace import Trace, new_trace
from nabla.core.tracer import Tracer, concrete, example_value

_open_stagings = contextvars.ContextVar("nabla_open_stagings", default=0)


def staging_active() -> bool:
    """Whether a function is being staged in this thread (``nabla.control`` asks this to
    decide between running a Python loop and recording one loop equation)."""
    return _open_stagings.get() > 0


def is_staged(x) -> bool:
    """Whether the value under any tracers of ``x`` is staged by ``jit`` (known only when
    the program runs), so that checks on its data must wait or be skipped."""
    return isinstance(concrete(x), Tracer)


class ConcretizationError(TypeError):
    """A staged value was used where Python needs a concrete one (``if``, ``float``,
    a size, a slice bound)."""


def _concretization_error(what, branch=False):
    hint = ("Mark the argument it comes from as static (nabla.jit(f, static_argnums=...) "
            "or static_argnames=...)")
    if branch:
        hint += (", choose values with nabla.numpy.where(condition, a, b), or branch with "
                 "nabla.control.cond(pred, true_fun, false_fun, *operands)")
    return ConcretizationError(
        f"{what} of a value traced by jit: inside a jitted function an array argument "
        f"stands for every array of its shape and dtype, so Python cannot see its value. "
        f"{hint}."
    )


# --------------------------------------------------------------------------------------
# Programs
# --------------------------------------------------------------------------------------


class Var:
    """A value computed inside a program: its shape and dtype are known, not its data."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    @property
    def type_string(self):
        return f"{self.dtype}[{','.join(map(str, self.shape))}]"


class Equation:
    """``outputs = prim(*inputs, **params)``; an input is a :class:`Var` or a constant."""

    __slots__ = ("prim", "inputs", "params", "outputs", "multiple")

    def __init__(self, prim, inputs, params, outputs, multiple=False):
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.outputs = outputs
        self.multiple = multiple  # the primitive returns a tuple (one entry per output)

    @property
    def name(self):
        fn = self.params.get("fn")
        return getattr(fn, "__name__", self.prim.name) if fn is not None else self.prim.name


class Program:
    """A straight-line program of primitives: what a staged function does.

    ``print(program)`` shows one equation per line with the shapes and dtypes of what it
    computes; ``evaluate(*args)`` applies the primitives in order (to arrays, or to the
    tracers of outer transforms, which then differentiate the program).
    """

    def __init__(self, inputs, equations, outputs, in_tree=None, out_tree=None):
        self.inputs = list(inputs)
        self.equations = list(equations)
        self.outputs = list(outputs)
        self.in_tree = in_tree
        self.out_tree = out_tree

    def evaluate(self, *args):
        """The outputs (a flat list) for the input values ``args``, primitive by primitive."""
        env = dict(zip(self.inputs, args))
        for eqn in self.equations:
            ins = [env[a] if type(a) is Var else a for a in eqn.inputs]
            out = eqn.prim(*ins, **eqn.params)
            if eqn.multiple:
                env.update(zip(eqn.outputs, out))
            else:
                env[eqn.outputs[0]] = out
        return [env[a] if type(a) is Var else a for a in self.outputs]

    def __len__(self):
        return len(self.equations)

    def __str__(self):
        return format_program(self)

    def __repr__(self):
        return (f"<Program: {len(self.inputs)} inputs, {len(self.equations)} equations, "
                f"{len(self.outputs)} outputs>")


def _var_names():
    """a, b, ..., z, ba, bb, ...: short names in order of definition, as jaxprs use."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = 0
    while True:
        k, name = n, ""
        while True:
            name = letters[k % 26] + name
            k //= 26
            if k == 0:
                break
        yield name
        n += 1


def _show_param(value):
    if isinstance(value, Program):
        return f"<program of {len(value)} equations>"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _shown_inputs(eqn):
    """The inputs of an equation as written: for a NumPy call, its constant arguments too
    (``equal a 0.0``), in their places."""
    if "template" not in eqn.params:
        return eqn.inputs
    staged = iter(eqn.inputs)
    slots = set(eqn.params["slots"])
    return [next(staged) if i in slots else c for i, c in enumerate(eqn.params["template"])]


def format_program(program, indent=""):
    """The text of a program, one equation per line: ``name:dtype[shape] = prim inputs``."""
    names, fresh = {}, _var_names()

    def define(var):
        names[var] = next(fresh)
        return f"{names[var]}:{var.type_string}"

    def show(atom):
        if type(atom) is Var:
            return names[atom]
        if np.ndim(atom) == 0:
            return repr(atom.item() if hasattr(atom, "item") else atom)
        return f"const:{getattr(atom, 'dtype', '?')}[{','.join(map(str, np.shape(atom)))}]"

    lines = [indent + "{ lambda " + " ".join(define(v) for v in program.inputs) + " . let"]
    for eqn in program.equations:
        outs = " ".join(define(v) for v in eqn.outputs)
        params = {k: v for k, v in eqn.params.items()
                  if k not in ("fn", "template", "slots", "treedef")}
        shown = "".join(f"[{k}={_show_param(v)}]" for k, v in params.items())
        ins = " ".join(show(a) for a in _shown_inputs(eqn))
        lines.append(f"{indent}    {outs} = {eqn.name}{shown} {ins}".rstrip())
        for value in params.values():
            if isinstance(value, Program):
                lines.append(format_program(value, indent + "        "))
    outs = " ".join(show(a) for a in program.outputs)
    lines.append(f"{indent}  in ({outs}) }}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The staging trace
# --------------------------------------------------------------------------------------


def _type_of(value):
    dtype = getattr(value, "dtype", None)
    return np.shape(value), dtype if dtype is not None else np.result_type(value)


class StagingTracer(Tracer):
    """A placeholder for an array inside a staged function: a :class:`Var`, and the
    example value it had while being traced (used for shapes and dtypes only)."""

    __slots__ = ("var", "example")
    staged = True

    def __init__(self, trace, var, example):
        self._trace = trace
        self.var = var
        self.example = example

    @property
    def value(self):
        raise _concretization_error("Reading the data")

    @property
    def shape(self):
        return self.var.shape

    @property
    def dtype(self):
        return self.var.dtype

    @property
    def ndim(self):
        return len(self.var.shape)

    @property
    def size(self):
        return int(np.prod(self.var.shape))

    def __len__(self):
        if not self.var.shape:
            raise TypeError("len() of unsized object")
        return self.var.shape[0]

    def __repr__(self):
        return f"StagingTracer(level={self._trace.level}, {self.var.type_string})"

    def __bool__(self):
        raise _concretization_error("The truth value (if/while/and/or/bool())", branch=True)

    def __float__(self):
        raise _concretization_error("Conversion to a Python float (float(x))")

    def __int__(self):
        raise _concretization_error("Conversion to a Python int (int(x))")

    def __complex__(self):
        raise _concretization_error("Conversion to a Python complex (complex(x))")

    def __index__(self):
        raise _concretization_error(
            "Use as an integer (a size, a slice bound, range(n), zeros(n))")

    def __array__(self, dtype=None, copy=None):
        raise _concretization_error("Conversion to a NumPy array (np.asarray(x))")

    def item(self, *args):
        raise _concretization_error("Reading a number out (x.item())")

    def tolist(self):
        raise _concretization_error("Conversion to a list (x.tolist())")


class StagingTrace(Trace):
    """Records primitives as equations. Tracers of other traces that reach it (values
    a staged function closes over) are *captured*: they become extra program inputs."""

    __slots__ = ("equations", "inputs", "captured", "captured_vars")

    def __init__(self, level):
        super().__init__(level)
        self.equations = []
        self.inputs = []
        self.captured = []  # the outer tracers, in order of first use
        self.captured_vars = {}  # id(tracer) -> its input Var

    def new_input(self, example):
        var = Var(*_type_of(example))
        self.inputs.append(var)
        return StagingTracer(self, var, example)

    def atom(self, a):
        """The program's view of ``a``: a Var for a staged or captured value, else ``a``."""
        if isinstance(a, StagingTracer) and a._trace is self:
            return a.var
        if isinstance(a, Tracer):
            var = self.captured_vars.get(id(a))
            if var is None:
                var = self.captured_vars[id(a)] = Var(*_type_of(example_value(a)))
                self.captured.append(a)
            return var
        return a

    def _example(self, a):
        if isinstance(a, StagingTracer) and a._trace is self:
            return a.example
        return example_value(a)

    def _record(self, prim, args, params, results, multiple):
        outs = [Var(*_type_of(r)) for r in results]
        inputs = [self.atom(a) for a in args]
        self.equations.append(Equation(prim, inputs, params, outs, multiple))
        return [StagingTracer(self, v, r) for v, r in zip(outs, results)]

    # Example values only give shapes and dtypes; a branch that will not run on them (one
    # side of a cond) must not warn about, say, the square root of a negative example.
    def process(self, prim, args, params):
        if not self.active:
            self.check_active()
        with np.errstate(all="ignore"):
            ans = prim.impl(*[self._example(a) for a in args], **params)
        return self._record(prim, args, params, [ans], False)[0]

    def process_multiple(self, prim, args, params):
        if not self.active:
            self.check_active()
        with np.errstate(all="ignore"):
            outs = prim.impl(*[self._example(a) for a in args], **params)
        return tuple(self._record(prim, args, params, list(outs), True))

    def _process_custom(self, custom, args):
        self.check_active()
        leaves, in_tree = tree.flatten(args)
        body, captured, out_tree = stage(lambda *xs: custom.fun(*tree.unflatten(in_tree, xs)),
                                         [self._example(a) for a in leaves])
        if captured:  # its rule may close over the same values: keep it simple and inline
            return custom.fun(*args)
        results = body.evaluate(*[self._example(a) for a in leaves])
        outs = self._record(custom_call, leaves,
                            {"custom": custom, "in_tree": in_tree, "out_tree": out_tree,
                             "body": body}, results, True)
        return tree.unflatten(out_tree, outs)

    process_custom_vjp = _process_custom
    process_custom_jvp = _process_custom


def stage(fun, examples):
    """Trace ``fun(*inputs)`` into a :class:`Program`, the inputs having the shapes,
    dtypes (and, for shape inference, the values) of ``examples``.

    Returns ``(program, captured, out_tree)``: ``program.inputs`` are the inputs followed
    by one input per captured outer tracer (listed in ``captured``); the program's
    outputs are the leaves of ``fun``'s result, whose structure is ``out_tree``.
    """
    token = _open_stagings.set(_open_stagings.get() + 1)
    try:
        with new_trace(StagingTrace) as trace:
            tracers = [trace.new_input(e) for e in examples]
            out = fun(*tracers)
            leaves, out_tree = tree.flatten(out)
            outputs = [trace.atom(leaf) for leaf in leaves]
    finally:
        _open_stagings.reset(token)
    inputs = trace.inputs + [trace.captured_vars[id(c)] for c in trace.captured]
    return Program(inputs, trace.equations, outputs), trace.captured, out_tree


# --------------------------------------------------------------------------------------
# Primitives that exist for staging
# --------------------------------------------------------------------------------------


def _call_custom(*leaves, custom, in_tree, out_tree, body):
    return body.evaluate(*leaves)


class _CustomCall(MultipleResultsPrimitive):
    """A ``custom_vjp``/``custom_jvp`` function inside a program. Run, it evaluates the
    staged body; met by another transform, it calls the custom function again, so that
    transform uses the user's rule."""

    __slots__ = ()

    def __call__(self, *leaves, custom, in_tree, out_tree, body):
        if any(isinstance(a, Tracer) for a in leaves):
            return tree.leaves(custom(*tree.unflatten(in_tree, leaves)))
        return body.evaluate(*leaves)


custom_call = _CustomCall("custom_call", _call_custom)


def _call_numpy(*arrays, fn, template, slots, treedef):
    leaves = list(template)
    for slot, a in zip(slots, arrays):
        leaves[slot] = a
    args, kwargs = tree.unflatten(treedef, leaves)
    return fn(*args, **kwargs)


class _NumpyCall(Primitive):
    """A NumPy function with no derivative (a comparison, ``argsort``, ``isnan``) applied
    to staged values: recorded like a primitive, invisible to differentiation (every
    argument is taken at its staged level, under any outer tracers)."""

    __slots__ = ()

    def __call__(self, *arrays, **params):
        arrays = [concrete(a) for a in arrays]
        top = None
        for a in arrays:
            if isinstance(a, Tracer) and (top is None or a._trace.level > top.level):
                top = a._trace
        if top is None:
            return self.impl(*arrays, **params)
        return top.process(self, arrays, params)


numpy_call = _NumpyCall("numpy_call", _call_numpy)


def apply_nondifferentiable(fn, args, kwargs):
    """``fn(*args, **kwargs)`` where some array arguments are staged: one equation."""
    leaves, treedef = tree.flatten((tuple(args), kwargs))
    slots = tuple(i for i, a in enumerate(leaves) if isinstance(a, Tracer))
    template = tuple(None if i in slots else a for i, a in enumerate(leaves))
    return numpy_call(*[leaves[i] for i in slots], fn=fn, template=template, slots=slots,
                      treedef=treedef)
