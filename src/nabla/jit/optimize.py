"""Making a staged program shorter before it runs.

Four classic passes, in one forward sweep and one backward sweep over the equations:

* **inlining** of ``custom_vjp``/``custom_jvp`` calls (their rule matters only to
  transforms, and a compiled program is past all transforms);
* **constant folding**: an equation whose inputs are all constants is computed once, now;
* **algebraic simplification** of what derivative rules produce: ``x + 0``, ``x - 0``,
  ``x * 1``, ``x / 1``, ``x ** 1`` and ``stop_gradient(x)`` are ``x`` (when the result
  has ``x``'s shape and dtype, so broadcasting and promotion are not lost);
* **common subexpressions**: an equation identical to an earlier one (same primitive,
  same inputs, same parameters) reuses its result;
* **dead code**: an equation none of whose results is used is removed.

Every primitive is a pure function of its inputs, which is what makes these correct.
"""

from __future__ import annotations

import numpy as np

from nabla.core.staging import Equation, Program, Var, custom_call


def _is_constant(atom, value):
    """Whether ``atom`` is a constant equal to ``value`` everywhere."""
    if type(atom) is Var or isinstance(atom, (str, bytes)):
        return False
    try:
        return bool(np.all(np.asarray(atom) == value))
    except (TypeError, ValueError):
        return False


def _same_type(atom, var):
    if type(atom) is Var:
        return atom.shape == var.shape and atom.dtype == var.dtype
    return np.shape(atom) == var.shape and getattr(atom, "dtype", None) == var.dtype


# (implementation, argument position that must be the neutral element, its value,
#  position of the argument that is the result)
_IDENTITIES = [
    (np.add, 1, 0, 0), (np.add, 0, 0, 1),
    (np.subtract, 1, 0, 0),
    (np.multiply, 1, 1, 0), (np.multiply, 0, 1, 1),
    (np.divide, 1, 1, 0),
    (np.true_divide, 1, 1, 0),
    (np.power, 1, 1, 0),
]


def _uniform_as_scalar(atom, eqn):
    """A constant array with one value everywhere, as that value (a scalar of its dtype),
    when broadcasting the scalar gives the same result: one number read instead of an
    array (derivative rules make such arrays, e.g. the 1/n of a mean's gradient)."""
    if (not isinstance(atom, np.ndarray) or atom.size < 2 or eqn.prim.name not in _ELEMENTWISE
            or not any(type(a) is Var and a.shape == eqn.outputs[0].shape for a in eqn.inputs)):
        return atom
    first = atom.flat[0]
    return first if np.all(atom == first) else atom


# elementwise primitives, where a uniform constant operand can be a scalar
_ELEMENTWISE = {"add", "subtract", "multiply", "divide", "true_divide", "power", "maximum",
                "minimum", "where"}


def _identity_result(eqn, inputs):
    """The input that ``eqn`` merely passes on, or ``None``."""
    if eqn.prim.name == "stop_gradient":
        return inputs[0] if _same_type(inputs[0], eqn.outputs[0]) else None
    for impl, neutral_at, neutral, result_at in _IDENTITIES:
        if (eqn.prim.impl is impl and len(inputs) == 2 and _is_constant(inputs[neutral_at], neutral)
                and _same_type(inputs[result_at], eqn.outputs[0])):
            return inputs[result_at]
    return None


def _freeze(value):
    """A hashable key for a parameter value (identity for what cannot be compared)."""
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return ("dict",) + tuple((k, _freeze(v)) for k, v in sorted(value.items(), key=str))
    if isinstance(value, np.ndarray):
        return ("array", id(value))
    if isinstance(value, slice):  # unhashable before Python 3.12
        return ("slice", _freeze(value.start), _freeze(value.stop), _freeze(value.step))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return (type(value).__name__, value)


def _atom_key(atom):
    if type(atom) is Var or isinstance(atom, np.ndarray):
        return ("id", id(atom))
    return _freeze(atom)


def _inline_custom_calls(equations):
    out = []
    for eqn in equations:
        if eqn.prim is not custom_call:
            out.append(eqn)
            continue
        body = eqn.params["body"]
        rename = dict(zip(body.inputs, eqn.inputs))
        inner = _inline_custom_calls(body.equations)
        for e in inner:
            outs = [Var(v.shape, v.dtype) for v in e.outputs]
            rename.update(zip(e.outputs, outs))
            out.append(Equation(e.prim, [rename.get(a, a) if type(a) is Var else a
                                         for a in e.inputs], e.params, outs, e.multiple))
        # the call's results are the body's outputs, renamed
        out.append(("alias", eqn.outputs,
                    [rename.get(a, a) if type(a) is Var else a for a in body.outputs]))
    return out


def _fold(eqn, inputs):
    """The results of an equation with constant inputs, or ``None`` if it cannot run now."""
    try:
        with np.errstate(all="ignore"):
            results = eqn.prim.impl(*inputs, **eqn.params)
    except Exception:  # it will raise at run time too, where the user can see it
        return None
    return list(results) if eqn.multiple else [results]


def optimize(program, inline=True):
    """A shorter :class:`Program` computing the same outputs (see the module docstring).

    With ``inline=False`` custom-rule calls stay, for programs that outer transforms will
    still differentiate.
    """
    subst = {}  # Var -> the atom that replaces it

    def read(a):
        return subst.get(a, a) if type(a) is Var else a

    equations = _inline_custom_calls(program.equations) if inline else program.equations
    seen, kept = {}, []
    for eqn in equations:
        if isinstance(eqn, tuple):  # an inlined call's results
            _, names, values = eqn
            subst.update(zip(names, [read(v) for v in values]))
            continue
        inputs = [_uniform_as_scalar(read(a), eqn) for a in eqn.inputs]
        if not any(type(a) is Var for a in inputs):
            results = _fold(eqn, inputs)
            if results is not None:
                subst.update(zip(eqn.outputs, results))
                continue
        if not eqn.multiple:
            same = _identity_result(eqn, inputs)
            if same is not None:
                subst[eqn.outputs[0]] = same
                continue
        key = (id(eqn.prim), tuple(_atom_key(a) for a in inputs), _freeze(eqn.params))
        earlier = seen.get(key)
        if earlier is not None:
            subst.update(zip(eqn.outputs, earlier.outputs))
            continue
        new = Equation(eqn.prim, inputs, _optimized_bodies(eqn.params), eqn.outputs,
                       eqn.multiple)
        seen[key] = new
        kept.append(new)
    outputs = [read(a) for a in program.outputs]
    return type(program)(program.inputs, _without_dead_code(kept, outputs), outputs,
                         program.in_tree, program.out_tree)


def _optimized_bodies(params):
    """The parameters of a loop or branch with their programs optimized too."""
    if not any(isinstance(v, Program) for v in params.values()):
        return params
    return {k: optimize(v) if isinstance(v, Program) else v for k, v in params.items()}


def _without_dead_code(equations, outputs):
    live = {id(a) for a in outputs if type(a) is Var}
    kept = []
    for eqn in reversed(equations):
        if any(id(v) in live for v in eqn.outputs):
            kept.append(eqn)
            live.update(id(a) for a in eqn.inputs if type(a) is Var)
    kept.reverse()
    return kept

