"""Run the lessons of the tour and write them as one HTML page with its figures.

:func:`run_tour` runs the lessons in order (printing progress) and :func:`write_report`
writes ``index.html``: one self-contained page (inline CSS) with a section per lesson —
title, explanation, a table of the numbers, the code and the figures, saved as PNG files
beside the page.

>>> import tempfile, pathlib
>>> from nabla.tour.lesson import Lesson
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> page = write_report([Lesson("x", "A <title>", "Text.", "f(x)", {"pi": 3.14159})], out)
>>> "A &lt;title&gt;" in page.read_text(), page.name
(True, 'index.html')
"""

from __future__ import annotations

import html
import math
import numbers
import pathlib
import time

import matplotlib

matplotlib.use("Agg")

DPI = 100

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 980px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
h1 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
h2 { color: #0072B2; margin-top: 2.2em; }
nav ol { columns: 2; }
section { border-top: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
td.value { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: .8em; overflow-x: auto; }
figure { display: inline-block; margin: .5em; }
img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .85em; color: #555; }
"""


def save(fig, out, filename):
    """Save ``fig`` as ``out/filename`` (PNG, dpi 100), close it, and return ``filename``."""
    import matplotlib.pyplot as plt
    fig.savefig(pathlib.Path(out) / filename, dpi=DPI)
    plt.close(fig)
    return filename


def format_value(value):
    """A number as the report shows it: integers as they are, floats to 10 significant
    digits, anything else by ``str``.

    >>> format_value(3), format_value(0.1 + 0.2), format_value(float("nan")), format_value("x")
    ('3', '0.3', 'nan', 'x')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        return repr(value) if not math.isfinite(value) else f"{value:.10g}"
    return str(value)


def _section(number, lesson):
    e = html.escape
    rows = "\n".join(f"<tr><td>{e(str(k))}</td><td class=\"value\">{e(format_value(v))}</td></tr>"
                     for k, v in lesson.numbers.items())
    figures = "\n".join(
        f"<figure><img src=\"{e(name)}\" alt=\"{e(lesson.title)}: figure {k + 1} ({e(name)})\">"
        f"<figcaption>{e(name)}</figcaption></figure>"
        for k, name in enumerate(lesson.figures))
    return f"""<section id="{e(lesson.name)}" class="lesson">
<h2>{number}. {e(lesson.title)}</h2>
<p>{e(lesson.explanation)}</p>
<table><thead><tr><th>quantity</th><th>value</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<pre><code>{e(lesson.code)}</code></pre>
{figures}
</section>"""


def write_report(lessons, out):
    """Write ``out/index.html`` for ``lessons`` (their figures are already in ``out``)
    and return its path."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    e = html.escape
    toc = "\n".join(f"<li><a href=\"#{e(lesson.name)}\">{e(lesson.title)}</a></li>"
                    for lesson in lessons)
    sections = "\n".join(_section(k + 1, lesson) for k, lesson in enumerate(lessons))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nabla — a guided tour of calculus for machine learning</title>
<style>{CSS}</style>
</head>
<body>
<h1>nabla — a guided tour of calculus for machine learning</h1>
<p>Each lesson below was computed by nabla when this page was written: the numbers in the
tables come from the code shown beside them, and the figures from <code>nabla.plot</code>.</p>
<nav><ol>
{toc}
</ol></nav>
{sections}
</body>
</html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def run_tour(out, *, only=None, quick=False, progress=print):
    """Run the lessons (all, or the one named ``only``) into ``out`` and write the report.

    Returns ``(path of index.html, [Lesson, …])``. ``quick`` makes each lesson cheaper
    (fewer iterations, coarser grids); ``progress`` receives one line per lesson.
    """
    from nabla.tour import lessons as registry

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    modules = registry.modules()
    if only is not None:
        names = [m.NAME for m in modules]
        if only not in names:
            raise ValueError(f"no lesson named {only!r}; the lessons are: {', '.join(names)}")
        modules = [m for m in modules if m.NAME == only]
    done = []
    for k, module in enumerate(modules, 1):
        start = time.perf_counter()
        lesson = module.run(out, quick)
        progress(f"[{k}/{len(modules)}] {module.TITLE} ... done "
                 f"({time.perf_counter() - start:.1f} s)")
        done.append(lesson)
    return write_report(done, out), done
