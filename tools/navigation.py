"""Write the navigation cells, the contents table and the README lesson list.

Every lesson gets a markdown cell ``< previous | Contents | next >`` as its
second cell and as its last cell, marked by ``<!--NAVIGATION-->`` so the
script can find and rewrite it (re-running is safe).  ``00-index.ipynb``
gets its contents table between ``<!--CONTENTS-->`` markers, and README.md
its lesson list between ``<!--LESSONS-->`` markers, and docs/teaching.md its
table of teacher's pages between ``<!--TEACHING-->`` markers.  Lessons whose notebook
does not exist yet are listed as "coming".

    python tools/navigation.py           # rewrite in place
    python tools/navigation.py --check   # exit 1 if anything is stale
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

import nbformat

from lessons import LESSONS, Lesson, title

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAV_MARK = "<!--NAVIGATION-->"
CONTENTS = ("<!--CONTENTS-->", "<!--/CONTENTS-->")
README_MARKS = ("<!--LESSONS-->", "<!--/LESSONS-->")
TEACHING_MARKS = ("<!--TEACHING-->", "<!--/TEACHING-->")


def _label(lesson: Lesson) -> str:
    """``"03 · Temperature and sharpness"``: the number, then the notebook's own title."""
    return f"{lesson.number} · {title(lesson.name, lesson.planned, NOTEBOOKS)}"


def existing() -> list[Lesson]:
    return [lesson for lesson in LESSONS if (NOTEBOOKS / lesson.name).exists()]


def nav_line(name: str) -> str:
    """The navigation markdown for lesson ``name`` (only lessons that exist)."""
    present = existing()
    names = [lesson.name for lesson in present]
    i = names.index(name)
    parts = []
    if i > 0:
        prev = present[i - 1]
        parts.append(f"[< {_label(prev)}]({prev.name})")
    if name != "00-index.ipynb":
        parts.append("[Contents](00-index.ipynb)")
    if i + 1 < len(present):
        nxt = present[i + 1]
        parts.append(f"[{_label(nxt)} >]({nxt.name})")
    return f"{NAV_MARK}\n" + " | ".join(parts)


def contents_table(link_prefix: str = "") -> str:
    lines = ["| # | Lesson | What you will learn |", "|---|---|---|"]
    for lesson in LESSONS[1:]:
        shown = title(lesson.name, lesson.planned, NOTEBOOKS)
        if (NOTEBOOKS / lesson.name).exists():
            lines.append(f"| {lesson.number} | [{shown}]({link_prefix}{lesson.name}) | {lesson.blurb} |")
        else:
            lines.append(f"| {lesson.number} | {shown} *(coming)* | {lesson.blurb} |")
    return "\n".join(lines)


def teaching_table() -> str:
    """docs/teaching.md's table: every lesson that exists, with its teacher's page."""
    lines = ["| # | Lesson | Teacher's page |", "|---|---|---|"]
    for lesson in existing():
        if lesson.teaching is not None:
            page = lesson.teaching.name
            lines.append(f"| {lesson.number} | {_label(lesson).split(' · ', 1)[1]} | [{page}](teaching/{page}) |")
    return "\n".join(lines)


def _replace_between(text: str, marks: tuple[str, str], body: str) -> str:
    start, end = marks
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"markers {start} ... {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def updated_notebook(path: Path) -> nbformat.NotebookNode:
    """Return the notebook with its navigation (and contents) made current."""
    nb = nbformat.read(path, as_version=4)
    line = nav_line(path.name)
    cells = [c for c in nb.cells if not (c.cell_type == "markdown" and c.source.startswith(NAV_MARK))]
    top = nbformat.v4.new_markdown_cell(line)
    bottom = nbformat.v4.new_markdown_cell(line)
    top.id, bottom.id = "nav-top", "nav-bottom"
    nb.cells = cells[:1] + [top] + cells[1:] + [bottom]
    if path.name == "00-index.ipynb":
        for c in nb.cells:
            if c.cell_type == "markdown" and CONTENTS[0] in c.source:
                c.source = _replace_between(c.source, CONTENTS, contents_table())
    return nb


def updated_readme(text: str) -> str:
    return _replace_between(text, README_MARKS, contents_table("notebooks/"))


def updated_teaching(text: str) -> str:
    return _replace_between(text, TEACHING_MARKS, teaching_table())


def _docs() -> list[tuple[Path, Callable[[str], str]]]:
    """The Markdown files with a generated lesson list, and the function that makes it current."""
    return [(ROOT / "README.md", updated_readme), (ROOT / "docs" / "teaching.md", updated_teaching)]


def stale() -> list[str]:
    """Names of files whose navigation, contents or lesson list is out of date."""
    out = []
    for lesson in existing():
        path = NOTEBOOKS / lesson.name
        if nbformat.writes(updated_notebook(path)) != nbformat.writes(nbformat.read(path, as_version=4)):
            out.append(f"notebooks/{lesson.name}")
    for path, update in _docs():
        if path.exists() and update(path.read_text(encoding="utf-8")) != path.read_text(encoding="utf-8"):
            out.append(path.relative_to(ROOT).as_posix())
    return out


def write_all(only: list[Path] | None = None) -> list[str]:
    """Rewrite the navigation of every notebook and the README's lesson list,
    or, given ``only``, of just those notebooks (the others keep theirs)."""
    changed = stale()
    for lesson in existing():
        path = NOTEBOOKS / lesson.name
        if only is None or path.resolve() in {p.resolve() for p in only}:
            nbformat.write(updated_notebook(path), path)
    for path, update in _docs():
        if only is None and path.exists():
            path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report stale files")
    args = ap.parse_args()
    if args.check:
        bad = stale()
        for b in bad:
            print(f"stale navigation: {b}  (run `make nav`)")
        return 1 if bad else 0
    for name in write_all():
        print(f"updated {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
