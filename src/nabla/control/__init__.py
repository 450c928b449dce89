"""Loops and branches that compile into one equation of a ``jit`` program and that
``grad``/``jvp`` differentiate: the counterparts of ``jax.lax``'s.

Eagerly each is the Python loop or ``if`` it names; inside :func:`nabla.jit` the body is
traced once, so a 10,000-step loop is one equation, not 10,000 copies.
"""

from nabla.control.cond import cond
from nabla.control.fori_loop import fori_loop
from nabla.control.scan import scan
from nabla.control.while_loop import while_loop

__all__ = ["cond", "fori_loop", "scan", "while_loop"]
