"""One quick run of the whole tour, shared by the tests of tests/tour."""

import pytest

from nabla.tour.report import run_tour


@pytest.fixture(scope="session")
def tour(tmp_path_factory):
    """``(out, index.html path, {name: Lesson}, progress lines)`` of ``run_tour(quick=True)``."""
    out = tmp_path_factory.mktemp("tour")
    lines = []
    path, lessons = run_tour(out, quick=True, progress=lines.append)
    return out, path, {lesson.name: lesson for lesson in lessons}, lines


@pytest.fixture(scope="session")
def lessons(tour):
    return tour[2]
