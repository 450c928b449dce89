"""From a program to Python source: one line, one NumPy call, per equation.

The generated function takes the program's inputs positionally and returns a tuple of
its outputs. Each equation becomes ``v3 = multiply(v1, v2)``, where ``multiply`` is the
primitive's implementation (``numpy.multiply`` itself for an elementwise primitive), so
running the program costs one Python call per equation and nothing else: no tracing, no
rule lookup, no wrapping. Constants that are not literals live in the function's globals.

The source is kept (``program.source``) and registered with :mod:`linecache`, so a
traceback from inside a compiled program shows the line that failed.
"""

from __future__ import annotations

import itertools
import keyword
import linecache
import math
import re

import numpy as np

from nabla.core.staging import Var

_counter = itertools.count()


def _is_literal(value):
    kind = type(value)
    if kind in (bool, int, str, type(None)):
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is tuple:
        return all(_is_literal(v) for v in value)
    return False


def _identifier(text):
    name = re.sub(r"\W", "_", text).strip("_") or "f"
    return name + "_" if keyword.iskeyword(name) or name[0].isdigit() else name


class _Namespace:
    """The globals of a generated function, with readable names."""

    def __init__(self):
        self.values = {"__builtins__": {}}
        self._by_id = {}

    def name(self, value, hint):
        key = id(value)
        if key in self._by_id:
            return self._by_id[key]
        name, k = _identifier(hint), 1
        while name in self.values:
            name, k = f"{_identifier(hint)}_{k}", k + 1
        self.values[name] = value
        self._by_id[key] = name
        return name

    def constant(self, value):
        if _is_literal(value):
            return repr(value)
        return self.name(value, "const")


# Intermediates at least this large are deleted after their last use, so that NumPy can
# reuse their memory for the next result (a hot, cached buffer instead of a new one);
# smaller ones are not worth the statement.
FREE_AFTER_ELEMENTS = 1024


def _last_uses(program):
    """Equation number -> the large intermediates it is the last to read."""
    last = {}
    for j, eqn in enumerate(program.equations):
        for var in eqn.outputs:
            last[var] = j  # a result nobody reads dies where it is made
        for a in eqn.inputs:
            if type(a) is Var:
                last[a] = j
    keep = set(program.inputs) | {a for a in program.outputs if type(a) is Var}
    dying = {}
    for var, j in last.items():
        if var not in keep and math.prod(var.shape) >= FREE_AFTER_ELEMENTS:
            dying.setdefault(j, []).append(var)
    return dying


def generate(program, name="program"):
    """``(source, globals)`` of a Python function computing ``program``."""
    ns = _Namespace()
    names = {}
    dying = _last_uses(program)

    def show(atom):
        return names[atom] if type(atom) is Var else ns.constant(atom)

    for i, var in enumerate(program.inputs):
        names[var] = f"x{i}"
    lines = [f"def {name}({', '.join(names[v] for v in program.inputs)}):"]
    counter = itertools.count()
    for j, eqn in enumerate(program.equations):
        for var in eqn.outputs:
            names[var] = f"v{next(counter)}"
        fn = ns.name(eqn.prim.impl, eqn.prim.name)
        args = [show(a) for a in eqn.inputs]
        args += [f"{k}={ns.constant(v)}" for k, v in eqn.params.items()]
        outs = ", ".join(names[v] for v in eqn.outputs)
        if eqn.multiple:
            outs = f"({outs},)" if len(eqn.outputs) == 1 else outs
        lines.append(f"    {outs} = {fn}({', '.join(args)})")
        if j in dying:
            lines.append(f"    del {', '.join(names[v] for v in dying[j])}")
    results = []
    for atom in program.outputs:
        text = show(atom)
        # a constant output is a fresh array per call, so a caller may change it in place
        results.append(f"{text}.copy()" if isinstance(atom, np.ndarray) else text)
    lines.append(f"    return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    return "\n".join(lines) + "\n", ns.values


def compile_source(source, namespace, name="program"):
    """The function defined by ``source`` (our own generated text, never user input)."""
    filename = f"<nabla.jit {name} #{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - generated above
    return namespace[name]
