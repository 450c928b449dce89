"""``nabla.jit``: trace a function once into a program of primitives, optimize it, and run
it as compiled code. Start with :mod:`nabla.jit.api`."""

from nabla.jit.api import CacheInfo, JittedFunction, jit, make_program
from nabla.jit.program import StagedProgram

__all__ = ["CacheInfo", "JittedFunction", "StagedProgram", "jit", "make_program"]
