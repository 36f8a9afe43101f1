"""tools/lessons.py reads each lesson's title from its notebook's first heading,
and tools/navigation.py shows that title in the navigation and contents."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
sys.path.insert(0, str(TOOLS))

import lessons  # noqa: E402
import navigation  # noqa: E402


def _notebook(path: Path, *markdown: str) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown]
    cells.insert(1, {"cell_type": "code", "metadata": {}, "source": "# not a heading", "outputs": [],
                     "execution_count": None})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.mark.parametrize(
    "markdown, want",
    [
        (["# 03 · Temperature and sharpness\n\nOne line."], "Temperature and sharpness"),
        (["Intro without a heading", "## A subsection", "# 08 · Decoding: greedy to top-p  "], "Decoding: greedy to top-p"),
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
    monkeypatch.setattr(navigation, "LESSONS", [
        ("00-index.ipynb", "Contents", "Start here."),
        ("01-a.ipynb", "Planned A", "About A."),
        ("02-b.ipynb", "Planned B", "About B."),
        ("03-c.ipynb", "Planned C", "About C."),
    ])
    _notebook(tmp_path / "00-index.ipynb", "# Softmax, one lesson at a time")
    _notebook(tmp_path / "01-a.ipynb", "# 01 · A as the notebook says")
    _notebook(tmp_path / "02-b.ipynb", "# 02 · B as the notebook says")
    assert navigation.nav_line("01-a.ipynb").splitlines()[1] == (
        "[< 00 · Contents](00-index.ipynb) | [Contents](00-index.ipynb) | [02 · B as the notebook says >](02-b.ipynb)")
    table = navigation.contents_table()
    assert "| 01 | [A as the notebook says](01-a.ipynb) | About A. |" in table
    assert "| 03 | Planned C *(coming)* | About C. |" in table


@pytest.mark.parametrize("name", [n for n, *_ in lessons.LESSONS[1:] if (lessons.NOTEBOOKS / n).exists()])
def test_each_lesson_heading_carries_its_own_number(name):
    nb = json.loads((lessons.NOTEBOOKS / name).read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    line = "".join(first["source"]).splitlines()[0]
    assert re.match(rf"# {name[:2]} · \S", line), f"{name}: first line {line!r} should be '# {name[:2]} · Title'"
    assert lessons.title(name, "unused") == line.split(" · ", 1)[1].strip()
