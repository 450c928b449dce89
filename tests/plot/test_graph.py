import matplotlib.pyplot as plt
import numpy as onp
import pytest

import nabla
import nabla.numpy as np
from nabla.plot import computation_graph, trace_graph


def f(x, y):
    return x * y + np.sin(x) * np.exp(y / 2)


def test_trace_graph_values_and_adjoints():
    nodes = trace_graph(f, 1.0, 2.0)
    assert [n.op for n in nodes] == ["x", "y", "multiply", "sin", "divide", "exp",
                                     "multiply", "add"]
    gx, gy = nabla.grad(f, argnums=(0, 1))(1.0, 2.0)
    assert float(nodes[0].adjoint) == pytest.approx(float(gx))
    assert float(nodes[1].adjoint) == pytest.approx(float(gy))
    assert float(nodes[-1].value) == pytest.approx(float(f(1.0, 2.0)))
    assert float(nodes[-1].adjoint) == 1.0
    sin, exp = nodes[3], nodes[5]
    assert float(sin.value) == pytest.approx(onp.sin(1.0))
    assert float(sin.adjoint) == pytest.approx(onp.exp(1.0))      # ∂out/∂sin = exp(y/2)
    assert float(exp.adjoint) == pytest.approx(onp.sin(1.0))      # ∂out/∂exp = sin(x)
    assert nodes[4].constants == [2]                              # y / 2
    assert [n.layer for n in nodes] == [0, 0, 1, 1, 1, 2, 3, 4]
    assert nodes[-1].parents == [2, 6]


def test_computation_graph_draws_one_box_per_node(png):
    nodes = trace_graph(f, 1.0, 2.0)
    fig = computation_graph(f, 1.0, 2.0)
    ax = fig.axes[0]
    texts = ax.texts
    assert len(texts) == len(nodes)
    for text, node in zip(texts, nodes):
        lines = text.get_text().split("\n")
        assert lines[0].startswith(node.op)
        assert lines[1] == f"value = {float(node.value):.4g}"
        assert lines[2] == f"∂out/∂node = {float(node.adjoint):.4g}"
        assert text.get_gid() == f"node{node.index}"
        assert text.get_bbox_patch() is not None
    assert len(ax.patches) == sum(len(n.parents) for n in nodes)   # one arrow per edge
    gx = float(nabla.grad(f)(1.0, 2.0))
    assert texts[0].get_text().endswith(f"{gx:.4g}")
    assert "computation graph" in ax.get_title()
    png(fig)


def test_computation_graph_ax_and_errors():
    fig, ax = plt.subplots()
    assert computation_graph(lambda x: x ** 2, 3.0, ax=ax) is fig
    assert [t.get_text().split("\n")[2] for t in ax.texts] == ["∂out/∂node = 6",
                                                               "∂out/∂node = 1"]
    with pytest.raises(ValueError, match="depend"):
        computation_graph(lambda x: 1.0, 3.0)
    with pytest.raises(ValueError, match="scalar"):
        computation_graph(lambda x: x * 2, onp.ones(3))
