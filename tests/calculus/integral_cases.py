"""Definite integrals with closed forms: ``(name, f, a, b, exact)``.

``f`` takes an array of points (written with ``nabla.numpy``, so SciPy can call it with a
float too). Grouped as in the issue: polynomials, trigonometric, exponential and
logarithmic, rational, infinite limits, end-point singularities, kinks and jumps,
oscillatory.
"""

import math

import scipy.special

import nabla.numpy as np

pi, inf, e = math.pi, math.inf, math.e

CASES = [
    # polynomials
    ("x^2 on [0, 1]", lambda x: x ** 2, 0.0, 1.0, 1 / 3),
    ("x^5 - 3x^2 + 2 on [-1, 2]", lambda x: x ** 5 - 3 * x ** 2 + 2, -1.0, 2.0, 7.5),
    ("x^20 on [0, 1]", lambda x: x ** 20, 0.0, 1.0, 1 / 21),
    ("constant 3 on [2, 5]", lambda x: np.full_like(x, 3.0), 2.0, 5.0, 9.0),
    ("x^2 on [1, 0] (reversed)", lambda x: x ** 2, 1.0, 0.0, -1 / 3),
    # trigonometric
    ("sin on [0, pi]", np.sin, 0.0, pi, 2.0),
    ("cos on [0, pi/2]", np.cos, 0.0, pi / 2, 1.0),
    ("x sin x on [0, pi]", lambda x: x * np.sin(x), 0.0, pi, pi),
    ("1/(2 + cos x) on [0, 2pi]", lambda x: 1 / (2 + np.cos(x)), 0.0, 2 * pi,
     2 * pi / math.sqrt(3)),
    ("e^x cos x on [0, pi]", lambda x: np.exp(x) * np.cos(x), 0.0, pi, -(math.exp(pi) + 1) / 2),
    ("tan on [0, pi/4]", np.tan, 0.0, pi / 4, math.log(2) / 2),
    ("sin(x)/x on [0, pi]", lambda x: np.sin(x) / x, 0.0, pi, scipy.special.sici(pi)[0]),
    # exponential and logarithmic
    ("e^x on [0, 1]", np.exp, 0.0, 1.0, e - 1),
    ("e^-x^2 on [0, 1]", lambda x: np.exp(-x ** 2), 0.0, 1.0,
     math.sqrt(pi) / 2 * math.erf(1.0)),
    ("log on [1, e]", np.log, 1.0, e, 1.0),
    ("1/x on [1, e]", lambda x: 1 / x, 1.0, e, 1.0),
    ("log(1 + x)/x on [0, 1]", lambda x: np.log1p(x) / x, 0.0, 1.0, pi ** 2 / 12),
    # rational
    ("1/(1 + x^2) on [0, 1]", lambda x: 1 / (1 + x ** 2), 0.0, 1.0, pi / 4),
    ("1/(x^2 + 0.01) on [-1, 1] (peak)", lambda x: 1 / (x ** 2 + 0.01), -1.0, 1.0,
     20 * math.atan(10.0)),
    ("1/(1 + x)^2 on [0, 3]", lambda x: 1 / (1 + x) ** 2, 0.0, 3.0, 0.75),
    # infinite limits
    ("e^-x^2 over R", lambda x: np.exp(-x ** 2), -inf, inf, math.sqrt(pi)),
    ("e^-x^2 on [0, inf)", lambda x: np.exp(-x ** 2), 0.0, inf, math.sqrt(pi) / 2),
    ("x^2 e^-x^2 over R", lambda x: x ** 2 * np.exp(-x ** 2), -inf, inf, math.sqrt(pi) / 2),
    ("narrow Gaussian at 1 over R", lambda x: np.exp(-(x - 1) ** 2 / 0.02), -inf, inf,
     math.sqrt(2 * pi) * 0.1),
    ("e^-x on [0, inf)", lambda x: np.exp(-x), 0.0, inf, 1.0),
    ("e^-x on [inf, 0) (reversed)", lambda x: np.exp(-x), inf, 0.0, -1.0),
    ("x e^-x on [0, inf)", lambda x: x * np.exp(-x), 0.0, inf, 1.0),
    ("e^x on (-inf, 0]", np.exp, -inf, 0.0, 1.0),
    ("1/(1 + x^2) on [0, inf)", lambda x: 1 / (1 + x ** 2), 0.0, inf, pi / 2),
    ("1/(1 + x^2) over R", lambda x: 1 / (1 + x ** 2), -inf, inf, pi),
    ("1/(1 + x^4) on [0, inf)", lambda x: 1 / (1 + x ** 4), 0.0, inf, pi / (2 * math.sqrt(2))),
    ("x/(1 + x^2)^2 on [0, inf)", lambda x: x / (1 + x ** 2) ** 2, 0.0, inf, 0.5),
    ("1/(1 + x)^2 on [0, inf)", lambda x: 1 / (1 + x) ** 2, 0.0, inf, 1.0),
    ("e^-x cos x on [0, inf)", lambda x: np.exp(-x) * np.cos(x), 0.0, inf, 0.5),
    # end-point singularities
    ("1/sqrt(x) on [0, 1]", lambda x: 1 / np.sqrt(x), 0.0, 1.0, 2.0),
    ("log x on [0, 1]", np.log, 0.0, 1.0, -1.0),
    ("x^-0.9 on [0, 1]", lambda x: x ** -0.9, 0.0, 1.0, 10.0),
    ("log(x)/sqrt(x) on [0, 1]", lambda x: np.log(x) / np.sqrt(x), 0.0, 1.0, -4.0),
    ("1/sqrt(1 - x^2) on [-1, 1]", lambda x: 1 / np.sqrt(1 - x ** 2), -1.0, 1.0, pi),
    ("sqrt(x) on [0, 1]", np.sqrt, 0.0, 1.0, 2 / 3),
    ("x log x on [0, 1]", lambda x: x * np.log(x), 0.0, 1.0, -0.25),
    ("log(x)^2 on [0, 1]", lambda x: np.log(x) ** 2, 0.0, 1.0, 2.0),
    ("x^(-1/3) on [0, 8]", lambda x: x ** (-1 / 3), 0.0, 8.0, 6.0),
    ("e^-x/sqrt(x) on [0, inf)", lambda x: np.exp(-x) / np.sqrt(x), 0.0, inf, math.sqrt(pi)),
    # kinks and jumps
    ("|x| on [-1, 1]", np.abs, -1.0, 1.0, 1.0),
    ("|x - 0.3| on [0, 1]", lambda x: np.abs(x - 0.3), 0.0, 1.0, 0.29),
    ("sqrt|x| on [-1, 1]", lambda x: np.sqrt(np.abs(x)), -1.0, 1.0, 4 / 3),
    ("step at 1/3 on [0, 1]", lambda x: np.where(x < 1 / 3, 1.0, 2.0), 0.0, 1.0, 5 / 3),
    # oscillatory
    ("sin^2 on [0, 10pi]", lambda x: np.sin(x) ** 2, 0.0, 10 * pi, 5 * pi),
    ("cos(10x) on [0, 2pi]", lambda x: np.cos(10 * x), 0.0, 2 * pi, 0.0),
    ("sin(50x)^2 on [0, pi]", lambda x: np.sin(50 * x) ** 2, 0.0, pi, pi / 2),
    ("x sin(20x) on [0, 2pi]", lambda x: x * np.sin(20 * x), 0.0, 2 * pi, -pi / 10),
]
