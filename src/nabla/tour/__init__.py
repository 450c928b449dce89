"""The guided tour: every concept of nabla computed, explained and drawn, as one report.

``nabla tour`` (or ``python -m nabla.tour``, ``make demo``) runs the lessons of
:mod:`nabla.tour.lessons` in order and writes ``nabla-tour/index.html``: for each lesson
its explanation, the numbers it computed, the code that computed them and its figures.

    nabla tour [--out DIR] [--only NAME] [--quick]

The tests check each lesson's numbers against independent computations.
"""

from __future__ import annotations

import argparse

from nabla.tour.lesson import Lesson

__all__ = ["Lesson", "main", "parser"]


def parser():
    """The command line of the tour."""
    p = argparse.ArgumentParser(
        prog="nabla tour",
        description="Run the guided tour of nabla and write it as an HTML report.")
    p.add_argument("--out", default="nabla-tour", metavar="DIR",
                   help="folder for index.html and its figures (default: nabla-tour)")
    p.add_argument("--only", metavar="NAME", default=None,
                   help="run only the lesson NAME (e.g. slopes, descent)")
    p.add_argument("--quick", action="store_true",
                   help="fewer iterations and coarser grids (for tests)")
    return p


def main(argv=None):
    """Run the tour with the command-line options ``argv`` (default ``sys.argv[1:]``);
    return 0."""
    from nabla.tour import lessons
    from nabla.tour.report import run_tour

    p = parser()
    args = p.parse_args(argv)
    names = [m.NAME for m in lessons.modules()]
    if args.only is not None and args.only not in names:
        p.error(f"no lesson named {args.only!r}; the lessons are: {', '.join(names)}")
    print("nabla — calculus for machine learning: the guided tour\n")
    path, _ = run_tour(args.out, only=args.only, quick=args.quick)
    print(f"\nThe report is at {path.resolve()}")
    return 0
