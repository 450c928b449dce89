import matplotlib.pyplot as plt
import numpy as onp
import pytest

import nabla.numpy as np
from nabla.calculus.integrate import convergence, riemann
from nabla.plot import (
    function_and_derivative,
    integration_convergence,
    riemann_sum,
    secant_to_tangent,
)


def test_function_and_derivative_draws_sin_and_cos(png):
    fig = function_and_derivative(np.sin, 0.0, 6.0, n=101)
    ax = fig.axes[0]
    f_line, d_line = ax.get_lines()[:2]
    x = f_line.get_xdata()
    assert len(x) == 101 and x[0] == 0.0 and x[-1] == 6.0
    onp.testing.assert_allclose(f_line.get_ydata(), onp.sin(x))
    onp.testing.assert_allclose(d_line.get_ydata(), onp.cos(x), atol=1e-12)
    assert (f_line.get_label(), d_line.get_label()) == ("sin(x)", "sin'(x)")
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert "derivative" in ax.get_title()
    assert ax.get_legend() is not None
    png(fig)


def test_function_and_derivative_of_a_lambda_is_called_f():
    fig = function_and_derivative(lambda x: x ** 3, -1.0, 1.0, n=5)
    d = fig.axes[0].get_lines()[1]
    onp.testing.assert_allclose(d.get_ydata(), 3 * d.get_xdata() ** 2)
    assert d.get_label() == "f'(x)"


def test_ax_is_reused():
    fig, ax = plt.subplots()
    assert function_and_derivative(np.cos, 0.0, 1.0, ax=ax) is fig
    assert len(fig.axes) == 1 and len(ax.get_lines()) >= 2


def test_secant_to_tangent_slopes(png):
    hs = (1.0, 0.5, 0.1)
    fig = secant_to_tangent(np.exp, 0.0, hs)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 1 + len(hs) + 1
    for line, h in zip(lines[1:-1], hs):
        x, y = line.get_xdata(), line.get_ydata()
        slope = (y[-1] - y[0]) / (x[-1] - x[0])
        assert slope == pytest.approx((onp.exp(h) - 1) / h)
        assert f"h = {h:g}" in line.get_label()
    x, y = lines[-1].get_xdata(), lines[-1].get_ydata()
    assert (y[-1] - y[0]) / (x[-1] - x[0]) == pytest.approx(1.0)  # exp'(0)
    assert "tangent" in lines[-1].get_label()
    assert "x0 = 0" in ax.get_title()
    png(fig)


@pytest.mark.parametrize("rule, offset", [("left", 0.0), ("right", 1.0), ("midpoint", 0.5)])
def test_riemann_rectangles(rule, offset, png):
    f = lambda x: x ** 2 + 1
    a, b, n = 0.0, 2.0, 8
    fig = riemann_sum(f, a, b, n, rule=rule)
    ax = fig.axes[0]
    rects = ax.patches
    assert len(rects) == n
    dx = (b - a) / n
    points = a + dx * (onp.arange(n) + offset)
    onp.testing.assert_allclose([r.get_height() for r in rects], f(points))
    onp.testing.assert_allclose([r.get_x() for r in rects], a + dx * onp.arange(n))
    onp.testing.assert_allclose([r.get_width() for r in rects], dx)
    area = sum(r.get_height() * r.get_width() for r in rects)
    value = float(riemann(f, a, b, n, point=rule).value)
    assert area == pytest.approx(value)
    assert f"{value:.5g}" in ax.get_title() and rule in ax.get_title()
    assert ax.get_xlabel() == "x"
    png(fig, rule)


def test_riemann_rejects_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        riemann_sum(np.exp, 0.0, 1.0, rule="simpson")


def test_integration_convergence(png):
    ns = (4, 8, 16, 32)
    fig = integration_convergence(np.exp, 0.0, 1.0, ns=ns)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, rule in zip(lines, ("left", "trapezoid", "simpson")):
        table = convergence(np.exp, 0.0, 1.0, rule, ns)
        onp.testing.assert_array_equal(line.get_xdata(), ns)
        onp.testing.assert_allclose(line.get_ydata(), table.error)
        assert line.get_label() == f"{rule}: order {table.order:.2f}"
    assert [t.get_text() for t in ax.get_legend().get_texts()][2].startswith("simpson: order 4")
    assert ax.get_xlabel().startswith("n") and ax.get_ylabel() == "|error|"
    png(fig)
