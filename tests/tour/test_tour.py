"""The guided tour: the registry, the HTML report and the command line."""

import html.parser
import os
import pathlib
import re
import subprocess
import sys

import pytest

from nabla.tour import lessons as registry
from nabla.tour.lesson import Lesson
from nabla.tour.report import write_report

PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM = "/usr/bin/chromium"


class Page(html.parser.HTMLParser):
    """The lesson sections, images and text of a report page."""

    def __init__(self):
        super().__init__()
        self.sections, self.images, self.titles, self._in_h2 = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "lesson":
            self.sections.append(attrs["id"])
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "h2":
            self._in_h2 = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.titles[-1] += data


def parse(path):
    page = Page()
    page.feed(pathlib.Path(path).read_text(encoding="utf-8"))
    return page


def test_every_lesson_of_the_fixed_order_is_there():
    assert registry.missing() == [], f"lesson modules missing: {registry.missing()}"


def test_every_lesson_module_follows_the_interface():
    modules = registry.modules()
    assert [m.NAME for m in modules] == [n for n in registry.ORDER if n not in registry.missing()]
    for m in modules:
        assert isinstance(m.TITLE, str) and m.TITLE and callable(m.run), m.__name__


def test_every_lesson_returns_a_complete_lesson(tour):
    _, _, lessons, _ = tour
    for name, lesson in lessons.items():
        assert isinstance(lesson, Lesson)
        assert lesson.title and lesson.code.strip() and lesson.numbers and lesson.figures, name
        sentences = re.findall(r"[.!?](?:\s|$)", lesson.explanation)
        assert 2 <= len(sentences) <= 6, (name, lesson.explanation)


def test_progress_is_printed_per_lesson(tour):
    _, _, lessons, lines = tour
    assert len(lines) == len(lessons)
    for k, line in enumerate(lines, 1):
        assert re.fullmatch(rf"\[{k}/{len(lessons)}\] .+ \.\.\. done \(\d+\.\d s\)", line), line


def test_report_has_every_lesson_and_every_figure_is_a_png(tour):
    out, path, lessons, _ = tour
    assert path == out / "index.html"
    page = parse(path)
    expected = [m.NAME for m in registry.modules()]
    assert page.sections == expected
    assert page.titles == [f"{k}. {lessons[n].title}" for k, n in enumerate(expected, 1)]
    referenced = [image["src"] for image in page.images]
    assert referenced == [f for n in expected for f in lessons[n].figures]
    for image in page.images:
        assert image.get("alt"), image
        data = (out / image["src"]).read_bytes()
        assert len(data) > 1000 and data.startswith(PNG), image["src"]


def test_report_escapes_text(tmp_path):
    lesson = Lesson("x", "<b>bold</b> & more", "a < b. c > d.", "if a < b: pass",
                    {"<n>": "<v>"}, [])
    text = write_report([lesson], tmp_path).read_text()
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text
    assert "&lt;n&gt;" in text and "&lt;v&gt;" in text and "if a &lt; b: pass" in text


CHECK = """<!DOCTYPE html><html><body><script>
const sources = %s;
let left = sources.length; const broken = [];
function done() { document.body.setAttribute("data-broken", JSON.stringify(broken));
                  document.body.setAttribute("data-done", "yes"); }
if (!left) done();
for (const src of sources) { const img = new Image();
  img.onload = () => { if (!img.naturalWidth) broken.push(src); if (!--left) done(); };
  img.onerror = () => { broken.push(src); if (!--left) done(); };
  img.src = src; }
</script></body></html>"""


def test_report_renders_in_a_browser_without_broken_images(tour, tmp_path):
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed: the page is not rendered")
        pytest.skip(f"{CHROMIUM} is not installed, so the report cannot be rendered headless")
    out, path, _, _ = tour
    import json
    sources = [image["src"] for image in parse(path).images]
    check = out / "check-images.html"
    check.write_text(CHECK % json.dumps(sources))
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1000,3000",
                    path.as_uri()], capture_output=True, timeout=60, check=True)
    assert shot.read_bytes().startswith(PNG)
    dom = subprocess.run([*flags, "--virtual-time-budget=10000", "--dump-dom", check.as_uri()],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert 'data-done="yes"' in dom, dom[-2000:]
    broken = json.loads(html.unescape(re.search(r'data-broken="([^"]*)"', dom).group(1)))
    assert broken == [], f"broken images: {broken}"


def run_module(*args, cwd):
    return subprocess.run([sys.executable, "-m", "nabla.tour", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_python_m_nabla_tour_writes_the_report(tmp_path):
    result = run_module("--quick", "--out", "tmp", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    index = tmp_path / "tmp" / "index.html"
    assert f"The report is at {index.resolve()}" in result.stdout
    assert parse(index).sections == [m.NAME for m in registry.modules()]


def test_only_runs_one_lesson(tmp_path):
    result = run_module("--only", "descent", "--quick", "--out", str(tmp_path / "one"),
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[1/1] Gradient descent and the learning rate ... done" in result.stdout
    assert parse(tmp_path / "one" / "index.html").sections == ["descent"]
    assert sorted(p.name for p in (tmp_path / "one").glob("*.png")) == [
        "descent-learning-rates.png"]


def test_an_unknown_lesson_is_a_usage_error(tmp_path):
    result = run_module("--only", "nonsense", "--out", str(tmp_path / "x"), cwd=tmp_path)
    assert result.returncode == 2 and "no lesson named 'nonsense'" in result.stderr
    assert "slopes" in result.stderr
