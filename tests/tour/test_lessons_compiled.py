"""The lesson on compiled gradients: its programs are those nabla.make_program gives, its
gradient is the closed form, and its compiled loop is one equation that computes what a
plain NumPy loop computes. The lesson runs once, quick, in conftest's ``tour``."""

import numpy
import pytest

import nabla
from nabla.tour.lessons import compiled


@pytest.fixture(scope="module")
def numbers(lessons):
    return lessons["compiled"].numbers


def test_programs_are_those_of_make_program(numbers):
    X, y = compiled.data()
    w = numpy.array(compiled.W)
    loss_program = nabla.make_program(compiled.loss)(w, X, y)
    traced = nabla.make_program(nabla.grad(compiled.loss))(w, X, y)
    assert numbers["program of L(w) (a = w, b = X, c = y)"] == str(loss_program)
    assert numbers["program of ∇L, as traced"] == str(traced)
    assert numbers["program of ∇L, optimized"] == str(traced.optimize())
    assert numbers["equations in the program of L"] == len(loss_program)
    assert numbers["equations in the program of ∇L, as traced"] == len(traced)
    n = numbers["equations in the program of ∇L, optimized"]
    assert n == len(traced.optimize()) and len(loss_program) < n <= len(traced)
    header = "{ lambda a:float64[3] b:float64[100,3] c:float64[100] . let"
    assert numbers["program of ∇L, as traced"].startswith(header)


def test_source_has_one_numpy_call_per_equation(numbers):
    source = numbers["Python source generated for ∇L"]
    lines = source.strip().splitlines()
    assert lines[0] == "def program(x0, x1, x2):" and lines[-1].strip().startswith("return")
    assert len(lines) - 2 == numbers["equations in the program of ∇L, optimized"]


def test_compiled_gradient_is_the_closed_form(numbers):
    key = "max |compiled ∇L − closed form −(1/m) Σ yᵢxᵢσ(−yᵢxᵢ·w)|"
    assert 0 <= numbers[key] < 1e-14
    X, y = compiled.data()
    w = numpy.array(compiled.W)
    margin = y * (X @ w)
    expected = -(X.T @ (y * numpy.exp(-numpy.logaddexp(0.0, margin)))) / len(y)
    numpy.testing.assert_allclose(compiled.closed_form_gradient(w, X, y), expected,
                                  rtol=1e-14, atol=1e-16)


def test_loop_is_one_equation_and_matches_numpy(numbers):
    steps = compiled.LOOP_STEPS
    assert numbers[f"equations in the program of {steps:,} descent steps (fori_loop)"] == 1
    # one step: the gradient's equations (fewer with X and y closed over, as −y and Xᵀ
    # fold into constants), then w − 0.5·∇L (two more)
    body = numbers["equations in the loop's body (one step), optimized"]
    assert 2 < body <= numbers["equations in the program of ∇L, optimized"] + 2
    X, y = compiled.data()
    w = numpy.array(compiled.W)
    for _ in range(steps):
        w = w - compiled.LOOP_LR * compiled.closed_form_gradient(w, X, y)
    loss = numpy.mean(numpy.log1p(numpy.exp(-y * (X @ w))))
    assert numbers[f"L(w) after {steps:,} compiled steps"] == pytest.approx(loss, rel=1e-10)


def test_timings_are_reported_consistently(numbers):
    eager = numbers["µs per gradient, eager nabla.grad"]
    fast = numbers["µs per gradient, compiled nabla.jit(nabla.grad)"]
    assert eager > 0 and fast > 0
    assert numbers["speed-up of the compiled gradient (×)"] == pytest.approx(eager / fast)
    assert numbers[f"ms for {compiled.LOOP_STEPS:,} steps, eager (a Python loop)"] > 0
