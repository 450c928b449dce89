"""Traces and their levels: how nested transforms keep their derivatives apart.

Every transform (``grad``, ``jvp``, ...) opens a *trace* at a new level, one above the
levels already open in this thread. Values that flow through a transform are wrapped in
*tracers* that belong to its trace. When a primitive is applied, the tracer of the
highest level among its arguments decides which trace processes it; the arguments of
lower levels are constants to that trace, and the primitive is applied again, one level
down, to their values. This is what keeps ``grad(lambda x: x * grad(lambda y: x * y)(2.))``
free of perturbation confusion.

The current depth lives in a :class:`contextvars.ContextVar`, so each thread (and each
asyncio task) nests its own transforms without seeing another's.
"""

from __future__ import annotations

import abc
import contextlib
import contextvars

_depth = contextvars.ContextVar("nabla_trace_depth", default=0)


class UnexpectedTracerError(Exception):
    """A tracer was used after the transform that made it had returned."""


class Trace(abc.ABC):
    """One transform in progress. Subclasses say how a primitive is processed."""

    __slots__ = ("level", "active")

    def __init__(self, level: int):
        self.level = level
        self.active = True

    @abc.abstractmethod
    def process(self, prim, args, params):
        """Apply ``prim`` to ``args``, at least one of which is a tracer of this trace."""

    @abc.abstractmethod
    def process_multiple(self, prim, args, params):
        """Apply a primitive that returns a tuple of arrays; return a tuple of tracers."""

    @abc.abstractmethod
    def process_custom_vjp(self, custom, args):
        """Apply a :class:`nabla.custom_vjp` function to a tuple of pytree ``args``."""

    @abc.abstractmethod
    def process_custom_jvp(self, custom, args):
        """Apply a :class:`nabla.custom_jvp` function to a tuple of pytree ``args``."""

    def check_active(self):
        if not self.active:
            raise UnexpectedTracerError(
                f"a value traced by a {type(self).__name__} (level {self.level}) was used "
                "after its transform returned. This happens when a traced value is stored "
                "in a global, a closure or an object during a call of grad/jvp/vjp/... and "
                "used later. Return it from the function instead (use has_aux=True for "
                "extra outputs), or store nabla.stop_gradient(x) if only its value is needed."
            )

    def __repr__(self):
        state = "active" if self.active else "finished"
        return f"<{type(self).__name__} level={self.level} {state}>"


@contextlib.contextmanager
def new_trace(trace_type):
    """Open a trace one level above the current ones; close it on exit.

    A closed trace stays closed: its tracers raise :class:`UnexpectedTracerError` if they
    are used again, instead of silently giving a derivative of the wrong function.
    """
    level = _depth.get() + 1
    token = _depth.set(level)
    trace = trace_type(level)
    try:
        yield trace
    finally:
        trace.active = False
        _depth.reset(token)

