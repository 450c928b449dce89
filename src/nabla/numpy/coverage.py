"""Which NumPy (and SciPy) functions nabla differentiates: a report made from the registry.

``python -m nabla.numpy.coverage > docs/numpy-coverage.md`` writes it; a test checks that
the committed file is current, so the document cannot drift from the code.
"""

from __future__ import annotations

import importlib
import inspect

import numpy

from nabla.core.registry import registered

NAMESPACES = ["numpy", "numpy.linalg", "scipy.special", "scipy.linalg"]


def _public_functions(module):
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if isinstance(obj, numpy.ufunc) or (callable(obj) and not inspect.isclass(obj)
                                             and not inspect.ismodule(obj)):
            yield name, obj


def classify():
    """namespace -> {group: [names]} for the groups differentiable, zero derivative,
    constructor (re-exported unchanged: it takes no arrays to trace) and not supported."""
    import nabla.numpy

    try:  # the SciPy rules register when nabla.scipy is imported
        import nabla.scipy  # noqa: F401
    except ImportError:
        pass
    table = registered()
    report = {}
    for namespace in NAMESPACES:
        try:
            module = importlib.import_module(namespace)
        except ImportError:
            continue
        groups = {"differentiable": [], "differentiable as nabla's version": [],
                  "zero derivative": [], "constructor": [], "not supported": []}
        for name, obj in _public_functions(module):
            try:
                rule = table.get(obj)
            except TypeError:  # unhashable
                rule = None
            ours = getattr(nabla.numpy, name, None) if namespace == "numpy" else None
            if rule is None and obj in (ours, getattr(ours, "__wrapped__", None)):
                groups["constructor"].append(name)
            elif rule is None:
                groups["not supported"].append(name)
            elif getattr(rule, "nondifferentiable", False):
                groups["zero derivative"].append(name)
            elif namespace.startswith("scipy") and not isinstance(obj, numpy.ufunc):
                groups["differentiable as nabla's version"].append(name)
            else:
                groups["differentiable"].append(name)
        report[namespace] = groups
    return report


def render():
    """The coverage report as Markdown."""
    lines = [
        "# NumPy and SciPy coverage",
        "",
        "Generated from nabla's rule registry by `python -m nabla.numpy.coverage`; a test",
        "fails if this file is out of date. *Differentiable*: a derivative rule (every one",
        "checked to second order in both modes by `tests/verification`). *Zero derivative*:",
        "the result is a plain array (comparisons, rounding, index-valued functions,",
        "`*_like`). *Constructor*: builds arrays from shapes or ranges (`zeros`, `arange`),",
        "re-exported unchanged. *Not supported*: calling it on a traced value raises a",
        "`TypeError` that names it. *Differentiable as nabla's version*: SciPy writes these",
        "in Python and converts their input to an array, so call `nabla.scipy.special.f`",
        "(or `nabla.scipy.linalg.f`) instead of `scipy.special.f`; SciPy's ufuncs (`erf`,",
        "`expit`, ...) reach nabla's rules directly.",
        "",
    ]
    for namespace, groups in classify().items():
        counts = ", ".join(f"{len(v)} {k}" for k, v in groups.items())
        lines += [f"## `{namespace}`", "", counts, ""]
        for group, names in groups.items():
            if names:
                lines += [f"**{group}**: " + ", ".join(f"`{n}`" for n in names), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
