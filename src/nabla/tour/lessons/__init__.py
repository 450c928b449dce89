"""The lessons of the guided tour, in order.

Each lesson module has ``NAME`` (the short id for ``nabla tour --only NAME``), ``TITLE``
and ``run(out, quick) -> Lesson``, which saves its figures as PNG files into ``out``.
:data:`ORDER` fixes the order; :func:`modules` imports them.

>>> ORDER[:3]
('slopes', 'rules', 'gradient')
"""

from __future__ import annotations

import importlib

ORDER = (
    "slopes",
    "rules",
    "gradient",
    "integrals",
    "losses",
    "descent",
    "batches",
    "optimizers",
    "newton",
    "linear_programming",
    "linear_regression",
    "logistic_regression",
    "distributed",
    "neural_network",
    "vanishing_gradients",
    "compiled",
    "random_search",
    "densities",
    "likelihood",
    "mixtures",
    "variational",
    "policy_gradient",
)


def missing():
    """The module names of :data:`ORDER` that are not there (no file to import)."""
    import importlib.util
    return [name for name in ORDER
            if importlib.util.find_spec(f"{__name__}.{name}") is None]


def modules():
    """The lesson modules in the order of :data:`ORDER`, skipping those with no file
    (:func:`missing` names them; the tests fail on them). A lesson that is there but does
    not import raises its error."""
    absent = set(missing())
    return [importlib.import_module(f"{__name__}.{name}") for name in ORDER
            if name not in absent]
