"""Fusing chains of elementwise primitives into numba kernels.

Run as NumPy code, ``tanh(x * w + b) ** 2`` is four passes over memory and four Python
calls, with a temporary array after each. Elementwise operations on arrays of one shape
can instead share one loop that reads each input once, computes everything in registers
and writes only the results that are needed: one call, one pass. That is *fusion*.

:func:`fuse` rewrites an optimized :class:`~nabla.core.Program`: it gathers maximal
groups of elementwise equations with the same result shape, and replaces each group of
two or more by a single equation whose primitive runs a kernel compiled by numba. An
equation can join a group when

* its primitive is a NumPy ufunc numba implements with NumPy's semantics (the table
  ``_OPS`` below, which also says for which kinds of loop: bool, int, float), or ``where``;
* each array input has the result's shape, or is 0-d (a scalar), or is a Python number;
* NumPy's loop for it (the dtypes :meth:`numpy.ufunc.resolve_dtypes` chooses, Python
  numbers weakly typed as in NumPy 2) is of bool, integers, float32 or float64, and gives
  the dtype the program recorded.

Groups may span other equations: a group stays open across equations that do not read
it, and is emitted just before the first one that does (an equation that reads a group
forces it out). Values computed in a group that anything outside reads (or that the
program returns) are the kernel's extra outputs; the others live only in registers.

The kernel is generated source, one line per fused equation, each operand cast to the
dtype of NumPy's loop and each result to the recorded dtype, so float32 stays float32 and
a Python float stays weak: results equal NumPy's up to the rounding of the math library
(a few units in the last place for ``exp``, ``sin``, ...). Its file goes to nabla's cache
directory (:mod:`nabla.jit.disk_cache`) and it is compiled with ``@njit(cache=True)``, so
numba's machine code is also kept on disk for the next process. ``error_model="numpy"``
makes ``1/0`` give ``inf`` as in NumPy instead of raising.

A small generated Python function around the kernel flattens the arrays, makes scalars of
0-d values, allocates the outputs (fresh ones each call, so calls from several threads
never share a buffer) and reshapes them back.
"""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core.primitive import Primitive
from nabla.core.staging import Equation, Program, Var, numpy_call
from nabla.jit.codegen import compile_source
from nabla.jit.disk_cache import source_module


def load_numba():
    """The numba module, imported on first use (it is the optional ``jit`` extra)."""
    try:
        import numba
    except ImportError as error:
        raise ImportError("nabla.jit: NABLA_JIT_BACKEND=numba needs numba, the 'jit' extra: "
                          "pip install nabla[jit]") from error
    return numba


def _call(ufunc):
    return f"np.{ufunc.__name__}(" + ", ".join(f"{{{i}}}" for i in range(ufunc.nin)) + ")"


# ufunc -> (kernel expression of the operands, already cast to the loop's dtype; the kinds
# of loop (b: bool, i/u: integers, f: float) where numba computes exactly what NumPy does).
# Integer results are cast back to the loop's dtype, so arithmetic wraps around as in NumPy.
_ARITHMETIC = {
    np.add: "({0} + {1})", np.subtract: "({0} - {1})", np.multiply: "({0} * {1})",
    np.negative: "(-{0})", np.positive: "(+{0})", np.square: "({0} * {0})",
    np.absolute: "abs({0})", np.maximum: _call(np.maximum), np.minimum: _call(np.minimum),
}
_COMPARISONS = {
    np.greater: "({0} > {1})", np.greater_equal: "({0} >= {1})", np.less: "({0} < {1})",
    np.less_equal: "({0} <= {1})", np.equal: "({0} == {1})", np.not_equal: "({0} != {1})",
}
_LOGICAL = {
    np.logical_and: "({0} and {1})", np.logical_or: "({0} or {1})",
    np.logical_xor: "({0} != {1})", np.logical_not: "(not {0})", np.invert: "(not {0})",
}
_FLOAT_ONLY = {np.divide: "({0} / {1})", np.power: "({0} ** {1})",
               np.reciprocal: "(1.0 / {0})"}
_FLOAT_ONLY.update({u: _call(u) for u in (
    np.exp, np.exp2, np.expm1, np.log, np.log2, np.log10, np.log1p, np.sqrt, np.cbrt,
    np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan, np.sinh, np.cosh, np.tanh,
    np.arcsinh, np.arccosh, np.arctanh, np.deg2rad, np.rad2deg, np.fabs, np.sign, np.floor,
    np.ceil, np.trunc, np.rint, np.isnan, np.isinf, np.isfinite, np.arctan2, np.hypot,
    np.logaddexp, np.logaddexp2, np.copysign, np.fmax, np.fmin)})
_OPS = {u: (code, "iuf") for u, code in _ARITHMETIC.items()}
_OPS.update({u: (code, "biuf") for u, code in _COMPARISONS.items()})
_OPS.update({u: (code, "b") for u, code in _LOGICAL.items()})
_OPS.update({u: (code, "f") for u, code in _FLOAT_ONLY.items()})
_WHERE = "({1} if {0} else {2})"

# The dtypes a kernel computes in (numba's float16 support is partial, complex is left out)
_DTYPES = {np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8",
                                 "uint16", "uint32", "uint64", "float32", "float64")}
_INT64 = np.dtype("int64")


def _numba_name(dtype):
    return "np.bool_" if dtype.kind == "b" else f"np.{dtype.name}"


def _constant_dtype(value):
    """The dtype a constant has in a kernel, or ``None`` if it cannot be a kernel input."""
    kind = type(value)
    if kind is bool:
        return np.dtype(bool)
    if kind is int:
        return _INT64 if -2**63 <= value < 2**63 else None
    if kind is float:
        return np.dtype("float64")
    dtype = getattr(value, "dtype", None)
    return dtype if isinstance(value, (np.ndarray, np.generic)) and dtype in _DTYPES else None


def _resolution_type(atom, weak):
    """What :meth:`numpy.ufunc.resolve_dtypes` is told about an operand: its dtype, or the
    Python type ``int``/``float`` for a weakly typed Python number."""
    if type(atom) is Var:
        if atom in weak and atom.dtype.kind in "if":
            return int if atom.dtype.kind == "i" else float
        return atom.dtype
    if type(atom) in (int, float):
        return type(atom)
    return _constant_dtype(atom)


def _operation(eqn):
    """``(ufunc or numpy.where, operand atoms)`` of an equation that applies one elementwise
    NumPy function to its operands, else ``None``."""
    if eqn.multiple:
        return None
    impl, operands = eqn.prim.impl, list(eqn.inputs)
    if eqn.prim is numpy_call:  # a NumPy function without derivative (a comparison)
        p = eqn.params
        leaves = list(p["template"])
        for slot, atom in zip(p["slots"], eqn.inputs):
            leaves[slot] = atom
        args, kwargs = tree.unflatten(p["treedef"], list(range(len(leaves))))
        if kwargs or not all(type(k) is int for k in args):
            return None
        impl, operands = p["fn"], [leaves[k] for k in args]
    elif eqn.params:
        return None
    if impl is np.where and len(operands) == 3:
        return impl, operands
    if isinstance(impl, np.ufunc) and impl in _OPS and len(operands) == impl.nin:
        return impl, operands
    return None


class _Member:
    """One equation of a group, with what its kernel line needs."""

    __slots__ = ("eqn", "op", "operands", "loop")

    def __init__(self, eqn, op, operands, loop):
        self.eqn = eqn
        self.op = op  # a ufunc, or numpy.where
        self.operands = operands
        self.loop = loop  # the dtype each operand is cast to


def _member(eqn, weak):
    """``eqn`` as a :class:`_Member` if it can be fused, else ``None``."""
    found = _operation(eqn)
    out = eqn.outputs[0]
    if found is None or not out.shape or out.dtype not in _DTYPES:
        return None
    op, operands = found
    for atom in operands:
        shape = atom.shape if type(atom) is Var else np.shape(atom)
        if shape not in ((), out.shape):
            return None
        if type(atom) is not Var and _constant_dtype(atom) is None:
            return None
    types = [_resolution_type(a, weak) for a in operands]
    if op is np.where:
        if types[0] != np.dtype(bool):
            return None
        loop = [types[0], out.dtype, out.dtype]
    else:
        try:
            *loop, result = op.resolve_dtypes((*types, None))
        except (TypeError, ValueError):  # NumPy has no loop for these operands either
            return None
        kinds = _OPS[op][1]
        if result != out.dtype or not all(d in _DTYPES and d.kind in kinds for d in loop):
            return None
    for atom, given, dtype in zip(operands, types, loop):
        # a Python int meeting a narrower integer loop: NumPy checks that it fits, at run time
        if given is int and dtype.kind in "iu" and dtype != _INT64:
            if type(atom) is Var or not np.iinfo(dtype).min <= atom <= np.iinfo(dtype).max:
                return None
    return _Member(eqn, op, operands, loop)


class _Group:
    __slots__ = ("shape", "members", "flushed")

    def __init__(self, shape):
        self.shape = shape
        self.members = []
        self.flushed = False


def _groups(equations, weak):
    """The equations in an order that is still valid, with fusible runs gathered: a list of
    equations and :class:`_Group` s (see the module docstring)."""
    order, pending, owner = [], {}, {}

    def flush(group):
        group.flushed = True
        del pending[group.shape]
        order.append(group)

    for eqn in equations:
        member = _member(eqn, weak)
        target = pending.get(eqn.outputs[0].shape) if member is not None else None
        for atom in eqn.inputs:
            group = owner.get(atom) if type(atom) is Var else None
            if group is not None and group is not target and not group.flushed:
                flush(group)
        if member is None:
            order.append(eqn)
            continue
        if target is None:
            target = pending[eqn.outputs[0].shape] = _Group(eqn.outputs[0].shape)
        target.members.append(member)
        owner[eqn.outputs[0]] = target
    for group in list(pending.values()):
        flush(group)
    return order


def _key(atom):
    """What identifies an operand: the Var, or the constant object."""
    return atom if type(atom) is Var else id(atom)


def _is_array(atom):
    return (atom.shape if type(atom) is Var else np.shape(atom)) != ()


def _kernel_constant(atom):
    """A constant as the kernel takes it (flat, or a NumPy scalar); other atoms as they are."""
    if isinstance(atom, np.ndarray):
        return atom.ravel() if atom.ndim else atom[()]
    return atom


def _conversion(atom, weak):
    """What the wrapper does to an input on each call before the kernel gets it (``{}`` is
    the input): flatten an array, take the scalar out of a 0-d one."""
    if type(atom) is not Var:
        return "{}"  # converted once, by _kernel_constant
    if atom.shape:
        return "ravel({})" if len(atom.shape) > 1 else "{}"
    if atom in weak:  # a Python number: an int as NumPy would take it (an error if too big)
        return "int64({})" if atom.dtype.kind == "i" else "{}"
    return "{}[()]"


def _kernel_source(group, inputs, outputs):
    """The source of the numba kernel of ``group``: a loop over the flat index ``i``, one
    line per equation, results written to ``o0, o1, ...``."""
    names, dtypes, params, lines = {}, {}, [], []
    for k, atom in enumerate(inputs):
        name = f"x{k}" if _is_array(atom) else f"s{k}"
        if _is_array(atom):
            params.append(f"a{k}")
            lines.append(f"        x{k} = a{k}[i]")
        else:
            params.append(name)
        names[_key(atom)] = name
        dtypes[name] = atom.dtype if type(atom) is Var else _constant_dtype(atom)
    for j, m in enumerate(group.members):
        args = []
        for atom, dtype in zip(m.operands, m.loop):
            name = names[_key(atom)]
            args.append(name if dtypes[name] == dtype else f"{_numba_name(dtype)}({name})")
        code = _WHERE if m.op is np.where else _OPS[m.op][0]
        out = m.eqn.outputs[0]
        names[out], dtypes[f"t{j}"] = f"t{j}", out.dtype
        lines.append(f"        t{j} = {_numba_name(out.dtype)}({code.format(*args)})")
    params += [f"o{m}" for m in range(len(outputs))]
    lines += [f"        o{m}[i] = {names[v]}" for m, v in enumerate(outputs)]
    return "\n".join([
        '"""A fused elementwise kernel generated by nabla.jit (numba_backend)."""',
        "import numpy as np",
        "import numba",
        "",
        "",
        '@numba.njit(cache=True, error_model="numpy")',
        f"def kernel({', '.join(params)}):",
        "    for i in range(o0.shape[0]):",
        *lines,
        "",
    ])


def _fused_equation(group, users, program_outputs, weak):
    """One equation computing ``group`` with a numba kernel."""
    inside = {m.eqn.outputs[0] for m in group.members}
    member_ids = {id(m.eqn) for m in group.members}
    inputs, seen = [], set()
    for m in group.members:
        for atom in m.operands:
            if _key(atom) not in inside and _key(atom) not in seen:
                seen.add(_key(atom))
                inputs.append(atom)
    outputs = [v for v in (m.eqn.outputs[0] for m in group.members)
               if v in program_outputs or users.get(v, set()) - member_ids]
    kernel = source_module(_kernel_source(group, inputs, outputs)).kernel
    namespace = {"kernel": kernel, "empty": np.empty, "ravel": np.ravel, "int64": np.int64,
                 "shape": group.shape}
    namespace.update({f"dtype{m}": v.dtype for m, v in enumerate(outputs)})
    args = [f"x{k}" for k in range(len(inputs))]
    size = int(np.prod(group.shape))
    body = [f"    o{m} = empty({size}, dtype{m})" for m in range(len(outputs))]
    calls = [_conversion(a, weak).format(x) for a, x in zip(inputs, args)]
    body.append(f"    kernel({', '.join(calls + [f'o{m}' for m in range(len(outputs))])})")
    results = [f"o{m}.reshape(shape)" if len(group.shape) > 1 else f"o{m}"
               for m in range(len(outputs))]
    body.append(f"    return ({', '.join(results)},)")
    wrapper = compile_source(f"def fused({', '.join(args)}):\n" + "\n".join(body) + "\n",
                             namespace, "fused")
    return Equation(Primitive("fused", wrapper), [_kernel_constant(a) for a in inputs], {},
                    outputs, multiple=True)


def can_fuse(program):
    """Whether :func:`fuse` would find a group of two or more equations, its 0-d inputs
    being taken as arrays or else as Python numbers (which they are is known only when
    the program is called); cheap, writes nothing."""
    scalars = {v for v in program.inputs if not v.shape}
    return any(isinstance(item, _Group) and len(item.members) > 1
               for weak in (frozenset(), scalars) for item in _groups(program.equations, weak))


def fuse(program, weak=frozenset()):
    """``program`` with its groups of elementwise equations each computed by one numba
    kernel (see the module docstring), and the number of kernels.

    ``weak``: the inputs of the program that are Python numbers when it runs (``int`` and
    ``float`` are weakly typed in NumPy 2: ``float32_array * 2.0`` is float32).
    """
    users = {}
    for eqn in program.equations:
        for atom in eqn.inputs:
            if type(atom) is Var:
                users.setdefault(atom, set()).add(id(eqn))
    program_outputs = {a for a in program.outputs if type(a) is Var}
    equations, kernels = [], 0
    for item in _groups(program.equations, weak):
        if isinstance(item, Equation):
            equations.append(item)
        elif len(item.members) == 1:
            equations.append(item.members[0].eqn)
        else:
            equations.append(_fused_equation(item, users, program_outputs, weak))
            kernels += 1
    fused = Program(program.inputs, equations, program.outputs, program.in_tree,
                    program.out_tree)
    return fused, kernels
