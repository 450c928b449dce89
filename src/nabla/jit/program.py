"""Programs as a learner sees them, and as the computer runs them."""

from __future__ import annotations

from nabla.core.staging import Program
from nabla.jit.codegen import compile_source, generate
from nabla.jit.optimize import optimize


class StagedProgram(Program):
    """A :class:`~nabla.core.Program` that can also be optimized and compiled.

    >>> import nabla, nabla.numpy as np
    >>> program = nabla.make_program(lambda x: np.sum(np.sin(x) * 1.0))(np.ones(3))
    >>> print(program.optimize())
    { lambda a:float64[3] . let
        b:float64[3] = sin a
        c:float64[] = sum[axis=(0,)][keepdims=False] b
      in (c) }
    """

    def optimize(self):
        """The same computation with dead code, repeated work, constant expressions and
        the zeros and ones of derivative rules removed (see :mod:`nabla.jit.optimize`)."""
        return optimize(self)

    @property
    def source(self):
        """The Python source that runs this program (one NumPy call per equation)."""
        return generate(self)[0]


def compiled(program):
    """A Python function computing ``program`` (optimized first); made once per program."""
    run = getattr(program, "_compiled", None)
    if run is None:
        best = optimize(program)
        source, namespace = generate(best)
        run = program._compiled = compile_source(source, namespace)
    return run
