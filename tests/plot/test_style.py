import subprocess
import sys

import nabla.numpy as np
from nabla.plot import function_and_derivative, style


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_importing_nabla_plot_does_not_import_matplotlib():
    out = _run("import sys, nabla, nabla.plot; print('matplotlib' in sys.modules)")
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr


def test_missing_matplotlib_names_the_extra():
    out = _run("import sys; sys.modules['matplotlib'] = None\n"
               "import nabla.plot, nabla.numpy as np\n"
               "try:\n    nabla.plot.riemann_sum(np.exp, 0.0, 1.0)\n"
               "except ImportError as e:\n    print(e)")
    assert "pip install nabla[plot]" in out.stdout, out.stderr


def test_style_is_applied():
    fig = function_and_derivative(np.sin, 0.0, 1.0)
    ax = fig.axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.get_lines()[0].get_color() == style.CURVE
    assert ax.title.get_fontsize() == style.TITLE_SIZE
    assert ax.xaxis.label.get_fontsize() == style.LABEL_SIZE


def test_fmt():
    assert style.fmt(3.14159265) == "3.142"
    assert style.fmt([1.0, 2.0]) == "[1, 2]"
    assert style.fmt([[0.0] * 4] * 4) == "shape (4, 4)"
