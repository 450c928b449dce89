"""The tour's distributed lesson and nabla.plot.fit_time_by_workers."""

import matplotlib
import numpy
import pytest

from nabla.models import LogisticRegression
from nabla.plot import fit_time_by_workers
from nabla.tour.lessons import distributed as lesson

matplotlib.use("Agg")
pytestmark = pytest.mark.dask


def test_the_lesson_fits_on_two_workers_as_in_memory(tmp_path):
    result = lesson.run(tmp_path, quick=True)
    numbers = result.numbers
    assert numbers["workers (processes)"] == 2 and numbers["row blocks of X"] == 8
    assert "100% Completed" in numbers["Dask's progress bar (persisting X and y)"]
    assert numbers["dashboard"].startswith("http://")
    X, y = lesson.data()
    reference = LogisticRegression(C=1.0, tol=1e-8).fit(X, y)       # independent: in memory
    numpy.testing.assert_allclose(numbers["coefficients w on the cluster"], reference.coef_[0],
                                  rtol=0, atol=1e-8)
    assert numbers["largest |w_cluster − w_in_memory|"] < 1e-8
    assert (tmp_path / result.figures[0]).read_bytes()[:4] == b"\x89PNG"


def test_fit_time_by_workers_draws_a_line_per_method_and_the_baselines():
    fig = fit_time_by_workers({"nabla": {1: 10.0, 2: 6.0}, "dask-ml": {1: 20.0, 2: 12.0}},
                              baselines={"scikit-learn": 4.0})
    ax = fig.axes[0]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert [list(line.get_ydata()) for line in solid] == [[10.0, 6.0], [20.0, 12.0]]
    dotted = [list(line.get_ydata()) for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert dotted == [[10.0, 5.0], [20.0, 10.0]]                    # perfect scaling t₁/w
    assert list(ax.get_xticks()) == [1, 2]
    with pytest.raises(ValueError, match="at least one measurement"):
        fit_time_by_workers({})
