"""The guided tour (`make demo`) prints what it claims, computed and checked here."""

import re
import subprocess
import sys

import numpy
import pytest

from nabla import tour


def numbers(line):
    return [float(n) for n in re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", line)]


def test_derivative_of_square_is_four():
    (line,) = tour.derivative_of_square()
    assert float(line.split(":")[1].split()[0]) == 4


def test_gradient_of_bowl():
    (line,) = tour.gradient_of_bowl()
    assert "(2, 4)" in line


def test_sigmoid_and_its_slope():
    value, slope = tour.sigmoid_slope()
    assert "0.5" in value and slope.split(":")[1].split()[0] == "0.25"


def test_gradient_descent_fits_the_line():
    lines = tour.fit_line()
    m, b = numbers(lines[-1])
    # least squares on the same data, independently
    rng = numpy.random.default_rng(0)
    x = rng.uniform(-1, 1, size=100)
    y = 3.0 * x - 1.0 + 0.1 * rng.standard_normal(100)
    m_ls, b_ls = numpy.polyfit(x, y, 1)
    assert m == pytest.approx(m_ls, abs=1e-3) and b == pytest.approx(b_ls, abs=1e-3)
    losses = [numbers(line)[0] for line in lines if "loss" in line]
    assert losses == sorted(losses, reverse=True)  # the loss only goes down


def test_secant_table_finds_the_best_step_near_root_epsilon():
    lines = tour.secant_to_tangent()
    best = float(lines[-1].split("=")[1].split(":")[0])
    assert 1e-9 <= best <= 1e-7


def test_area_under_the_bell_is_root_pi():
    area, derivative = tour.area_under_bell()
    assert numbers(area)[0] == pytest.approx(numpy.sqrt(numpy.pi), rel=1e-12)
    assert numbers(derivative)[-1] == pytest.approx(numpy.sqrt(numpy.pi), rel=1e-9)


def test_newton_and_quasi_newton_reach_the_minimum_where_gradient_descent_crawls():
    lines = tour.descend_rosenbrock()[1:]
    for line in lines:
        method = line.split()[0]
        x = numbers(line)[:2]
        if method == "gd":
            assert abs(x[0] - 1) > 1e-2  # still crawling along the valley
        else:
            assert x == pytest.approx([1.0, 1.0], abs=1e-5)


def test_python_m_nabla_tour_runs():
    out = subprocess.run([sys.executable, "-m", "nabla.tour"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "d/dx x²  at x = 2:            4" in out
    assert "fitted: m =" in out and "Rosenbrock" in out
