"""The result of an optimization, as ``scipy.optimize.OptimizeResult`` names it."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class OptimizeResult:
    """What an optimizer found, and how.

    ``x`` the solution (same pytree structure as the start), ``fun`` the objective there,
    ``jac`` its gradient, ``nit`` iterations, ``nfev``/``njev`` evaluations of the objective
    and of its gradient, ``success`` and ``status`` (0 converged, 1 iteration limit,
    2 diverged or failed, 3 stopped by a callback; other codes are documented by the
    method), ``message`` why it stopped in words, and ``history``: the iterates ``x`` and
    the values ``fun`` along the way (for plotting paths and learning curves).

    >>> r = OptimizeResult(x=1.0, fun=0.0, success=True, message="converged")
    >>> r.success, r.message
    (True, 'converged')
    """

    x: Any
    fun: Any = None
    jac: Any = None
    nit: int = 0
    nfev: int = 0
    njev: int = 0
    success: bool = False
    status: int = 0
    message: str = ""
    history: dict = dataclasses.field(default_factory=lambda: {"x": [], "fun": []})

    def __repr__(self):
        fields = ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                           for f in dataclasses.fields(self) if f.name != "history")
        return f"OptimizeResult({fields}, history=<{len(self.history.get('fun', []))} steps>)"
