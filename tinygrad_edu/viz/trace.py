"""The backward tracer, public as `tinygrad_edu.viz.trace_backward`.

The code lives in tinygrad_edu/tracing.py, just above the engine, so that
`loss.backward(trace=True)` can use it without importing upwards; read that
module for what it prints and an example.
"""

from ..tracing import TWO_PATHS, format_trace, plain, rule_of, trace_backward

__all__ = ["trace_backward", "format_trace", "rule_of", "plain", "TWO_PATHS"]
