"""The lesson registry (tools/lessons.py): every lesson's files exist and are
named from its number and slug, nothing lesson-shaped lives outside it, titles
come from the notebooks' headings, and tools/navigation.py shows them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import lessons
import navigation
from lessons import LESSONS, Lesson

ROOT = lessons.ROOT


def _notebook(path: Path, *markdown: str) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown]
    cells.insert(
        1, {"cell_type": "code", "metadata": {}, "source": "# not a heading", "outputs": [], "execution_count": None}
    )
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.mark.parametrize(
    "markdown, want",
    [
        (["# 03 · Temperature and sharpness\n\nOne line."], "Temperature and sharpness"),
        (
            ["Intro without a heading", "## A subsection", "# 09 · Decoding: greedy to top-p  "],
            "Decoding: greedy to top-p",
        ),
        ([["# 05 · Sigmoid is ", "two-class softmax\n", "text"]], "Sigmoid is two-class softmax"),
        (["# A title without a number"], "A title without a number"),
    ],
)
def test_heading_title_reads_the_first_level_1_heading(tmp_path, markdown, want):
    assert lessons.heading_title(_notebook(tmp_path / "x.ipynb", *markdown)) == want


def test_a_notebook_without_a_heading_is_an_error(tmp_path):
    with pytest.raises(ValueError, match=r"x\.ipynb has no level-1 heading"):
        lessons.heading_title(_notebook(tmp_path / "x.ipynb", "## only a subsection", "text"))


def test_title_falls_back_to_the_planned_one(tmp_path):
    _notebook(tmp_path / "03-t.ipynb", "# 03 · Renamed in the notebook")
    _notebook(tmp_path / "00-index.ipynb", "# Softmax, one lesson at a time")
    assert lessons.title("03-t.ipynb", "Planned", tmp_path) == "Renamed in the notebook"
    assert lessons.title("09-coming.ipynb", "Planned", tmp_path) == "Planned"
    assert lessons.title("00-index.ipynb", "Contents", tmp_path) == "Contents"


def test_navigation_and_contents_show_the_notebooks_own_title(tmp_path, monkeypatch):
    monkeypatch.setattr(navigation, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(
        navigation,
        "LESSONS",
        [
            Lesson("00", "index", "Contents", "Start here."),
            Lesson("01", "a", "Planned A", "About A."),
            Lesson("02", "b", "Planned B", "About B."),
            Lesson("03", "c", "Planned C", "About C."),
        ],
    )
    _notebook(tmp_path / "00-index.ipynb", "# Softmax, one lesson at a time")
    _notebook(tmp_path / "01-a.ipynb", "# 01 · A as the notebook says")
    _notebook(tmp_path / "02-b.ipynb", "# 02 · B as the notebook says")
    assert navigation.nav_line("01-a.ipynb").splitlines()[1] == (
        "[< 00 · Contents](00-index.ipynb) | [Contents](00-index.ipynb) | [02 · B as the notebook says >](02-b.ipynb)"
    )
    table = navigation.contents_table()
    assert "| 01 | [A as the notebook says](01-a.ipynb) | About A. |" in table
    assert "| 03 | Planned C *(coming)* | About C. |" in table


@pytest.mark.parametrize("name", [lesson.name for lesson in lessons.present()[1:]])
def test_each_lesson_heading_carries_its_own_number(name):
    nb = json.loads((lessons.NOTEBOOKS / name).read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    line = "".join(first["source"]).splitlines()[0]
    assert re.match(rf"# {name[:2]} · \S", line), f"{name}: first line {line!r} should be '# {name[:2]} · Title'"
    assert lessons.title(name, "unused") == line.split(" · ", 1)[1].strip()


def test_numbers_are_in_order_and_slugs_unique():
    numbers = [lesson.number for lesson in LESSONS]
    assert numbers == [f"{i:02d}" for i in range(len(LESSONS))]
    assert len({lesson.slug for lesson in LESSONS}) == len(LESSONS)


@pytest.mark.parametrize("lesson", lessons.present(), ids=lambda lesson: lesson.stem)
def test_every_file_of_a_lesson_exists(lesson):
    # The notebook exists (present()); its module, tests and teacher's page must too.
    assert lesson.module_path.exists(), f"{lesson.name}: write softmax_lib/lessons/{lesson.module}.py"
    assert lesson.test.exists(), f"{lesson.name}: write tests/{lesson.test.name}"
    if lesson.teaching is not None:
        assert lesson.teaching.exists(), f"{lesson.name}: write docs/teaching/{lesson.teaching.name}"
    module = lesson.import_module()
    assert module.__name__ == f"softmax_lib.lessons.{lesson.module}"


def test_nothing_lesson_shaped_lives_outside_the_registry():
    registered = {lesson.stem for lesson in LESSONS}
    modules = {lesson.module for lesson in LESSONS}
    stray = [p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb") if p.stem not in registered]
    stray += [
        p.relative_to(ROOT).as_posix() for p in (ROOT / "docs" / "teaching").glob("*.md") if p.stem not in registered
    ]
    stray += [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "softmax_lib" / "lessons").glob("*.py")
        if p.stem != "__init__" and p.stem not in modules
    ]
    stray += [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "tests").glob("test_lesson*.py")
        if p.stem.removeprefix("test_") not in modules
    ]
    assert not stray, f"not in tools/lessons.py (or misnamed): {stray}"


def test_no_lesson_module_name_collides_with_a_library_module():
    library = {p.stem for p in (ROOT / "softmax_lib").glob("*.py")}
    assert not {lesson.module for lesson in LESSONS} & library
