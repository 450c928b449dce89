"""Layer 0: primitives, traces, tracers. See :mod:`nabla.core.primitive` to start."""

from nabla.core.batching import BatchingError, BatchTrace, BatchTracer, materialize
from nabla.core.forward import JVPTrace, JVPTracer
from nabla.core.primitive import (
    MultipleResultsPrimitive,
    Primitive,
    elementwise,
    linear,
    variadic,
)
from nabla.core.registry import implements, lookup
from nabla.core.reverse import ReverseTrace, ReverseTracer, backward
from nabla.core.staging import (
    ConcretizationError,
    Program,
    StagingTrace,
    StagingTracer,
    is_staged,
    stage,
    staging_active,
)
from nabla.core.trace import Trace, UnexpectedTracerError, new_trace
from nabla.core.tracer import Tracer, concrete, example_value, top_trace

__all__ = [
    "BatchTrace",
    "BatchTracer",
    "BatchingError",
    "ConcretizationError",
    "Program",
    "StagingTrace",
    "StagingTracer",
    "is_staged",
    "stage",
    "staging_active",
    "materialize",
    "MultipleResultsPrimitive",
    "JVPTrace",
    "JVPTracer",
    "Primitive",
    "ReverseTrace",
    "ReverseTracer",
    "Trace",
    "Tracer",
    "UnexpectedTracerError",
    "backward",
    "concrete",
    "example_value",
    "elementwise",
    "implements",
    "linear",
    "lookup",
    "new_trace",
    "top_trace",
    "variadic",
]
