"""docs/numpy-coverage.md is generated from the registry and must be current."""

import pathlib

from nabla.numpy import coverage

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "numpy-coverage.md"


def test_coverage_document_is_current():
    assert DOC.exists(), "run: python -m nabla.numpy.coverage > docs/numpy-coverage.md"
    assert DOC.read_text() == coverage.render() + "\n", (
        "docs/numpy-coverage.md is out of date; regenerate it with "
        "`python -m nabla.numpy.coverage > docs/numpy-coverage.md`"
    )


def test_report_agrees_with_the_registry():
    groups = coverage.classify()["numpy"]
    assert "sin" in groups["differentiable"] and "einsum" in groups["differentiable"]
    assert "argmax" in groups["zero derivative"] and "zeros" in groups["constructor"]
    assert "fft" not in groups["differentiable"]
